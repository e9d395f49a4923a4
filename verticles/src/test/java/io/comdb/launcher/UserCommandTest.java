package io.comdb.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.config.ComDbConfig;
import io.comdb.config.ConfigLoader;
import io.comdb.verticles.Users;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code comdb user add} in a child JVM, the password on its standard input as a script would give it. */
class UserCommandTest {
  @TempDir
  Path dir;

  private static int run(String stdin, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(UTF_8));
    p.getOutputStream().close();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void addWritesAHashTheServerSignsInWithAndKeepsTheRestOfTheFile() throws Exception {
    Path conf = dir.resolve("comdb.json");
    Files.writeString(conf, new JsonObject().put("http", new JsonObject().put("port", 9999)).encode());
    assertThat(run("somepassword\n", "user", "add", "alex", "--role", "write", "--conf", conf.toString())).isZero();
    assertThat(run("other\n", "user", "add", "viewer", "--role", "read", "--conf", conf.toString())).isZero();
    String text = Files.readString(conf);
    assertThat(text).doesNotContain("somepassword").contains("$pbkdf2$");
    ComDbConfig config = ConfigLoader.load(conf, Map.of(), Map.of());
    assertThat(config.http().port()).isEqualTo(9999);
    Users users = Users.of(config.security());
    assertThat(users.authenticate("alex", "somepassword")).isEqualTo(new Users.User("alex", Users.Role.WRITE));
    assertThat(users.authenticate("alex", "other")).isNull();
    assertThat(users.authenticate("viewer", "other").role()).isEqualTo(Users.Role.READ);
    assertThat(run("x\n", "user", "add", "bad", "--role", "root", "--conf", conf.toString())).isEqualTo(2);
    assertThat(run("", "user", "add", "empty", "--role", "read", "--conf", conf.toString())).isEqualTo(2);
    assertThat(Files.readString(conf)).isEqualTo(text);
  }
}
