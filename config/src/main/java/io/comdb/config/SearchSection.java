package io.comdb.config;

import io.vertx.core.json.JsonObject;

/**
 * Agent memory spaces.
 *
 * <pre>
 * compressEndpoint  URL of the LLM endpoint that compresses rarely used memories, or null   default null
 * </pre>
 */
public record SearchSection(String compressEndpoint) {
  public static SearchSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("search", json);
    String endpoint = f.string("compressEndpoint", null);
    if (endpoint != null && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      throw new ConfigException(f.path("compressEndpoint"), "must be an http:// or https:// URL, got '" + endpoint + "'");
    }
    f.rejectUnknown();
    return new SearchSection(endpoint);
  }

  public JsonObject toJson() {
    return new JsonObject().put("compressEndpoint", compressEndpoint);
  }
}
