package io.comdb.config;

import io.vertx.core.json.JsonObject;

/**
 * The Redis-protocol (RESP) server.
 *
 * <pre>
 * host  address to bind                     default "127.0.0.1"
 * port  0 .. 65535 (0: any free port)       default 6380
 * </pre>
 */
public record RespSection(String host, int port) {
  public static RespSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("resp", json);
    RespSection section = new RespSection(f.string("host", "127.0.0.1"), (int) f.integer("port", 6380, 0, 65_535));
    f.rejectUnknown();
    return section;
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port);
  }
}
