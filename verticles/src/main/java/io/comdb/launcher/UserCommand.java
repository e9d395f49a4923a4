package io.comdb.launcher;

import io.comdb.config.ComDbConfig;
import io.comdb.config.ConfigException;
import io.comdb.config.ConfigLoader;
import io.comdb.config.SecuritySection;
import io.comdb.verticles.Users;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code comdb user add NAME --role ROLE}: writes a user with a PBKDF2 hash of the password into the
 * configuration file's {@code security.users}. The password is read from the terminal (twice) or, when
 * there is none, from the first line of standard input; it is never a flag, so it stays out of shell
 * histories and process lists.
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage the users in a configuration file.",
    subcommands = {UserCommand.Add.class})
final class UserCommand {
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a user (or give one a new password and role) in the configuration file's security.users.")
  static final class Add implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The user's name.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "read, write or admin.")
    String role;

    @Option(names = "--conf", paramLabel = "FILE", description = "The configuration file (env COMDB_CONF, default ./comdb.json); created if missing.")
    Path conf;

    @Override
    public Integer call() throws IOException {
      Path file = conf != null ? conf : Path.of(envOr(ConfigLoader.CONF_ENV, "comdb.json"));
      if (!SecuritySection.ROLES.contains(role)) {
        System.err.println("comdb: --role must be one of " + String.join(", ", SecuritySection.ROLES));
        return 2;
      }
      JsonObject json;
      try {
        json = Files.exists(file) ? new JsonObject(Files.readString(file)) : new JsonObject();
      } catch (DecodeException e) {
        System.err.println("comdb: " + file + " is not a JSON object");
        return 2;
      }
      char[] password = readPassword();
      if (password == null) {
        return 2;
      }
      JsonObject security = json.getJsonObject("security", new JsonObject());
      JsonObject users = security.getJsonObject("users", new JsonObject());
      users.put(name, new JsonObject().put("password", Users.hash(new String(password))).put("role", role));
      Arrays.fill(password, '\0');
      json.put("security", security.put("users", users));
      try {
        ComDbConfig.fromJson(json); // what the server would say of the file
      } catch (ConfigException e) {
        System.err.println("comdb: the file would not be a valid configuration: " + e.getMessage());
        return 2;
      }
      Path temp = file.toAbsolutePath().resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, json.encodePrettily() + "\n");
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      System.out.println("user " + name + " (" + role + ") written to " + file);
      return 0;
    }

    private static char[] readPassword() throws IOException {
      Console console = System.console();
      if (console != null) {
        char[] first = console.readPassword("password: ");
        char[] again = console.readPassword("again: ");
        if (first == null || !Arrays.equals(first, again)) {
          System.err.println("comdb: the two passwords differ");
          return null;
        }
        return checked(first);
      }
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return checked(line == null ? new char[0] : line.toCharArray());
    }

    private static char[] checked(char[] password) {
      if (password.length == 0) {
        System.err.println("comdb: the password must not be empty");
        return null;
      }
      return password;
    }

    private static String envOr(String name, String fallback) {
      String value = System.getenv(name);
      return value == null || value.isEmpty() ? fallback : value;
    }
  }
}
