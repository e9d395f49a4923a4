package io.comdb.search;

import java.nio.ByteBuffer;

/**
 * How much searches want a memory (ComDB's compression coefficient): every search that returns the memory
 * adds its score, and the sum halves every half-life. A new memory starts at 1, so that it is not the
 * coldest before any search had a chance to find it. Stored in the engine (a heat record per memory that a
 * search found, written in batches by {@link OpenSpaces}), so it survives restarts.
 */
final class Heat {
  private static final byte FORMAT = 1;
  private final long halfLifeMs;
  private double value;
  private long at;

  Heat(long halfLifeMs, long createdAt) {
    this(halfLifeMs, 1, createdAt);
  }

  private Heat(long halfLifeMs, double value, long at) {
    this.halfLifeMs = halfLifeMs;
    this.value = value;
    this.at = at;
  }

  synchronized double at(long now) {
    return now <= at ? value : value * Math.pow(0.5, (double) (now - at) / halfLifeMs);
  }

  synchronized void add(double score, long now) {
    value = at(now) + score;
    at = Math.max(at, now);
  }

  synchronized byte[] encode() {
    return ByteBuffer.allocate(17).put(FORMAT).putDouble(value).putLong(at).array();
  }

  /** A stored heat, or null for a value this version does not read (the memory then starts again at 1). */
  static Heat decode(long halfLifeMs, byte[] stored) {
    if (stored.length != 17 || stored[0] != FORMAT) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(stored, 1, 16);
    double value = b.getDouble();
    long at = b.getLong();
    return Double.isFinite(value) && value >= 0 ? new Heat(halfLifeMs, value, at) : null;
  }
}
