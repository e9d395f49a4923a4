package io.comdb.types;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a sorted set is stored. Its metadata holds the member count; each member is a sub-key holding its
 * score (for ZSCORE and updates), and a by-score key ({@link KeySpace#scoreKey}) orders the members by
 * score, then member bytes, as Redis's skiplist does. A {@link Walk} seeks in that order and steps from
 * there, so a range costs one seek plus the members it passes ({@link ZRanges}).
 */
final class ZSets {
  private static final byte[] EMPTY = new byte[0];

  private ZSets() {}

  /** A member and its score. */
  record Entry(byte[] member, double score) {}

  static byte[] encodeScore(double score) {
    return ByteBuffer.allocate(8).putDouble(score).array();
  }

  static Double decodeScore(byte[] stored) {
    return stored == null ? null : ByteBuffer.wrap(stored).getDouble();
  }

  /** A member's score, or null if the set (of metadata {@code m}, null when missing) lacks it. */
  static Double score(Call c, byte[] key, Meta m, byte[] member) throws IOException {
    return m == null ? null : decodeScore(c.sub(c.db, key, m, member));
  }

  /**
   * Writes a member's score: its sub-key and its by-score key, dropping the by-score key of {@code old}. A
   * score of -0 is stored as 0, as Redis stores it in a small set (a listpack); the by-score order ties them.
   */
  static void put(Call c, byte[] key, Meta m, byte[] member, Double old, double score) {
    score = score == 0 ? 0.0 : score;
    if (old != null) {
      c.batch().delete(KeySpace.scoreKey(c.db, key, m.version(), old, member));
    }
    c.batch().putSub(c.db, key, m, member, encodeScore(score));
    c.batch().put(KeySpace.scoreKey(c.db, key, m.version(), score, member), EMPTY);
  }

  static void remove(Call c, byte[] key, Meta m, Entry e) {
    c.batch().deleteSub(c.db, key, m, e.member());
    c.batch().delete(KeySpace.scoreKey(c.db, key, m.version(), e.score(), e.member()));
  }

  /** Removes {@code doomed} (members of the set) and writes the set's new size, deleting it when empty. */
  static long removeAll(Call c, byte[] key, Meta m, List<Entry> doomed) throws IOException {
    for (Entry e : doomed) {
      remove(c, key, m, e);
    }
    HashCommands.writeSize(c, key, m, m.size() - doomed.size());
    return doomed.size();
  }

  /** Replaces {@code dest} with a sorted set of {@code entries} (deletes it when there are none). */
  static void store(Call c, byte[] dest, List<Entry> entries) throws IOException {
    Meta old = c.meta(dest);
    if (old != null) {
      c.batch().deleteKey(c.db, dest, old);
    }
    if (entries.isEmpty()) {
      return;
    }
    Meta m = Meta.collection(RedisType.ZSET, c.newVersion(), 0, entries.size());
    for (Entry e : entries) {
      put(c, dest, m, e.member(), null, e.score());
    }
    c.batch().putMeta(c.db, dest, m);
  }

  /** Every member of a sorted set in order (empty if there is no such key): for the commands that need all. */
  static List<Entry> all(Call c, byte[] key) throws IOException {
    Meta m = c.meta(key, RedisType.ZSET);
    return m == null ? new ArrayList<>() : all(c, key, m);
  }

  static List<Entry> all(Call c, byte[] key, Meta m) throws IOException {
    List<Entry> out = new ArrayList<>((int) Math.min(m.size(), 1 << 20));
    try (Walk w = new Walk(c, key, m, false)) {
      for (; w.valid(); w.next()) {
        out.add(w.entry());
      }
    }
    return out;
  }

  /**
   * A cursor over one sorted set in score order, or in reverse. Created on the first member (the last,
   * reversed); {@link #seek} moves it in one descent of the keydir.
   */
  static final class Walk implements AutoCloseable {
    private final EngineIterator it;
    private final byte[] prefix;

    Walk(Call c, byte[] key, Meta m, boolean reverse) {
      this.prefix = KeySpace.scorePrefix(c.db, key, m.version());
      IteratorOptions options = IteratorOptions.prefix(prefix);
      this.it = c.reads().iterator(reverse ? options.reversed() : options);
    }

    /**
     * Goes to the first member at or after ({@code score}, {@code member}) in score order; reversed, to the
     * last one at or before it.
     */
    void seek(double score, byte[] member) {
      it.seek(ByteBuffer.allocate(prefix.length + 8 + member.length)
          .put(prefix).putLong(KeySpace.sortableScore(score)).put(member).array());
    }

    void seek(double score) {
      seek(score, EMPTY);
    }

    boolean valid() {
      return it.isValid();
    }

    void next() {
      it.next();
    }

    Entry entry() throws IOException {
      byte[] k = it.key();
      double score = KeySpace.scoreOf(ByteBuffer.wrap(k, prefix.length, 8).getLong());
      return new Entry(Arrays.copyOfRange(k, prefix.length + 8, k.length), score);
    }

    /** Whether the cursor is on {@code member} scored {@code score}. */
    boolean isAt(double score, byte[] member) throws IOException {
      Entry e = entry();
      return e.score() == score && Arrays.equals(e.member(), member);
    }

    /** Moves past up to {@code n} members; returns how many it passed. */
    long skip(long n) {
      long passed = 0;
      for (; passed < n && it.isValid(); passed++) {
        it.next();
      }
      return passed;
    }

    @Override
    public void close() {
      it.close();
    }
  }
}
