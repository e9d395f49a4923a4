package io.comdb.verticles;

import io.comdb.config.EngineSection;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.IndexKind;
import io.comdb.engine.SyncMode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@link EngineVerticle} makes of its JSON configuration, an {@link EngineSection}: the engine's
 * options, and whether the verticle fsyncs once per drain itself. Hint files are left to
 * {@link HintRebuildWorkerVerticle} (and to close).
 *
 * <p>Under {@code always} the verticle opens the engine without its own fsyncs and fsyncs once per drain of
 * its queue, before replying to any write of that drain.
 */
record EngineConfig(EngineOptions options, boolean fsyncPerDrain, int maxPending) {
  static EngineConfig fromJson(JsonObject json) {
    EngineSection s = EngineSection.fromJson(json);
    boolean always = s.sync().equals("always");
    SyncMode sync = switch (s.sync()) {
      case "interval" -> SyncMode.interval(Duration.ofMillis(s.syncIntervalMs()));
      default -> SyncMode.NONE; // "none", and "always" where the verticle fsyncs per drain
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
        .build();
    return new EngineConfig(options, always, s.maxPending());
  }
}
