package io.comdb.search;

import io.vertx.core.json.JsonObject;

/**
 * A memory space as its agent sees it.
 *
 * @param capacity the most memories it keeps (the oldest are evicted beyond), 0 for no limit
 * @param count how many memories it holds
 * @param compressor the LLM endpoint its memories are compressed through, or null
 * @param compression its own compression settings (null fields: the server's)
 */
public record SpaceInfo(String agentId, long capacity, int count, long createdAt, String compressor, CompressionPolicy compression) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("agentId", agentId)
        .put("capacity", capacity == 0 ? null : capacity)
        .put("count", count)
        .put("createdAt", createdAt)
        .put("compressor", compressor)
        .put("compression", compression == null || compression.equals(CompressionPolicy.NONE) ? null : compression.toJson());
  }
}
