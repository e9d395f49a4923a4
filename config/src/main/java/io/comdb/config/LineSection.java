package io.comdb.config;

import io.vertx.core.json.JsonObject;

/**
 * ChromoDB's line protocol ({@code PUT->key->value}, {@code GET->key}, ...), on the same keyspace as the
 * key-value API. Its first line authenticates against {@code security}.
 *
 * <pre>
 * enabled         true | false                                        default true
 * host            address to bind                                     default "127.0.0.1"
 * port            0 .. 65535 (0: any free port, and one instance); -1: no plain-text listener   default 7676 (ChromoDB's)
 * tlsPort         the TLS listener's port (tls.cert); -1: none        default -1
 * instances       LineProtocolVerticle instances; 0 = one per core    default 0
 * maxLineBytes    longest line, its end included, 64 B .. 512 MiB     default 1048576 (1 MiB)
 * maxClients      connections at once, 1 .. 1000000                  default 10000
 * idleSeconds     seconds a client may stay silent before it is closed; 0 = never   default 300
 * </pre>
 */
public record LineSection(boolean enabled, String host, int port, int tlsPort, int instances, int maxLineBytes, int maxClients, int idleSeconds) {
  public static LineSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("line", json);
    LineSection section = new LineSection(
        f.bool("enabled", true),
        f.string("host", "127.0.0.1"),
        (int) f.integer("port", 7676, -1, 65_535),
        (int) f.integer("tlsPort", -1, -1, 65_535),
        (int) f.integer("instances", 0, 0, 256),
        (int) f.integer("maxLineBytes", 1 << 20, 64, 512 << 20),
        (int) f.integer("maxClients", 10_000, 1, 1_000_000),
        (int) f.integer("idleSeconds", 300, 0, Integer.MAX_VALUE));
    f.rejectUnknown();
    return section;
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
        .put("maxLineBytes", maxLineBytes)
        .put("maxClients", maxClients)
        .put("idleSeconds", idleSeconds);
  }
}
