package io.comdb.config;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole server configuration, one typed section per concern. Every field has a default that runs out
 * of the box (data in {@code ./data}, HTTP on 127.0.0.1:9090, RESP on 127.0.0.1:6380, sync every second);
 * {@link ConfigLoader} lays a JSON file, the environment and command-line flags over them.
 *
 * <p>As JSON it is one object per section: {@code {"engine": {...}, "http": {...}, ...}}; each section's
 * fields are listed on its record.
 */
public record ComDbConfig(
    EngineSection engine,
    HttpSection http,
    RespSection resp,
    LineSection line,
    SearchSection search,
    ClusterSection cluster,
    SecuritySection security,
    TlsSection tls) {
  public static final List<String> SECTIONS = List.of("engine", "http", "resp", "line", "search", "cluster", "security", "tls");

  public static ComDbConfig defaults() {
    return fromJson(new JsonObject());
  }

  /**
   * Reads and validates a configuration.
   *
   * @throws ConfigException naming the first bad field and what it allows
   */
  public static ComDbConfig fromJson(JsonObject json) {
    for (String name : json.fieldNames()) {
      if (!SECTIONS.contains(name)) {
        throw new ConfigException(name, "unknown section; known: " + String.join(", ", SECTIONS));
      }
      if (!(json.getValue(name) instanceof JsonObject)) {
        throw new ConfigException(name, "must be a JSON object, got " + json.getValue(name));
      }
    }
    ComDbConfig config = new ComDbConfig(
        EngineSection.fromJson(json.getJsonObject("engine")),
        HttpSection.fromJson(json.getJsonObject("http")),
        RespSection.fromJson(json.getJsonObject("resp")),
        LineSection.fromJson(json.getJsonObject("line")),
        SearchSection.fromJson(json.getJsonObject("search")),
        ClusterSection.fromJson(json.getJsonObject("cluster")),
        SecuritySection.fromJson(json.getJsonObject("security")),
        TlsSection.fromJson(json.getJsonObject("tls")));
    Map<String, Integer> tlsPorts = Map.of("http", config.http.tlsPort(), "resp", config.resp.tlsPort(), "line", config.line.tlsPort());
    tlsPorts.forEach((listener, port) -> {
      if (port >= 0 && !config.tls.enabled()) {
        throw new ConfigException(listener + ".tlsPort", "a TLS port needs tls.cert and tls.key (PEM files)");
      }
    });
    if (config.security.open()) {
      requireLoopback("http.host", config.http.host());
      requireLoopback("resp.host", config.resp.host());
      requireLoopback("line.host", config.line.host());
    }
    return config;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("engine", engine.toJson())
        .put("http", http.toJson())
        .put("resp", resp.toJson())
        .put("line", line.toJson())
        .put("search", search.toJson())
        .put("cluster", cluster.toJson())
        .put("security", security.toJson())
        .put("tls", tls.toJson());
  }

  /** Without a password, anyone who can reach a non-loopback address could read and erase everything. */
  private static void requireLoopback(String field, String host) {
    boolean loopback;
    try {
      loopback = Set.of("localhost", "127.0.0.1", "::1").contains(host) || InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException(field, "cannot resolve '" + host + "'");
    }
    if (!loopback) {
      throw new ConfigException(field, "binding " + host + " exposes the data beyond this machine; "
          + "set security.password (COMDB_SECURITY_PASSWORD) or security.users, or bind a loopback address such as 127.0.0.1");
    }
  }
}
