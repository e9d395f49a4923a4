package io.comdb.search;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One memory of an agent: its id in the space, its text, its metadata (a JSON object, empty when none was
 * given) and when it was created (epoch milliseconds).
 */
public record Memory(String id, String text, JsonObject metadata, long createdAt) {
  public Memory {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    metadata = metadata == null ? new JsonObject() : metadata;
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("text", text).put("createdAt", createdAt).put("metadata", metadata.copy());
  }
}
