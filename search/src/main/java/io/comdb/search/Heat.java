package io.comdb.search;

/**
 * How much searches want a memory (ComDB's compression coefficient): every search that returns the memory
 * adds its score, and the sum halves every half-life. A new memory starts at 1, so that it is not the
 * coldest before any search had a chance to find it. Kept in memory only: after a restart every memory
 * starts again from 1 at its creation time.
 */
final class Heat {
  private final long halfLifeMs;
  private double value;
  private long at;

  Heat(long halfLifeMs, long createdAt) {
    this.halfLifeMs = halfLifeMs;
    this.value = 1;
    this.at = createdAt;
  }

  synchronized double at(long now) {
    return now <= at ? value : value * Math.pow(0.5, (double) (now - at) / halfLifeMs);
  }

  synchronized void add(double score, long now) {
    value = at(now) + score;
    at = Math.max(at, now);
  }
}
