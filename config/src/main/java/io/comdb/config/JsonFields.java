package io.comdb.config;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one section's fields out of JSON, each with a default, and fails with a {@link ConfigException}
 * naming the field on a wrong type, a value out of range, or a field the section does not know.
 */
final class JsonFields {
  private final String section;
  private final JsonObject json;
  private final Set<String> read = new HashSet<>();

  JsonFields(String section, JsonObject json) {
    this.section = section;
    this.json = json == null ? new JsonObject() : json;
  }

  String path(String field) {
    return section + "." + field;
  }

  String string(String field, String fallback) {
    Object v = value(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s)) {
      throw new ConfigException(path(field), "must be a string, got " + v);
    }
    return s;
  }

  /** Hours given as {@code "HH:mm-HH:mm"} ({@link MergeWindow}), or null when the field is absent. */
  MergeWindow window(String field) {
    String v = string(field, null);
    try {
      return v == null ? null : MergeWindow.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path(field), e.getMessage());
    }
  }

  String oneOf(String field, String fallback, List<String> allowed) {
    String v = string(field, fallback);
    if (!allowed.contains(v)) {
      throw new ConfigException(path(field), "must be one of " + String.join(", ", allowed) + "; got '" + v + "'");
    }
    return v;
  }

  long integer(String field, long fallback, long min, long max) {
    Object v = value(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException(path(field), "must be a whole number from " + min + " to " + max + ", got " + v);
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw new ConfigException(path(field), "must be from " + min + " to " + max + ", got " + l);
    }
    return l;
  }

  /** A size in bytes: a whole number, or Redis's form with a unit ("750mb", "2gb", "512k"). */
  long bytes(String field, long fallback, long min, long max) {
    Object v = value(field);
    if (v == null) {
      return fallback;
    }
    long bytes = v instanceof String text ? OutputBufferLimits.Memory.parse(text.trim())
        : v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? n.longValue() : -1;
    if (bytes < min || bytes > max) {
      throw new ConfigException(path(field), "must be a size from " + min + " to " + max + " bytes (a number, or with a unit: 750mb, 2gb), got " + v);
    }
    return bytes;
  }

  double decimal(String field, double fallback, double minExclusive, double maxInclusive) {
    Object v = value(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() > minExclusive && n.doubleValue() <= maxInclusive)) {
      throw new ConfigException(path(field), "must be a number above " + minExclusive + " and at most " + maxInclusive + ", got " + v);
    }
    return n.doubleValue();
  }

  /** A list of strings: a JSON array of them, or one string of comma-separated values (as the environment gives it). */
  List<String> strings(String field) {
    Object v = value(field);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
    if (v instanceof io.vertx.core.json.JsonArray array && array.stream().allMatch(e -> e instanceof String)) {
      return array.stream().map(String.class::cast).toList();
    }
    throw new ConfigException(path(field), "must be an array of strings, or a comma-separated string, got " + v);
  }

  /** A JSON object (empty when absent), or its text, as the environment gives it. */
  io.vertx.core.json.JsonObject object(String field) {
    Object v = value(field);
    if (v == null) {
      return new io.vertx.core.json.JsonObject();
    }
    if (v instanceof String s) {
      try {
        return new io.vertx.core.json.JsonObject(s);
      } catch (io.vertx.core.json.DecodeException e) {
        throw new ConfigException(path(field), "must be a JSON object");
      }
    }
    if (!(v instanceof io.vertx.core.json.JsonObject o)) {
      throw new ConfigException(path(field), "must be a JSON object, got " + v);
    }
    return o;
  }

  boolean bool(String field, boolean fallback) {
    Object v = value(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean b)) {
      throw new ConfigException(path(field), "must be true or false, got " + v);
    }
    return b;
  }

  /** Call after reading every field: a field nobody read is a typo or a field of another version. */
  void rejectUnknown() {
    for (String field : json.fieldNames()) {
      if (!read.contains(field)) {
        throw new ConfigException(path(field), "unknown field; " + section + " has " + String.join(", ", read.stream().sorted().toList()));
      }
    }
  }

  private Object value(String field) {
    read.add(field);
    return json.getValue(field);
  }
}
