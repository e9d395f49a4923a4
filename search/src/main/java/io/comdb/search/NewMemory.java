package io.comdb.search;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** A memory to add: its text, optional metadata, and an optional creation time (null: now). */
public record NewMemory(String text, JsonObject metadata, Long createdAt) {
  public NewMemory {
    Objects.requireNonNull(text, "text");
    metadata = metadata == null ? new JsonObject() : metadata;
  }

  public static NewMemory of(String text) {
    return new NewMemory(text, null, null);
  }
}
