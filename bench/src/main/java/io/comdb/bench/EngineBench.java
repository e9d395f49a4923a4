package io.comdb.bench;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.IndexKind;
import io.comdb.engine.KeyGroups;
import io.comdb.engine.SyncMode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * ComDB's engine and RocksDB side by side on one workload, in one run (bench/engine.sh). Random 16-byte
 * keys, 100-byte values, 2 threads; gets uniformly random over the keys written. Then ComDB alone: 50
 * writers under sync ALWAYS, heap per key of each index, and reopen time with and without hint files.
 * The last line is the machine-readable summary.
 */
public final class EngineBench {
  private static final int KEY_SIZE = 16;
  private static final int VALUE_SIZE = 100;
  private static final int THREADS = 2;

  private final int keys;
  private final long getsPerThread;
  private final long syncAlwaysMillis;
  private final Path root;
  private final byte[][] keySet;
  private final byte[] values;

  private EngineBench(int keys, long getsPerThread, long syncAlwaysMillis, Path root) {
    this.keys = keys;
    this.getsPerThread = getsPerThread;
    this.syncAlwaysMillis = syncAlwaysMillis;
    this.root = root;
    SplittableRandom random = new SplittableRandom(42);
    keySet = new byte[keys][KEY_SIZE];
    for (byte[] k : keySet) {
      random.nextBytes(k);
    }
    values = new byte[1 << 20];
    random.nextBytes(values);
  }

