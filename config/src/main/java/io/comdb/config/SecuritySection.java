package io.comdb.config;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Access control, the same on every listener.
 *
 * <pre>
 * password  the {@code default} user's password; null = none                           default null
 * users     named users: {"alex": {"password": "$pbkdf2$...", "role": "write"}, ...}   default none
 *           role: read (reads only), write (reads and writes), admin (also merge, backup,
 *           configuration, server commands); the password is a hash (bin/comdb user add
 *           writes one), never the password itself
 * </pre>
 *
 * With neither, the server is open: anyone is the {@code default} user, an admin, and the server must
 * bind loopback only (see {@link ComDbConfig#fromJson}). With {@code password}, the {@code default}
 * user (an admin) has it; with users and no {@code password}, there is no {@code default} user: a
 * client must sign in as one of them.
 */
public record SecuritySection(String password, Map<String, User> users) {
  public static final List<String> ROLES = List.of("read", "write", "admin");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  /** A named user: the PHC string of its password's hash, and its role. */
  public record User(String passwordHash, String role) {
    @Override
    public String toString() {
      return "User[role=" + role + "]";
    }
  }

  public SecuritySection {
    users = Map.copyOf(users);
  }

  public static SecuritySection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("security", json);
    String password = f.string("password", null);
    if (password != null && password.isEmpty()) {
      throw new ConfigException(f.path("password"), "must not be empty; leave it out (null) for no password");
    }
    Map<String, User> users = users(f);
    f.rejectUnknown();
    if (password != null && users.containsKey("default")) {
      throw new ConfigException(f.path("users"), "names 'default', whose password is security.password: set one of the two");
    }
    return new SecuritySection(password, users);
  }

  private static Map<String, User> users(JsonFields f) {
    JsonObject json = f.object("users");
    Map<String, User> users = new TreeMap<>();
    for (String name : json.fieldNames()) {
      String at = f.path("users." + name);
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(at, "a user name is 1 to 64 letters, digits, '.', '_', '@' or '-'");
      }
      if (!(json.getValue(name) instanceof JsonObject user)) {
        throw new ConfigException(at, "must be an object: {\"password\": \"$pbkdf2$...\", \"role\": \"read|write|admin\"}");
      }
      JsonFields u = new JsonFields("security.users." + name, user);
      String hash = u.string("password", null);
      if (hash == null || !hash.startsWith("$pbkdf2$")) {
        throw new ConfigException(u.path("password"), "must be a PBKDF2 hash ($pbkdf2$...), never a password itself: "
            + "bin/comdb user add " + name + " --role ROLE writes one");
      }
      String role = u.oneOf("role", null, ROLES);
      u.rejectUnknown();
      users.put(name, new User(hash, role));
    }
    return users;
  }

  public JsonObject toJson() {
    JsonObject users = new JsonObject();
    this.users.forEach((name, u) -> users.put(name, new JsonObject().put("password", u.passwordHash()).put("role", u.role())));
    return new JsonObject().put("password", password).put("users", users);
  }

  /** Whether anyone may connect without credentials. */
  public boolean open() {
    return password == null && users.isEmpty();
  }

  @Override
  public String toString() {
    return "SecuritySection[password=" + (password == null ? "none" : "***") + ", users=" + users.keySet() + "]";
  }
}
