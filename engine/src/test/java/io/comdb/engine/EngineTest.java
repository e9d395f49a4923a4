package io.comdb.engine;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** Runs {@link EngineContract} under several option sets. */
class EngineTest {
  /** The defaults: ordered index, interval sync, 256 MiB files. */
  @Nested
  class Defaults extends EngineContract {
    @Override
    EngineOptions.Builder options(Path dir) {
      return EngineOptions.builder(dir);
    }
  }

  /** The compact hash index. */
  @Nested
  class HashIndex extends EngineContract {
    @Override
    EngineOptions.Builder options(Path dir) {
      return EngineOptions.builder(dir).indexKind(IndexKind.HASH);
    }
  }

  /** Tiny files (many rotations, merges over many files), every write fsync'd, channel scans at start-up. */
  @Nested
  class SmallFilesSyncAlways extends EngineContract {
    @Override
    EngineOptions.Builder options(Path dir) {
      return EngineOptions.builder(dir).dataFileSize(4096).syncMode(SyncMode.ALWAYS).mmapAtStartup(false);
    }
  }
}
