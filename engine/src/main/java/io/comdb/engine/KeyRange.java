package io.comdb.engine;

import java.util.Arrays;
import java.util.function.Function;
import java.util.NavigableMap;

/**
 * The keys an iterator covers: those starting with a prefix, cut at a seek key (from it onwards, or, when
 * reversed, up to it). Bounds are in unsigned byte order; a null bound is open.
 */
record KeyRange(byte[] low, byte[] high, boolean highInclusive) {
  static KeyRange of(byte[] prefix, byte[] start, boolean reverse) {
    byte[] low = prefix.length > 0 ? prefix : null;
    byte[] high = prefix.length > 0 ? Keydir.prefixEnd(prefix) : null;
    boolean highInclusive = false;
    if (start != null) {
      if (!reverse) {
        low = low == null || Arrays.compareUnsigned(start, low) > 0 ? start : low;
      } else if (high == null || Arrays.compareUnsigned(start, high) < 0) {
        high = start;
        highInclusive = true;
      }
    }
    return new KeyRange(low, high, highInclusive);
  }

  boolean isEmpty() {
    if (low == null || high == null) {
      return false;
    }
    int c = Arrays.compareUnsigned(low, high);
    return highInclusive ? c > 0 : c >= 0;
  }

  boolean contains(byte[] key) {
    if (low != null && Arrays.compareUnsigned(key, low) < 0) {
      return false;
    }
    if (high == null) {
      return true;
    }
    int c = Arrays.compareUnsigned(key, high);
    return highInclusive ? c <= 0 : c < 0;
  }

  /** This range as a view of {@code map}, whose keys are ordered by their unsigned bytes; {@code key} makes a bound. */
  <K, V> NavigableMap<K, V> of(NavigableMap<K, V> map, Function<byte[], K> key) {
    if (isEmpty()) {
      return map.subMap(key.apply(low), true, key.apply(low), false);
    }
    if (low != null && high != null) {
      return map.subMap(key.apply(low), true, key.apply(high), highInclusive);
    }
    if (low != null) {
      return map.tailMap(key.apply(low), true);
    }
    return high != null ? map.headMap(key.apply(high), highInclusive) : map;
  }
}
