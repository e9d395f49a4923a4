package io.comdb.config;

import io.vertx.core.json.JsonObject;

/**
 * Access control.
 *
 * <pre>
 * password  required of HTTP clients (Bearer token or Basic password) when set; null = open   default null
 * </pre>
 *
 * A server that binds anything but loopback without a password is refused at start-up (see
 * {@link ComDbConfig#fromJson}).
 */
public record SecuritySection(String password) {
  public static SecuritySection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("security", json);
    String password = f.string("password", null);
    if (password != null && password.isEmpty()) {
      throw new ConfigException(f.path("password"), "must not be empty; leave it out (null) for no password");
    }
    f.rejectUnknown();
    return new SecuritySection(password);
  }

  public JsonObject toJson() {
    return new JsonObject().put("password", password);
  }

  @Override
  public String toString() {
    return "SecuritySection[password=" + (password == null ? "none" : "***") + "]";
  }
}
