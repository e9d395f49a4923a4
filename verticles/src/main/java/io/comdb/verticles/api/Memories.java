package io.comdb.verticles.api;

import io.comdb.search.MemoryFilter;
import io.comdb.search.NewMemory;
import io.comdb.search.SearchMode;
import io.comdb.search.SearchQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests of the agent-memory API ({@code comdb.memory.*}, see {@link Addresses}). Bodies are JSON
 * objects, the shapes of the {@code /v1/agents} HTTP API plus {@code agentId} (and {@code id}); JSON has a
 * codec on every node already. These readers check every field and throw {@link IllegalArgumentException}
 * (answered as {@link Failure#INVALID_ARGUMENT}) naming the one that is wrong.
 */
public final class Memories {
  /** The default and largest {@code k} of a search. */
  public static final int DEFAULT_K = 10;

  private Memories() {}

  public static String agentId(JsonObject body) {
    return string(body, "agentId", true);
  }

  public static String id(JsonObject body) {
    return string(body, "id", true);
  }

  /** One memory ({@code {"text", "metadata", "createdAt"}}) or several ({@code {"memories": [...]}}). */
  public static List<NewMemory> newMemories(JsonObject body) {
    Object many = body.getValue("memories");
    if (many == null) {
      return List.of(newMemory(body));
    }
    if (!(many instanceof JsonArray array)) {
      throw new IllegalArgumentException("memories must be an array of memories");
    }
    List<NewMemory> memories = new ArrayList<>(array.size());
    for (Object o : array) {
      if (!(o instanceof JsonObject memory)) {
        throw new IllegalArgumentException("memories must be an array of objects {\"text\": ...}");
      }
      memories.add(newMemory(memory));
    }
    return memories;
  }

  public static NewMemory newMemory(JsonObject body) {
    return new NewMemory(string(body, "text", true), object(body, "metadata"), integer(body, "createdAt"));
  }

  public static String text(JsonObject body) {
    return string(body, "text", false);
  }

  public static JsonObject metadata(JsonObject body) {
    return object(body, "metadata");
  }

  public static SearchQuery searchQuery(JsonObject body) {
    String query = string(body, "query", true);
    Long k = integer(body, "k");
    Double recency = number(body, "recency");
    Double minScore = number(body, "minScore");
    String mode = string(body, "mode", false);
    return new SearchQuery(query, k == null ? DEFAULT_K : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, k)),
        MemoryFilter.fromJson(object(body, "filter")), recency == null ? 0 : recency,
        minScore == null ? Double.NEGATIVE_INFINITY : minScore, mode == null ? null : SearchMode.parse(mode));
  }

  public static String string(JsonObject body, String field, boolean required) {
    Object v = body.getValue(field);
    if (v == null && !required) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(field + (v == null ? " is required" : " must be a string"));
    }
    return s;
  }

  public static Long integer(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > 9e18) {
      throw new IllegalArgumentException(field + " must be an integer");
    }
    return n.longValue();
  }

  public static Double number(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(field + " must be a number");
    }
    return n.doubleValue();
  }

  public static JsonObject object(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw new IllegalArgumentException(field + " must be a JSON object");
    }
    return o;
  }
}
