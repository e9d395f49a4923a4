package io.comdb.config;

import io.vertx.core.json.JsonObject;

/**
 * The Redis-protocol (RESP) server. Its password is {@code security.password} (requirepass).
 *
 * <pre>
 * enabled        true | false                                          default true
 * host           address to bind                                       default "127.0.0.1"
 * port           0 .. 65535 (0: any free port, and one instance)       default 6380
 * instances      RespVerticle instances; 0 = one per core              default 0
 * maxBulkBytes   largest bulk string (proto-max-bulk-len), 1 KiB .. 512 MiB   default 536870912
 * maxQueryBytes  bytes held for one command (client-query-buffer-limit), 1 MiB .. 1 GiB  default 1073741824
 * </pre>
 */
public record RespSection(boolean enabled, String host, int port, int instances, long maxBulkBytes, long maxQueryBytes) {
  public static RespSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("resp", json);
    RespSection section = new RespSection(
        f.bool("enabled", true),
        f.string("host", "127.0.0.1"),
        (int) f.integer("port", 6380, 0, 65_535),
        (int) f.integer("instances", 0, 0, 256),
        f.integer("maxBulkBytes", 512L << 20, 1 << 10, 512L << 20),
        f.integer("maxQueryBytes", 1L << 30, 1 << 20, 1L << 30));
    f.rejectUnknown();
    return section;
  }

  /** The instances to deploy, by the rule of {@link HttpSection#instanceCount()}. */
  public int instanceCount() {
    return HttpSection.instanceCount(port, instances);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("host", host)
        .put("port", port)
        .put("instances", instances)
        .put("maxBulkBytes", maxBulkBytes)
        .put("maxQueryBytes", maxQueryBytes);
  }
}
