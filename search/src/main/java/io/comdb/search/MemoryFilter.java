package io.comdb.search;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What a search is limited to: memories whose metadata has each of {@code metadata}'s fields with an
 * equal value (for an array field: holding the value), created within {@code [createdFrom, createdTo]}
 * (either bound may be null).
 */
public record MemoryFilter(Map<String, Object> metadata, Long createdFrom, Long createdTo) {
  public static final MemoryFilter NONE = new MemoryFilter(Map.of(), null, null);

  public MemoryFilter {
    metadata = Map.copyOf(metadata);
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      if (!MetadataTerms.isScalar(e.getValue())) {
        throw new IllegalArgumentException("filter.metadata." + e.getKey() + " must be a string, number or boolean");
      }
    }
  }

  public boolean isEmpty() {
    return metadata.isEmpty() && createdFrom == null && createdTo == null;
  }

  /** {@code {"metadata": {...}, "createdAt": {"gte": ms, "lte": ms}}}, every part optional; null is no filter. */
  public static MemoryFilter fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    for (String field : json.fieldNames()) {
      if (!field.equals("metadata") && !field.equals("createdAt")) {
        throw new IllegalArgumentException("filter has fields metadata and createdAt; got '" + field + "'");
      }
    }
    JsonObject metadata = object(json, "metadata", "filter.metadata");
    JsonObject range = object(json, "createdAt", "filter.createdAt");
    Long from = null;
    Long to = null;
    if (range != null) {
      for (String bound : range.fieldNames()) {
        Object v = range.getValue(bound);
        if (!(bound.equals("gte") || bound.equals("lte")) || !(v instanceof Number n) || n.doubleValue() != n.longValue()) {
          throw new IllegalArgumentException("filter.createdAt takes gte and lte, epoch milliseconds; got '" + bound + "'");
        }
        if (bound.equals("gte")) {
          from = n.longValue();
        } else {
          to = n.longValue();
        }
      }
    }
    return new MemoryFilter(metadata == null ? Map.of() : metadata.getMap(), from, to);
  }

  private static JsonObject object(JsonObject json, String field, String path) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw new IllegalArgumentException(path + " must be an object");
    }
    return o;
  }
}
