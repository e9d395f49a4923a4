package io.comdb.config;

import io.vertx.core.json.JsonObject;

/**
 * TLS of the listeners that have a {@code tlsPort} ({@code http}, {@code resp}, {@code line}): PEM files.
 *
 * <pre>
 * cert  the certificate chain, PEM                                   default null (no TLS)
 * key   its private key, PEM (PKCS#8 or PKCS#1)                      default null
 * ca    CA certificates, PEM; when set, a client must present a
 *       certificate one of them signed                              default null
 * </pre>
 */
public record TlsSection(String cert, String key, String ca) {
  public static TlsSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("tls", json);
    TlsSection section = new TlsSection(f.string("cert", null), f.string("key", null), f.string("ca", null));
    f.rejectUnknown();
    if ((section.cert == null) != (section.key == null)) {
      throw new ConfigException(f.path(section.cert == null ? "cert" : "key"), "tls.cert and tls.key go together: set both, or neither");
    }
    if (section.ca != null && section.cert == null) {
      throw new ConfigException(f.path("ca"), "client certificates need the server's own: set tls.cert and tls.key too");
    }
    return section;
  }

  /** Whether a certificate is configured. */
  public boolean enabled() {
    return cert != null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("cert", cert).put("key", key).put("ca", ca);
  }
}
