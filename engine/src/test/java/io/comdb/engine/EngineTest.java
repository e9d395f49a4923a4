package io.comdb.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Runs {@link EngineContract} under several option sets. */
class EngineTest {
  /** The defaults: ordered index, interval sync, 256 MiB files. */
  @Nested
  class Defaults extends EngineContract {
    @Override
    EngineOptions.Builder options(Path dir) {
      return EngineOptions.builder(dir);
    }

    @Test
    void groupIteratorIsRefusedWithoutKeyGroups() {
      assertThatThrownBy(() -> db.groupIterator(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("without key groups");
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

  /** Key groups on (as on a cluster node): the keydir keeps each group's keys besides; nothing else changes. */
  @Nested
  class KeyGroupsOn extends EngineContract {
    @Override
    EngineOptions.Builder options(Path dir) {
      return EngineOptions.builder(dir).keyGroups(new KeyGroups() {
        @Override
        public int count() {
          return 7;
        }

        @Override
        public int of(byte[] key) {
          return key.length % 7;
        }
      });
    }

    @Test
    void aGroupHoldsItsKeysAcrossDeletesMergesAndReopens() throws IOException {
      for (int i = 0; i < 50; i++) {
        db.put(b("x".repeat(i % 10 + 1) + i), b("v" + i)); // the group is the length mod 7
      }
      db.delete(b("xxx2")); // group 4
      db.merge();
      reopen();
      assertThat(group(4)).containsExactly("xx11", "xx21", "xx31", "xx41", "xxxxxxxxx18", "xxxxxxxxx28", "xxxxxxxxx38", "xxxxxxxxx48", "xxxxxxxxxx9");
      assertThatThrownBy(() -> db.groupIterator(7)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private List<String> group(int g) throws IOException {
      List<String> keys = new ArrayList<>();
      try (EngineIterator it = db.groupIterator(g)) {
        for (; it.isValid(); it.next()) {
          keys.add(s(it.key()));
        }
      }
      return keys;
    }
  }
}
