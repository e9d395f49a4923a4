package io.comdb.config;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The storage engine and its background work. This JSON is also what {@code EngineVerticle} and
 * {@code MergeWorkerVerticle} take when deployed by class name.
 *
 * <pre>
 * dataDir               "./data"
 * sync                  "always" | "interval" | "none"             default "interval"
 * syncIntervalMs        1 .. 60000, under "interval"               default 1000
 * dataFileSize          4096 .. 1073741824 bytes                   default 268435456
 * indexKind             "ordered" | "hash"                         default "ordered"
 * maxKeySize            1 .. half of dataFileSize, bytes           default 65536 (or half of dataFileSize)
 * mergeThreshold        reclaimable ratio, 0 &lt; r &lt;= 1              default 0.5
 * mergeCheckIntervalMs  how often to check; 0 = no automatic merge default 60000
 * mergeWindow           "HH:mm-HH:mm" or null (any time)           default null
 * mergeBytesPerSecond   merge read rate; 0 = unlimited             default 0
 * hintCheckIntervalMs   how often to write missing hint files; 0 = only after start-up   default 10000
 * maxPending            writes queued for the writer, at most      default 100000
 * maxMemoryBytes        what the keydir may hold in memory (keys, estimated); past it writes that add
 *                       keys are refused; 0: no limit; a number or "750mb", "2gb"   default 0
 * backupDir             where the server writes backups, each in a directory named by the request;
 *                       null: "backups" beside the data directory   default null
 * </pre>
 */
public record EngineSection(
    String dataDir,
    String sync,
    long syncIntervalMs,
    int dataFileSize,
    String indexKind,
    int maxKeySize,
    double mergeThreshold,
    long mergeCheckIntervalMs,
    MergeWindow mergeWindow,
    long mergeBytesPerSecond,
    long hintCheckIntervalMs,
    int maxPending,
    long maxMemoryBytes,
    String backupDir) {
  public static final List<String> SYNC_MODES = List.of("always", "interval", "none");
  public static final List<String> INDEX_KINDS = List.of("ordered", "hash");

  public static EngineSection defaults() {
    return fromJson(new JsonObject());
  }

  public static EngineSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("engine", json);
    String dataDir = f.string("dataDir", "./data");
    if (dataDir.isBlank()) {
      throw new ConfigException(f.path("dataDir"), "must name a directory");
    }
    MergeWindow mergeWindow = f.window("mergeWindow");
    int dataFileSize = (int) f.integer("dataFileSize", 256 << 20, 4 << 10, 1 << 30);
    EngineSection section = new EngineSection(
        dataDir,
        f.oneOf("sync", "interval", SYNC_MODES),
        f.integer("syncIntervalMs", 1000, 1, 60_000),
        dataFileSize,
        f.oneOf("indexKind", "ordered", INDEX_KINDS),
        (int) f.integer("maxKeySize", Math.min(64 << 10, dataFileSize / 2), 1, 1 << 20),
        f.decimal("mergeThreshold", 0.5, 0, 1),
        f.integer("mergeCheckIntervalMs", 60_000, 0, Long.MAX_VALUE),
        mergeWindow,
        f.integer("mergeBytesPerSecond", 0, 0, Long.MAX_VALUE),
        f.integer("hintCheckIntervalMs", 10_000, 0, Long.MAX_VALUE),
        (int) f.integer("maxPending", 100_000, 1, 10_000_000),
        f.bytes("maxMemoryBytes", 0, 0, Long.MAX_VALUE),
        f.string("backupDir", null));
    f.rejectUnknown();
    if (section.backupDir != null && section.backupDir.isBlank()) {
      throw new ConfigException(f.path("backupDir"), "must name a directory; leave it out (null) for 'backups' beside the data directory");
    }
    if (section.maxKeySize > section.dataFileSize / 2) {
      throw new ConfigException(f.path("maxKeySize"), "must be at most half of dataFileSize (" + section.dataFileSize / 2 + "), got " + section.maxKeySize);
    }
    return section;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("dataDir", dataDir)
        .put("sync", sync)
        .put("syncIntervalMs", syncIntervalMs)
        .put("dataFileSize", dataFileSize)
        .put("indexKind", indexKind)
        .put("maxKeySize", maxKeySize)
        .put("mergeThreshold", mergeThreshold)
        .put("mergeCheckIntervalMs", mergeCheckIntervalMs)
        .put("mergeWindow", mergeWindow == null ? null : mergeWindow.toString())
        .put("mergeBytesPerSecond", mergeBytesPerSecond)
        .put("hintCheckIntervalMs", hintCheckIntervalMs)
        .put("maxPending", maxPending)
        .put("maxMemoryBytes", maxMemoryBytes)
        .put("backupDir", backupDir);
  }

  /** The directory backups go under: {@code backupDir}, or {@code backups} beside the data directory. */
  public java.nio.file.Path backupPath() {
    java.nio.file.Path data = java.nio.file.Path.of(dataDir).toAbsolutePath().normalize();
    return backupDir != null ? java.nio.file.Path.of(backupDir).toAbsolutePath().normalize() : data.resolveSibling("backups");
  }
}
