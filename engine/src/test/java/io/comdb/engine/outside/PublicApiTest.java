package io.comdb.engine.outside;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.EngineStats;
import io.comdb.engine.IndexKind;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.MergeResult;
import io.comdb.engine.SyncMode;
import io.comdb.engine.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example, from outside the engine's package: everything it names is public and usable. */
class PublicApiTest {
  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void theReadmeExampleWorksThroughThePublicApi(@TempDir Path backup) throws IOException {
    EngineOptions options = EngineOptions.builder(dir)
        .syncMode(SyncMode.ALWAYS)
        .indexKind(IndexKind.ORDERED)
        .dataFileSize(1 << 20)
        .mergeThreshold(0.3)
        .build();
    try (Engine db = Engine.open(options)) {
      db.put(b("user:1"), b("ada"));
      db.put(b("user:2"), b("bob"));
      assertThat(db.get(b("user:1"))).isEqualTo(b("ada"));
      assertThat(db.get(b("nobody"))).isNull();
      assertThat(db.delete(b("user:2"))).isTrue();

      WriteBatch batch = db.newWriteBatch().put(b("user:3"), b("cy")).delete(b("user:1"));
      batch.commit();

      List<String> keys = new ArrayList<>();
      try (EngineIterator it = db.iterator(IteratorOptions.prefix(b("user:")).reversed())) {
        for (; it.isValid(); it.next()) {
          keys.add(new String(it.key(), UTF_8) + "=" + new String(it.value(), UTF_8));
        }
      }
      assertThat(keys).containsExactly("user:3=cy");
      db.fold((k, v) -> true);
      assertThat(db.listKeys()).hasSize(1);

      EngineStats stats = db.stats();
      assertThat(stats.reclaimableRatio()).isGreaterThan(0.3);
      assertThat(db.needsMerge()).isTrue();
      MergeResult merged = db.merge();
      assertThat(merged.liveRecords()).isEqualTo(1);
      db.backup(backup.resolve("copy"));
      db.sync();
    }
    try (Engine copy = Engine.open(EngineOptions.builder(backup.resolve("copy")).syncMode(SyncMode.interval(Duration.ofMillis(50))).build())) {
      assertThat(copy.get(b("user:3"))).isEqualTo(b("cy"));
    }
  }
}
