package io.comdb.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers, writers and merges at once: no read sees a torn, stale-beyond-its-start or missing value. */
class ConcurrencyTest {
  private static final int KEYS = 200;

  @TempDir
  Path dir;

  private static byte[] key(int k) {
    return ("key-" + k).getBytes(StandardCharsets.UTF_8);
  }

  /** The value of a key's {@code version}-th write: the version, padded to vary the record size. */
  private static byte[] value(int k, long version) {
    return (k + ":" + version + ":" + "#".repeat((int) (version % 97))).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readersSeeCurrentValuesWhileAWriterAndMergesRun() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).dataFileSize(64 << 10).build())) {
      AtomicLongArray written = new AtomicLongArray(KEYS); // newest version whose put returned
      for (int k = 0; k < KEYS; k++) {
        db.put(key(k), value(k, 0));
      }
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(5);
      List<Future<Long>> tasks = new ArrayList<>();
      tasks.add(pool.submit(() -> {
        long n = 0;
        for (long v = 1; !stop.get(); v++) {
          for (int k = 0; k < KEYS; k++) {
            db.put(key(k), value(k, v));
            written.set(k, v);
            n++;
          }
        }
        return n;
      }));
      tasks.add(pool.submit(() -> {
        long merges = 0;
        while (!stop.get()) {
          db.merge();
          merges++;
        }
        return merges;
      }));
      for (int r = 0; r < 3; r++) {
        tasks.add(pool.submit(() -> {
          long reads = 0;
          java.util.Random random = new java.util.Random();
          while (!stop.get()) {
            int k = random.nextInt(KEYS);
            long floor = written.get(k); // any value read now is at least this new
            byte[] v = db.get(key(k));
            String[] parts = new String(v, StandardCharsets.UTF_8).split(":");
            assertThat(Integer.parseInt(parts[0])).isEqualTo(k);
            long version = Long.parseLong(parts[1]);
            assertThat(version).isGreaterThanOrEqualTo(floor);
            assertThat(v).isEqualTo(value(k, version));
            reads++;
          }
          return reads;
        }));
      }
      Thread.sleep(3000);
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      long merges = tasks.get(1).get();
      assertThat(tasks.get(0).get()).isPositive();
      assertThat(merges).as("merges that ran during the reads").isGreaterThan(1);
      for (int r = 2; r < 5; r++) {
        assertThat(tasks.get(r).get()).isPositive();
      }
      for (int k = 0; k < KEYS; k++) {
        assertThat(db.get(key(k))).isEqualTo(value(k, written.get(k)));
      }
    }
  }

  @Test
  void concurrentWritersUnderSyncAlwaysShareFsyncs() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).syncMode(SyncMode.ALWAYS).build())) {
      int threads = 16;
      int perThread = 200;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        tasks.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            db.put(key(id * perThread + i), value(id, i));
          }
          return null;
        }));
      }
      for (Future<?> f : tasks) {
        f.get();
      }
      pool.shutdown();
      long syncs = db.groupCommitSyncs();
      assertThat(db.stats().liveKeys()).isEqualTo(threads * perThread);
      assertThat(syncs).as("fsyncs for %d writes", threads * perThread).isLessThan(threads * perThread / 2);
    }
  }

  @Test
  void underSyncAlwaysAFailingWriteFailsAloneInItsRound() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).dataFileSize(64 << 10).syncMode(SyncMode.ALWAYS).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 7; t++) {
        int id = t;
        writers.add(pool.submit(() -> {
          for (int i = 0; i < 300; i++) {
            db.put(key(id * 1000 + i), value(id, i));
          }
          return null;
        }));
      }
      Future<Integer> failing = pool.submit(() -> {
        int refused = 0;
        for (int i = 0; i < 50; i++) {
          WriteBatch tooBig = db.newWriteBatch();
          for (int j = 0; j < 10; j++) {
            tooBig.put(key(900_000 + j), new byte[8 << 10]); // 80 KiB: more than one 64 KiB data file
          }
          try {
            tooBig.commit();
          } catch (IllegalArgumentException e) {
            refused++;
          }
        }
        return refused;
      });
      for (Future<?> w : writers) {
        w.get();
      }
      assertThat(failing.get()).isEqualTo(50);
      pool.shutdown();
      assertThat(db.stats().liveKeys()).isEqualTo(7 * 300);
      assertThat(db.get(key(6 * 1000 + 299))).isEqualTo(value(6, 299));
    }
  }
}
