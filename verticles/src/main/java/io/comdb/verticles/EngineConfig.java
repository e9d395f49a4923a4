package io.comdb.verticles;

import io.comdb.config.EngineSection;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.IndexKind;
import io.comdb.engine.KeyGroups;
import io.comdb.engine.SyncMode;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@link EngineVerticle} makes of its JSON configuration, an {@link EngineSection}: the engine's
 * options and the bound of the writer's queue. Hint files are left to {@link HintRebuildWorkerVerticle}
 * (and to close). Under {@code always} each drain of the writer is one {@code WriteGroup}: one fsync before
 * any of its writes is answered. A cluster node's engine groups its keys by partition
 * ({@link ClusterNode#partitionGroups}).
 */
record EngineConfig(EngineOptions options, int maxPending, long maxMemoryBytes) {
  static EngineConfig fromJson(JsonObject json, KeyGroups groups) {
    EngineSection s = EngineSection.fromJson(json);
    SyncMode sync = switch (s.sync()) {
      case "always" -> SyncMode.ALWAYS;
      case "interval" -> SyncMode.interval(Duration.ofMillis(s.syncIntervalMs()));
      default -> SyncMode.NONE;
    };
    EngineOptions options = EngineOptions.builder(Path.of(s.dataDir()))
        .syncMode(sync)
        .dataFileSize(s.dataFileSize())
        .indexKind(IndexKind.valueOf(s.indexKind().toUpperCase(Locale.ROOT)))
        .maxKeySize(s.maxKeySize())
        .mergeThreshold(s.mergeThreshold())
        .mergeBytesPerSecond(s.mergeBytesPerSecond())
        .backgroundHintFiles(false) // HintRebuildWorkerVerticle's job
        .maxBatchSize(10_000_000) // a Redis DEL of a big collection deletes every member in one batch
        .keyGroups(groups)
        .build();
    return new EngineConfig(options, s.maxPending(), s.maxMemoryBytes());
  }
}
