package io.comdb.search;

import io.vertx.core.json.JsonObject;

/**
 * A space's own compression settings; each null field falls back to the server's ({@code search.*}).
 *
 * @param batch the most memories one compression rewrites, 2 .. 1000
 * @param minAgeMs the age below which the background compression leaves a memory alone, >= 0
 * @param prompt the instruction the memories follow in the LLM's prompt, one per line, 1 .. 4096 characters
 */
public record CompressionPolicy(Integer batch, Long minAgeMs, String prompt) {
  public static final CompressionPolicy NONE = new CompressionPolicy(null, null, null);
  static final int MAX_PROMPT = 4096;

  public CompressionPolicy {
    if (batch != null && (batch < 2 || batch > 1000)) {
      throw new IllegalArgumentException("compression.batch must be 2 to 1000, got " + batch);
    }
    if (minAgeMs != null && minAgeMs < 0) {
      throw new IllegalArgumentException("compression.minAgeMs must be >= 0, got " + minAgeMs);
    }
    if (prompt != null && (prompt.isBlank() || prompt.length() > MAX_PROMPT)) {
      throw new IllegalArgumentException("compression.prompt must be 1 to " + MAX_PROMPT + " characters");
    }
  }

  /** {@code {"batch"?, "minAgeMs"?, "prompt"?}}; null or an empty object is {@link #NONE}. */
  public static CompressionPolicy fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    for (String field : json.fieldNames()) {
      if (!field.equals("batch") && !field.equals("minAgeMs") && !field.equals("prompt")) {
        throw new IllegalArgumentException("compression has no field '" + field + "': batch, minAgeMs, prompt");
      }
    }
    try {
      Long batch = json.getLong("batch");
      return new CompressionPolicy(batch == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, batch)),
          json.getLong("minAgeMs"), json.getString("prompt"));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("compression.batch and minAgeMs are integers, prompt a string");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("batch", batch).put("minAgeMs", minAgeMs).put("prompt", prompt);
  }
}
