package io.comdb.config;

import io.vertx.core.json.JsonObject;

/**
 * The Redis-protocol (RESP) server. Its password is {@code security.password} (requirepass).
 *
 * <pre>
 * enabled        true | false                                          default true
 * host           address to bind                                       default "127.0.0.1"
 * port           0 .. 65535 (0: any free port, and one instance); -1: no plain-text listener   default 6380
 * tlsPort        the TLS listener's port (tls.cert), as Redis's tls-port; -1: none   default -1
 * instances      RespVerticle instances; 0 = one per core              default 0
 * maxBulkBytes   largest bulk string (proto-max-bulk-len), 1 KiB .. 512 MiB   default 536870912
 * maxQueryBytes  bytes held for one command (client-query-buffer-limit), 1 MiB .. 1 GiB  default 1073741824
 *                (each element counts its bytes plus {@link #ELEMENT_OVERHEAD} for what holding it costs)
 * maxClients     connections at once (maxclients), 1 .. 1000000; lowered to what the
 *                process's file-descriptor limit leaves room for          default 10000
 * timeout        seconds a client may stay idle before it is closed (timeout); 0 = never    default 0
 * outputBufferLimit   client-output-buffer-limit, in Redis's form      default "normal 0 0 0 pubsub 32mb 8mb 60"
 * allowShutdown  whether SHUTDOWN stops the server                    default true
 * </pre>
 */
public record RespSection(boolean enabled, String host, int port, int tlsPort, int instances, long maxBulkBytes, long maxQueryBytes,
    int maxClients, long timeout, OutputBufferLimits outputBufferLimit, boolean allowShutdown) {
  /** What one command element costs to hold beyond its bytes (array, its header, the list's slot). */
  public static final int ELEMENT_OVERHEAD = 32;

  public static RespSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("resp", json);
    RespSection section = new RespSection(
        f.bool("enabled", true),
        f.string("host", "127.0.0.1"),
        (int) f.integer("port", 6380, -1, 65_535),
        (int) f.integer("tlsPort", -1, -1, 65_535),
        (int) f.integer("instances", 0, 0, 256),
        f.integer("maxBulkBytes", 512L << 20, 1 << 10, 512L << 20),
        f.integer("maxQueryBytes", 1L << 30, 1 << 20, 1L << 30),
        (int) f.integer("maxClients", 10_000, 1, 1_000_000),
        f.integer("timeout", 0, 0, Integer.MAX_VALUE),
        outputBufferLimit(f),
        f.bool("allowShutdown", true));
    f.rejectUnknown();
    return section;
  }

  private static OutputBufferLimits outputBufferLimit(JsonFields f) {
    String text = f.string("outputBufferLimit", "");
    try {
      return OutputBufferLimits.DEFAULTS.with(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(f.path("outputBufferLimit"), e.getMessage());
    }
  }

  /** The instances to deploy, by the rule of {@link HttpSection#instanceCount()}. */
  public int instanceCount() {
    return HttpSection.instanceCount(port, tlsPort, instances);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("host", host)
        .put("port", port)
        .put("tlsPort", tlsPort)
        .put("instances", instances)
        .put("maxBulkBytes", maxBulkBytes)
        .put("maxQueryBytes", maxQueryBytes)
        .put("maxClients", maxClients)
        .put("timeout", timeout)
        .put("outputBufferLimit", outputBufferLimit.toString())
        .put("allowShutdown", allowShutdown);
  }
}