  public static void main(String[] args) throws Exception {
    boolean quick = java.util.Arrays.asList(args).contains("--quick");
    Path root = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))), "comdb-bench");
    try {
      EngineBench bench = quick ? new EngineBench(200_000, 500_000, 3_000, root) : new EngineBench(1_000_000, 2_000_000, 10_000, root);
      bench.run();
    } finally {
      deleteTree(root);
    }
  }

  private byte[] value(int i) {
    byte[] v = new byte[VALUE_SIZE];
    System.arraycopy(values, (i * 31) % (values.length - VALUE_SIZE), v, 0, VALUE_SIZE);
    return v;
  }

  interface Op {
    void run(int index) throws Exception;
  }

  /** Runs {@code perThread} operations on each of {@code threads} threads; returns ops per second. */
  private static double timed(int threads, long perThread, Op op) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    AtomicLong failures = new AtomicLong();
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers[t] = new Thread(() -> {
        try {
          start.await();
          for (long i = 0; i < perThread; i++) {
            op.run((int) (id * perThread + i));
          }
        } catch (Exception e) {
          failures.incrementAndGet();
          e.printStackTrace();
        }
      });
      workers[t].start();
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    long nanos = System.nanoTime() - t0;
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " worker(s) failed");
    }
    return threads * perThread * 1e9 / nanos;
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "workload: %,d random %d-byte keys, %d-byte values, %d threads, %,d gets%n",
        keys, KEY_SIZE, VALUE_SIZE, THREADS, THREADS * getsPerThread);
    int perThread = keys / THREADS;

    // ComDB: no fsync, the same durability as RocksDB with its WAL on and sync off.
    Path comdbDir = root.resolve("comdb");
    double comdbPut;
    double comdbGet;
    try (Engine db = Engine.open(EngineOptions.builder(comdbDir).syncMode(SyncMode.NONE).build())) {
      comdbPut = timed(THREADS, perThread, i -> db.put(keySet[i], value(i)));
      comdbGet = timed(THREADS, getsPerThread, i -> {
        byte[] v = db.get(keySet[(int) ((i * 0x9E3779B97F4A7C15L >>> 1) % keys)]);
        if (v == null) {
          throw new IllegalStateException("missing key");
        }
      });
    }
    System.out.printf(Locale.ROOT, "comdb   put %,.0f ops/s   get %,.0f ops/s%n", comdbPut, comdbGet);

    RocksDB.loadLibrary();
    double rocksPut;
    double rocksGet;
    try (Options options = new Options().setCreateIfMissing(true);
        WriteOptions writeOptions = new WriteOptions().setSync(false).setDisableWAL(false);
        RocksDB db = RocksDB.open(options, root.resolve("rocksdb").toString())) {
      rocksPut = timed(THREADS, perThread, i -> db.put(writeOptions, keySet[i], value(i)));
      rocksGet = timed(THREADS, getsPerThread, i -> {
        byte[] v = db.get(keySet[(int) ((i * 0x9E3779B97F4A7C15L >>> 1) % keys)]);
        if (v == null) {
          throw new IllegalStateException("missing key");
        }
      });
    } catch (RocksDBException e) {
      throw new IOException(e);
    }
    System.out.printf(Locale.ROOT, "rocksdb put %,.0f ops/s   get %,.0f ops/s  (WAL on, no fsync, default options)%n", rocksPut, rocksGet);

    long syncAlwaysOps = syncAlways();
    long orderedBytes = indexBytesPerKey(comdbDir, IndexKind.ORDERED, null);
    long hashBytes = indexBytesPerKey(comdbDir, IndexKind.HASH, null);
    long groupedBytes = indexBytesPerKey(comdbDir, IndexKind.ORDERED, PARTITION_LIKE_GROUPS);
    System.out.printf(Locale.ROOT, "heap per key beyond the key's %d bytes: ordered %d, hash %d, ordered with 271 key groups %d%n",
        KEY_SIZE, orderedBytes, hashBytes, groupedBytes);
    long hintMs = reopenMillis(comdbDir);
    try (Stream<Path> files = Files.list(comdbDir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".hint")).toList()) {
        Files.delete(p);
      }
    }
    long scanMs = reopenMillis(comdbDir); // scans, and leaves hint files behind again on close
    System.out.printf(Locale.ROOT, "reopen %,d keys: %d ms with hint files, %d ms scanning data files%n", keys, hintMs, scanMs);

    System.out.printf(Locale.ROOT,
        "engine-bench put_ratio=%.2f get_ratio=%.2f sync_always_put_ops=%d index_bytes_per_key=%d reopen_1m_hint_ms=%d reopen_1m_scan_ms=%d%n",
        comdbPut / rocksPut, comdbGet / rocksGet, syncAlwaysOps, orderedBytes, hintMs, scanMs);
  }

  /** 50 writers under sync ALWAYS for a fixed time; returns acknowledged (fsync'd) puts per second. */
  private long syncAlways() throws Exception {
    int writers = 50;
    try (Engine db = Engine.open(EngineOptions.builder(root.resolve("always")).syncMode(SyncMode.ALWAYS).build())) {
      AtomicLong done = new AtomicLong();
      long deadline = System.nanoTime() + syncAlwaysMillis * 1_000_000;
      Thread[] threads = new Thread[writers];
      for (int t = 0; t < writers; t++) {
        int id = t;
        threads[t] = new Thread(() -> {
          try {
            for (int i = id; System.nanoTime() < deadline; i += writers) {
              db.put(keySet[i % keys], value(i));
              done.incrementAndGet();
            }
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
      }
      long t0 = System.nanoTime();
      for (Thread t : threads) {
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long ops = (long) (done.get() / seconds);
      System.out.printf(Locale.ROOT, "comdb sync=always, %d writers: %,d acknowledged puts/s%n", writers, ops);
      return ops;
    }
  }

  /** A cluster node's key groups, Hazelcast's 271 partitions: here a hash of the random key picks one. */
  private static final KeyGroups PARTITION_LIKE_GROUPS = new KeyGroups() {
    @Override
    public int count() {
      return 271;
    }

    @Override
    public int of(byte[] key) {
      return Math.floorMod(Arrays.hashCode(key), 271);
    }
  };

  /**
   * Opens the database with {@code kind} (and {@code groups}, or none) and measures the heap the keydir holds,
   * per key, beyond the key bytes.
   */
  private long indexBytesPerKey(Path dir, IndexKind kind, KeyGroups groups) throws IOException {
    long before = usedHeapAfterGc();
    long t0 = System.nanoTime();
    try (Engine db = Engine.open(EngineOptions.builder(dir).indexKind(kind).keyGroups(groups).build())) {
      long openMs = (System.nanoTime() - t0) / 1_000_000;
      long after = usedHeapAfterGc();
      long liveKeys = db.stats().liveKeys();
      System.out.printf(Locale.ROOT, "opened %s%s in %d ms%n", kind, groups == null ? "" : " with " + groups.count() + " key groups", openMs);
      return Math.max(0, (after - before) / liveKeys - KEY_SIZE);
    }
  }

  private static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private long reopenMillis(Path dir) throws IOException {
    long t0 = System.nanoTime();
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (db.stats().liveKeys() != keys) {
        throw new IllegalStateException("reopened with " + db.stats().liveKeys() + " keys, expected " + keys);
      }
      return ms;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
