package io.comdb.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The in-memory index from every live key to its {@link Location}. Implementations allow any number of
 * concurrent readers and <em>one writer at a time</em>: the engine calls every mutating method under its
 * write lock (or single-threaded during recovery), which is what lets them avoid locks of their own.
 */
interface Keydir {
  /** The key's location, or {@link Location#NONE}. */
  long get(byte[] key);

  /** Maps the key and returns its previous location, or {@link Location#NONE}. */
  long put(byte[] key, long location);

  /** Maps the key only if it is absent; returns its existing location, or {@link Location#NONE} if it mapped it. */
  long putIfAbsent(byte[] key, long location);

  /** Unmaps the key and returns its previous location, or {@link Location#NONE}. */
  long remove(byte[] key);

  /** Maps the key to {@code location} only if it still maps to {@code expected} (merge's compare-and-swap). */
  boolean replace(byte[] key, long expected, long location);

  /** Removes every entry whose location matches: by default, collects their keys in one walk, then removes each. */
  default void removeIf(LongPredicate location) {
    List<byte[]> doomed = new ArrayList<>();
    for (Iterator<Map.Entry<byte[], Long>> it = entries(new byte[0], null, false); it.hasNext(); ) {
      Map.Entry<byte[], Long> e = it.next();
      if (location.test(e.getValue())) {
        doomed.add(e.getKey());
      }
    }
    doomed.forEach(this::remove);
  }

  long size();

  /** The bytes of the keys mapped now (their contents; what their arrays cost beyond is estimated by the engine). */
  long keyBytes();

  /**
   * The entries whose keys start with {@code prefix} (empty: all), in unsigned byte order or its reverse,
   * beginning at the first key at or after {@code start} (at or before it when reversed; null: the first).
   * Weakly consistent: it reflects some writes that happen while it is used.
   */
  Iterator<Map.Entry<byte[], Long>> entries(byte[] prefix, byte[] start, boolean reverse);

  /** A one-line description for logs. */
  String describe();

  /** The index kinds an engine can be opened with. */
  static Keydir create(IndexKind kind) {
    return switch (kind) {
      case ORDERED -> new BTreeKeydir();
      case HASH -> new HashKeydir();
    };
  }

  /** The first key after every key that starts with {@code prefix}, or null if there is none (all 0xFF). */
  static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return java.util.Arrays.copyOf(end, i + 1);
      }
    }
    return null;
  }
}
