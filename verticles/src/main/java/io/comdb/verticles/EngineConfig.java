package io.comdb.verticles;

import io.comdb.engine.EngineOptions;
import io.comdb.engine.IndexKind;
import io.comdb.engine.SyncMode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON configuration of {@link EngineVerticle}, so that any Vert.x application can deploy it by class
 * name. Every field is optional; a bad one fails the deployment with a message naming it and what it allows.
 *
 * <pre>
 * dataDir        string                               default "./data"
 * sync           "always" | "interval" | "interval:ms" | "none"   default "interval" (1000 ms)
 * dataFileSize   bytes, 4096 .. 1073741824             default 268435456
 * indexKind      "ordered" | "hash"                    default "ordered"
 * maxKeySize     bytes                                 default 65536
 * mergeThreshold 0 &lt; ratio &lt;= 1                        default 0.5
 * maxPending     requests queued for the writer, at most; more are refused   default 100000
 * </pre>
 *
 * Under {@code always} the verticle opens the engine without its own fsyncs and fsyncs once per drain of
 * its queue, before replying to any write of that drain.
 */
record EngineConfig(EngineOptions options, boolean fsyncPerDrain, int maxPending) {
  private static final Set<String> FIELDS = Set.of("dataDir", "sync", "dataFileSize", "indexKind", "maxKeySize", "mergeThreshold", "maxPending");

  static EngineConfig fromJson(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("engine config: unknown field '" + field + "'; known: " + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    EngineOptions.Builder b = EngineOptions.builder(Path.of(string(json, "dataDir", "./data")));
    SyncMode sync;
    try {
      sync = SyncMode.parse(string(json, "sync", "interval"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("engine config: 'sync' " + e.getMessage().replaceFirst("^sync mode ", ""));
    }
    boolean always = sync.kind() == SyncMode.Kind.ALWAYS;
    b.syncMode(always ? SyncMode.NONE : sync);
    if (json.containsKey("dataFileSize")) {
      b.dataFileSize(integer(json, "dataFileSize"));
    }
    String index = string(json, "indexKind", "ordered");
    try {
      b.indexKind(IndexKind.valueOf(index.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("engine config: 'indexKind' must be ordered or hash, got '" + index + "'");
    }
    if (json.containsKey("maxKeySize")) {
      b.maxKeySize(integer(json, "maxKeySize"));
    }
    if (json.containsKey("mergeThreshold")) {
      Object v = json.getValue("mergeThreshold");
      if (!(v instanceof Number n)) {
        throw new IllegalArgumentException("engine config: 'mergeThreshold' must be a number, got " + v);
      }
      b.mergeThreshold(n.doubleValue());
    }
    int maxPending = json.containsKey("maxPending") ? integer(json, "maxPending") : 100_000;
    if (maxPending < 1) {
      throw new IllegalArgumentException("engine config: 'maxPending' must be at least 1, got " + maxPending);
    }
    try {
      return new EngineConfig(b.build(), always, maxPending);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("engine config: " + e.getMessage(), e);
    }
  }

  private static String string(JsonObject json, String field, String fallback) {
    Object v = json.getValue(field, fallback);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("engine config: '" + field + "' must be a string, got " + v);
    }
    return s;
  }

  private static int integer(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() > Integer.MAX_VALUE || n.longValue() < Integer.MIN_VALUE) {
      throw new IllegalArgumentException("engine config: '" + field + "' must be a whole number, got " + v);
    }
    return n.intValue();
  }
}
