package io.comdb.types;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.LongSupplier;

/**
 * What the writer ({@link RedisStore}) and the readers ({@link RedisView}) of one Redis keyspace share in
 * memory: the clock, the index of keys with an expiry (changed only by the writer, after each commit), the
 * WATCH stamps and the SCAN cursors. Thread-safe.
 */
final class RedisState {
  /** A key in a database. */
  record DbKey(int db, byte[] key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof DbKey other && other.db == db && Arrays.equals(other.key, key);
    }

    @Override
    public int hashCode() {
      return 31 * db + Arrays.hashCode(key);
    }
  }

  record Deadline(long at, DbKey key) {}

  private final LongSupplier clock;
  /** EVAL's script cache and the scripts running now. */
  final Scripts scripts = new Scripts();
  /** Redis 7's function libraries, persisted in the data directory. */
  final Functions functions = new Functions();
  /** The Redis keys this node serves; the rest it holds as a cluster's backup copy (see {@link RedisStore#serveOnly}). */
  private volatile java.util.function.Predicate<byte[]> served = key -> true;
  final Map<DbKey, Long> expiries = new ConcurrentHashMap<>();
  final ConcurrentSkipListSet<Deadline> deadlines = new ConcurrentSkipListSet<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : compareKeys(a.key, b.key));
  /** Keys under WATCH: [connections watching, modifications seen]. Guarded by this. */
  private final Map<DbKey, long[]> watched = new ConcurrentHashMap<>();
  /** SCAN cursors: number → (db, last key of the page); the oldest are forgotten beyond 10,000. Guarded by this. */
  private final LinkedHashMap<Long, DbKey> cursors = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, DbKey> eldest) {
      return size() > 10_000;
    }
  };
  private long nextCursor = 1;

  RedisState(LongSupplier clock) {
    this.clock = clock;
  }

  long now() {
    return clock.getAsLong();
  }

  /** Whether this node serves the Redis key {@code key} (standalone: every key). */
  boolean serves(byte[] key) {
    return served.test(key);
  }

  void serveOnly(java.util.function.Predicate<byte[]> keys) {
    served = keys;
  }

  /** The writer, after a commit: the key's expiry is now {@code at} (0: none). */
  void track(DbKey key, long at) {
    Long old = at == 0 ? expiries.remove(key) : expiries.put(key, at);
    if (old != null) {
      deadlines.remove(new Deadline(old, key));
    }
    if (at != 0) {
      deadlines.add(new Deadline(at, key));
    }
  }

  /** Starts watching a key for a connection; returns its modification stamp now. */
  synchronized long watch(int db, byte[] key) {
    long[] w = watched.computeIfAbsent(new DbKey(db, key), k -> new long[2]);
    w[0]++;
    return w[1];
  }

  /** A connection stops watching a key (UNWATCH, EXEC, DISCARD, disconnect). */
  synchronized void unwatch(int db, byte[] key) {
    DbKey k = new DbKey(db, key);
    long[] w = watched.get(k);
    if (w != null && --w[0] <= 0) {
      watched.remove(k);
    }
  }

  /** The modification stamp of a watched key: it changes with every write to the key. */
  synchronized long watchStamp(int db, byte[] key) {
    long[] w = watched.get(new DbKey(db, key));
    return w == null ? -1 : w[1];
  }

  /** The writer, after a commit that wrote the key. */
  void touched(int db, byte[] key) {
    if (watched.isEmpty()) {
      return; // the common case, and no key object to build
    }
    synchronized (this) {
      long[] w = watched.get(new DbKey(db, key));
      if (w != null) {
        w[1]++;
      }
    }
  }

  /** The writer, after a commit that set the key's metadata: its expiry is now {@code at} (0: none). */
  void written(int db, byte[] key, long at) {
    if (at != 0 || !expiries.isEmpty()) {
      track(new DbKey(db, key), at);
    }
    touched(db, key);
  }

  /** The key's expiry as the index has it, or null; for the writer, which keeps the index. */
  Long deadline(int db, byte[] key) {
    return expiries.isEmpty() ? null : expiries.get(new DbKey(db, key));
  }

  /** A new SCAN cursor naming the last key of a page. */
  synchronized long rememberCursor(int db, byte[] lastKey) {
    long id = nextCursor++;
    cursors.put(id, new DbKey(db, lastKey));
    return id;
  }

  /** The last key of the page a cursor names, or null for a cursor this store does not know. */
  synchronized byte[] cursorKey(int db, long cursor) {
    DbKey k = cursors.get(cursor);
    return k == null || k.db != db ? null : k.key;
  }

  /** For INFO's keyspace line: {keys with an expiry, their average time to live in ms} in {@code db}. */
  long[] expiries(int db) {
    long count = 0;
    long totalTtl = 0;
    long now = now();
    for (Map.Entry<DbKey, Long> e : expiries.entrySet()) {
      if (e.getKey().db == db && e.getValue() > now) { // the expired ones are gone, whether or not deleted yet
        count++;
        totalTtl += e.getValue() - now;
      }
    }
    return new long[] {count, count == 0 ? 0 : totalTtl / count};
  }

  private static int compareKeys(DbKey a, DbKey b) {
    return a.db != b.db ? Integer.compare(a.db, b.db) : Arrays.compareUnsigned(a.key, b.key);
  }
}
