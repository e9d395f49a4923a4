package io.comdb.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The HTTP API (ComDB's {@code /bitcask/*} routes and the versioned {@code /v1} API).
 *
 * <pre>
 * enabled       true | false                                  default true
 * host          address to bind                               default "127.0.0.1"
 * port          0 .. 65535 (0: any free port); -1: no plain-text listener   default 9090
 * tlsPort       the TLS listener's port (tls.cert); -1: none  default -1
 * instances     HttpVerticle instances; 0 = one per core      default 0
 * maxBodyBytes  largest request body, 1 KiB .. 512 MiB         default 16777216 (16 MiB)
 * allowedOrigins  web origins ("https://app.example.com") whose pages may send requests that change
 *               data; a JSON array, or a comma-separated string   default none
 * </pre>
 */
public record HttpSection(boolean enabled, String host, int port, int tlsPort, int instances, int maxBodyBytes, List<String> allowedOrigins) {
  public static HttpSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("http", json);
    HttpSection section = new HttpSection(
        f.bool("enabled", true),
        f.string("host", "127.0.0.1"),
        (int) f.integer("port", 9090, -1, 65_535),
        (int) f.integer("tlsPort", -1, -1, 65_535),
        (int) f.integer("instances", 0, 0, 256),
        (int) f.integer("maxBodyBytes", 16 << 20, 1 << 10, 512 << 20),
        f.strings("allowedOrigins"));
    f.rejectUnknown();
    return section;
  }

  /**
   * The instances to deploy: {@link #instances()}, or one per core when that is 0; one when the port is 0
   * (each instance would get a port of its own: one instance, one port to tell clients).
   */
  public int instanceCount() {
    return instanceCount(port, tlsPort, instances);
  }

  /** The rule of {@link #instanceCount()}, for every listening section (either port 0: one instance). */
  static int instanceCount(int port, int tlsPort, int instances) {
    return port == 0 || tlsPort == 0 ? 1 : instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("host", host)
        .put("port", port)
        .put("tlsPort", tlsPort)
        .put("instances", instances)
        .put("maxBodyBytes", maxBodyBytes)
        .put("allowedOrigins", new JsonArray(allowedOrigins));
  }
}
