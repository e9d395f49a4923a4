package io.comdb.engine;

import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which keys were written after an open {@link Transaction}'s snapshot: the conflict check of optimistic
 * transactions. While at least one transaction is open, every write records its key's fingerprint with the
 * write's sequence number, <em>before</em> the keydir shows the write; a transaction that reads a key
 * checks, after the read, that no write newer than its snapshot is recorded for it. So a read either sees
 * the value the key had at the snapshot or fails with a conflict, and a commit whose reads all still hold
 * is serialisable with every other write.
 *
 * <p>Fingerprints are 64-bit hashes: a collision can only make a transaction conflict needlessly, never
 * miss a conflict. With no transaction open nothing is recorded (the cost of a write is one field read).
 * Entries older than the oldest open snapshot are pruned; if one long transaction keeps more than
 * {@link #MAX_TRACKED} entries alive, they are dropped and the transactions older than the drop conflict.
 *
 * <p>Mutations run under {@link LogAppender}'s lock; {@link #changedSince} is lock-free.
 */
final class ConflictTracker {
  static final int MAX_TRACKED = 1 << 20;

  private final ConcurrentHashMap<Long, Long> lastWrite = new ConcurrentHashMap<>();
  /** Open transactions by snapshot sequence: snapshot → how many. Guarded by the writer's lock. */
  private final TreeMap<Long, Integer> open = new TreeMap<>();
  private int pruneAt = 1024;
  /** Transactions whose snapshot is older than this conflict: what they may have read was forgotten. */
  private volatile long forgottenBelow;

  boolean active() {
    return !open.isEmpty();
  }

  /** A transaction opens with snapshot {@code readSeq}. */
  void begin(long readSeq) {
    open.merge(readSeq, 1, Integer::sum);
  }

  /** A transaction with snapshot {@code readSeq} committed or was discarded. */
  void end(long readSeq) {
    open.computeIfPresent(readSeq, (k, n) -> n == 1 ? null : n - 1);
    if (open.isEmpty()) {
      lastWrite.clear();
      forgottenBelow = 0;
    }
  }

  /** A write of {@code key} at {@code seq}; call before the keydir shows it. */
  void written(long seq, byte[] key) {
    if (open.isEmpty()) {
      return;
    }
    lastWrite.merge(fingerprint(key), seq, Math::max);
    if (lastWrite.size() > pruneAt) {
      long oldest = open.firstKey();
      lastWrite.values().removeIf(s -> s <= oldest);
      if (lastWrite.size() > MAX_TRACKED) {
        lastWrite.clear();
        forgottenBelow = seq;
      }
      pruneAt = Math.max(1024, 2 * lastWrite.size());
    }
  }

  /** Whether the key may have been written after {@code readSeq}. */
  boolean changedSince(long readSeq, long fingerprint) {
    if (readSeq < forgottenBelow) {
      return true;
    }
    Long seq = lastWrite.get(fingerprint);
    return seq != null && seq > readSeq;
  }

  /** A 64-bit hash of the key (FNV-1a, then a murmur3 finaliser to spread it). */
  static long fingerprint(byte[] key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  /** For tests: how many fingerprints are kept. */
  int tracked() {
    return lastWrite.size();
  }

  @Override
  public String toString() {
    return "ConflictTracker(open=" + open + ", tracked=" + lastWrite.size() + ")";
  }
}
