package io.comdb.types;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Redis's keyspace on an {@link Engine}: 16 databases of typed keys ({@link KeySpace} says how they are
 * laid out). Reads are safe from any thread. Write commands run under one lock ({@link #locked}), each
 * through one {@link Batch}: all of a command's records or none, also across a crash.
 *
 * <p>Expiry is lazy (a read of an expired key finds nothing) and active: {@link #expireCycle} deletes keys
 * whose time has come, found through an in-memory index of the keys that have an expiry, built at open.
 */
public final class RedisStore {
  public static final int DATABASES = 16;

  /** A key in a database, for the expiry index. */
  private record DbKey(int db, byte[] key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof DbKey other && other.db == db && Arrays.equals(other.key, key);
    }

    @Override
    public int hashCode() {
      return 31 * db + Arrays.hashCode(key);
    }
  }

  private record Deadline(long at, DbKey key) {}

  private final Engine engine;
  private final LongSupplier clock;
  /**
   * Held while a write command (or a whole MULTI) runs: read-modify-write commands see no other write
   * between their read and their write, whichever thread runs them.
   */
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Map<DbKey, Long> expiries = new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<Deadline> deadlines = new ConcurrentSkipListSet<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : compareKeys(a.key, b.key));
  private long lastVersion;
  /** SCAN cursors: number → (db, last key of the page); the oldest are forgotten beyond 10,000. */
  private final java.util.LinkedHashMap<Long, DbKey> cursors = new java.util.LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, DbKey> eldest) {
      return size() > 10_000;
    }
  };
  private long nextCursor = 1;

  /** Opens the keyspace of {@code engine}, indexing the keys that carry an expiry. */
  public RedisStore(Engine engine, LongSupplier clockMillis) throws IOException {
    this.engine = engine;
    this.clock = clockMillis;
    for (int db = 0; db < DATABASES; db++) {
      try (EngineIterator it = engine.iterator(IteratorOptions.prefix(KeySpace.metaPrefix(db)))) {
        for (; it.isValid(); it.next()) {
          byte[] value = it.value();
          long at = value == null ? 0 : Meta.expireAtOf(value);
          if (at != 0) {
            track(new DbKey(db, KeySpace.userKey(it.key())), at);
          }
        }
      }
    }
  }

  public Engine engine() {
    return engine;
  }

  public long now() {
    return clock.getAsLong();
  }

  /** The key's metadata, or null if it does not exist or has expired. */
  Meta meta(int db, byte[] key) throws IOException {
    byte[] raw = engine.get(KeySpace.metaKey(db, key));
    if (raw == null) {
      return null;
    }
    Meta meta = Meta.decode(raw);
    return meta.expired(now()) ? null : meta;
  }

  /**
   * The key's metadata if it holds {@code type}; null if it does not exist.
   *
   * @throws RedisError WRONGTYPE if it holds another type
   */
  Meta meta(int db, byte[] key, RedisType type) throws IOException {
    Meta meta = meta(db, key);
    if (meta != null && meta.type() != type) {
      throw RedisError.wrongType();
    }
    return meta;
  }

  byte[] sub(int db, byte[] key, Meta meta, byte[] member) throws IOException {
    return engine.get(KeySpace.subKey(db, key, meta.version(), member));
  }

  /** Every member of a collection and its sub-key value, in member order. */
  List<byte[][]> subs(int db, byte[] key, Meta meta) throws IOException {
    byte[] prefix = KeySpace.subPrefix(db, key, meta.version());
    List<byte[][]> all = new ArrayList<>();
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(prefix))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value != null) {
          all.add(new byte[][] {KeySpace.member(it.key(), prefix.length), value});
        }
      }
    }
    return all;
  }

  /** A version no key has had: sub-keys written under it cannot be confused with older ones. */
  long newVersion() {
    long v = Math.max(lastVersion + 1, now() * 1000);
    lastVersion = v;
    return v;
  }

  Batch batch() {
    return new Batch();
  }

  /** The number of keys in {@code db}, expired ones not counted. */
  public long dbSize(int db) throws IOException {
    long n = 0;
    long now = now();
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(KeySpace.metaPrefix(db)))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value != null && !Meta.decode(value).expired(now)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Told of the keys of every write command that ran (blocked clients wait on them). */
  public interface WriteListener {
    void written(int db, List<byte[]> keys);
  }

  private final List<WriteListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public void addWriteListener(WriteListener listener) {
    listeners.add(listener);
  }

  public void removeWriteListener(WriteListener listener) {
    listeners.remove(listener);
  }

  /** After a write command, on the thread that ran it (listeners hand the news to their own threads). */
  void written(int db, List<byte[]> keys) {
    for (WriteListener l : listeners) {
      l.written(db, keys);
    }
  }

  /** Runs {@code work} holding the write lock, as every write command must. */
  public <T> T locked(java.util.function.Supplier<T> work) {
    writeLock.lock();
    try {
      return work.get();
    } finally {
      writeLock.unlock();
    }
  }

  /** Deletes up to {@code max} keys whose expiry has passed; returns how many. */
  public int expireCycle(int max) throws IOException {
    writeLock.lock();
    try {
      return expireLocked(max);
    } finally {
      writeLock.unlock();
    }
  }

  private int expireLocked(int max) throws IOException {
    long now = now();
    int deleted = 0;
    while (deleted < max) {
      Deadline first = deadlines.isEmpty() ? null : deadlines.first();
      if (first == null || first.at > now) {
        break;
      }
      Batch batch = batch();
      byte[] raw = engine.get(KeySpace.metaKey(first.key.db, first.key.key));
      Meta meta = raw == null ? null : Meta.decode(raw);
      if (meta != null && meta.expired(now)) {
        batch.deleteKey(first.key.db, first.key.key, meta);
        deleted++;
      } else {
        deadlines.remove(first); // stale: the key changed since
      }
      batch.commit();
    }
    return deleted;
  }

  /** Keys under WATCH: [connections watching, modifications seen]. */
  private final Map<DbKey, long[]> watched = new ConcurrentHashMap<>();

  /** Starts watching a key for a connection; returns its modification stamp now. */
  public synchronized long watch(int db, byte[] key) {
    long[] w = watched.computeIfAbsent(new DbKey(db, key), k -> new long[2]);
    w[0]++;
    return w[1];
  }

  /** A connection stops watching a key (UNWATCH, EXEC, DISCARD, disconnect). */
  public synchronized void unwatch(int db, byte[] key) {
    DbKey k = new DbKey(db, key);
    long[] w = watched.get(k);
    if (w != null && --w[0] <= 0) {
      watched.remove(k);
    }
  }

  /** The modification stamp of a watched key: it changes with every write to the key. */
  public synchronized long watchStamp(int db, byte[] key) {
    long[] w = watched.get(new DbKey(db, key));
    return w == null ? -1 : w[1];
  }

  private synchronized void touched(DbKey key) {
    long[] w = watched.get(key);
    if (w != null) {
      w[1]++;
    }
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

  /** Keys with an expiry, for INFO. */
  public int expiringKeys() {
    return expiries.size();
  }

  /** For INFO's keyspace line: {keys with an expiry, their average time to live in ms} in {@code db}. */
  public long[] expiries(int db) {
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

  private void track(DbKey key, long at) {
    Long old = at == 0 ? expiries.remove(key) : expiries.put(key, at);
    if (old != null) {
      deadlines.remove(new Deadline(old, key));
    }
    if (at != 0) {
      deadlines.add(new Deadline(at, key));
    }
  }

  private static int compareKeys(DbKey a, DbKey b) {
    return a.db != b.db ? Integer.compare(a.db, b.db) : Arrays.compareUnsigned(a.key, b.key);
  }

  /** The records of one command, committed together; keeps the expiry index in step. */
  final class Batch {
    private final WriteBatch writes = engine.newWriteBatch();
    private final List<Runnable> onCommit = new ArrayList<>();

    /**
     * Writes a key's metadata. Commands see an expired key as missing, so they may write over one the
     * active cycle has not deleted yet: its members go in this batch too (a key in the expiry index with
     * a passed deadline is the only kind that can have them).
     */
    void putMeta(int db, byte[] key, Meta meta) throws IOException {
      DbKey k = new DbKey(db, key);
      Long deadline = expiries.get(k);
      if (deadline != null && deadline <= now()) {
        byte[] raw = engine.get(KeySpace.metaKey(db, key));
        Meta old = raw == null ? null : Meta.decode(raw);
        if (old != null && old.expired(now()) && old.version() != meta.version()) {
          deleteMembers(db, key, old);
        }
      }
      writes.put(KeySpace.metaKey(db, key), meta.encode());
      onCommit.add(() -> {
        track(k, meta.expireAt());
        touched(k);
      });
    }

    /**
     * Deletes a key with everything it holds. {@code meta} is its metadata as read (expired or not), or
     * null to read it here. A collection's sub-keys go in the same batch, so no dead record outlives it.
     */
    void deleteKey(int db, byte[] key, Meta meta) throws IOException {
      if (meta == null) {
        byte[] raw = engine.get(KeySpace.metaKey(db, key));
        meta = raw == null ? null : Meta.decode(raw);
      }
      if (meta != null) {
        deleteMembers(db, key, meta);
      }
      writes.delete(KeySpace.metaKey(db, key));
      DbKey k = new DbKey(db, key);
      onCommit.add(() -> {
        track(k, 0);
        touched(k);
      });
    }

    /** A collection's sub-keys (and a sorted set's by-score keys) of the version {@code meta} names. */
    private void deleteMembers(int db, byte[] key, Meta meta) throws IOException {
      if (meta.type() != RedisType.STRING) {
        deleteAll(KeySpace.subPrefix(db, key, meta.version()));
        if (meta.type() == RedisType.ZSET) {
          deleteAll(KeySpace.scorePrefix(db, key, meta.version()));
        }
      }
    }

    private void deleteAll(byte[] prefix) throws IOException {
      try (EngineIterator it = engine.iterator(IteratorOptions.prefix(prefix))) {
        for (; it.isValid(); it.next()) {
          writes.delete(it.key());
        }
      }
    }

    void putSub(int db, byte[] key, Meta meta, byte[] member, byte[] value) {
      writes.put(KeySpace.subKey(db, key, meta.version(), member), value);
      onCommit.add(() -> touched(new DbKey(db, key)));
    }

    void deleteSub(int db, byte[] key, Meta meta, byte[] member) {
      writes.delete(KeySpace.subKey(db, key, meta.version(), member));
      onCommit.add(() -> touched(new DbKey(db, key)));
    }

    void put(byte[] rawKey, byte[] value) {
      writes.put(rawKey, value);
    }

    void delete(byte[] rawKey) {
      writes.delete(rawKey);
    }

    boolean isEmpty() {
      return writes.size() == 0;
    }

    void commit() throws IOException {
      if (writes.size() > 0) {
        writes.commit();
      }
      onCommit.forEach(Runnable::run);
    }
  }
}
