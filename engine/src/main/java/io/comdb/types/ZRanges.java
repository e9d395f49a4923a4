package io.comdb.types;

import io.comdb.types.ZSets.Entry;
import io.comdb.types.ZSets.Walk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * The members of a sorted set in a score, lex or rank range, found as Redis finds them but by seeking in
 * the by-score order ({@link ZSets.Walk}). A score range costs one seek plus the members it passes; a lex
 * range the same when the set's members share one score (the premise of lex ranges in Redis; with mixed
 * scores Redis leaves the answer unspecified, and ComDB walks the set as Redis walks a small one); a rank
 * range walks from the nearer end, so it costs what it skips plus what it returns.
 */
final class ZRanges {
  private ZRanges() {}

  /** Receives the members of a range in walk order; answers false to stop the walk. */
  @FunctionalInterface
  interface Taker {
    boolean take(Entry e);
  }

  /** A score interval: {@code (1.5} is exclusive, {@code -inf} / {@code +inf} unbounded. */
  record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
    static ScoreRange parse(byte[] min, byte[] max) {
      return new ScoreRange(value(min), min.length > 0 && min[0] == '(', value(max), max.length > 0 && max[0] == '(');
    }

    private static double value(byte[] b) {
      byte[] text = b.length > 0 && b[0] == '(' ? Arrays.copyOfRange(b, 1, b.length) : b;
      return Numbers.parseRangeDouble(text, Errors.MIN_MAX_NOT_FLOAT);
    }

    boolean isEmpty() {
      return min > max || min == max && (minExclusive || maxExclusive);
    }

    boolean aboveMin(double s) {
      return minExclusive ? s > min : s >= min;
    }

    boolean belowMax(double s) {
      return maxExclusive ? s < max : s <= max;
    }

    boolean contains(double s) {
      return aboveMin(s) && belowMax(s);
    }
  }

  /** A member interval for the BYLEX forms: {@code [a} inclusive, {@code (a} exclusive, {@code -} and {@code +}. */
  record LexRange(byte[] min, boolean minExclusive, byte[] max, boolean maxExclusive) {
    /** {@code -} and {@code +}: told apart from real bounds by identity. */
    private static final byte[] MINUS = new byte[0];
    private static final byte[] PLUS = new byte[0];

    static LexRange parse(byte[] min, byte[] max) {
      return new LexRange(bound(min), min.length > 0 && min[0] == '(', bound(max), max.length > 0 && max[0] == '(');
    }

    private static byte[] bound(byte[] b) {
      if (b.length == 1 && b[0] == '-') {
        return MINUS;
      }
      if (b.length == 1 && b[0] == '+') {
        return PLUS;
      }
      if (b.length == 0 || b[0] != '(' && b[0] != '[') {
        throw new RedisError(Errors.MIN_MAX_NOT_STRING);
      }
      return Arrays.copyOfRange(b, 1, b.length);
    }

    boolean isEmpty() {
      if (min == PLUS || max == MINUS) {
        return true;
      }
      if (min == MINUS || max == PLUS) {
        return false;
      }
      int c = Arrays.compareUnsigned(min, max);
      return c > 0 || c == 0 && (minExclusive || maxExclusive);
    }

    boolean aboveMin(byte[] m) {
      if (min == MINUS) {
        return true;
      }
      int c = Arrays.compareUnsigned(m, min);
      return minExclusive ? c > 0 : c >= 0;
    }

    boolean belowMax(byte[] m) {
      if (max == PLUS) {
        return true;
      }
      int c = Arrays.compareUnsigned(m, max);
      return maxExclusive ? c < 0 : c <= 0;
    }
  }

  /** Gives the members of {@code r} to {@code taker}, from the low end (the high end when {@code rev}). */
  static void walk(Call c, byte[] key, Meta m, ScoreRange r, boolean rev, Taker taker) throws IOException {
    if (r.isEmpty()) {
      return;
    }
    try (Walk w = new Walk(c, key, m, rev)) {
      // Seek to the first score past the near bound; reversed, the key sorting just after the bound's last
      // member, so at most one member (the empty one of the next score) is passed on the way in.
      if (!rev) {
        w.seek(r.minExclusive ? Math.nextUp(r.min) : r.min);
      } else if (r.max != Double.POSITIVE_INFINITY || r.maxExclusive) {
        w.seek(r.maxExclusive ? r.max : Math.nextUp(r.max));
      }
      walk(w, rev ? e -> r.belowMax(e.score()) : e -> r.aboveMin(e.score()),
          rev ? e -> r.aboveMin(e.score()) : e -> r.belowMax(e.score()), taker);
    }
  }

  /** Gives the members of {@code r} to {@code taker}, from the low end (the high end when {@code rev}). */
  static void walk(Call c, byte[] key, Meta m, LexRange r, boolean rev, Taker taker) throws IOException {
    if (r.isEmpty()) {
      return;
    }
    Entry far;
    try (Walk w = new Walk(c, key, m, !rev)) {
      if (!w.valid()) {
        return;
      }
      far = w.entry();
    }
    try (Walk w = new Walk(c, key, m, rev)) {
      if (!w.valid()) {
        return;
      }
      Entry near = w.entry();
      Entry first = rev ? far : near;
      Entry last = rev ? near : far;
      if (!r.aboveMin(last.member()) || !r.belowMax(first.member())) {
        return; // Redis checks the range against the ends first
      }
      if (first.score() == last.score()) { // one score: the by-score order is the members' order
        if (!rev) {
          w.seek(first.score(), r.min() == LexRange.MINUS ? new byte[0] : r.min());
        } else if (r.max() != LexRange.PLUS) {
          w.seek(first.score(), r.max());
        }
      }
      walk(w, rev ? e -> r.belowMax(e.member()) : e -> r.aboveMin(e.member()),
          rev ? e -> r.aboveMin(e.member()) : e -> r.belowMax(e.member()), taker);
    }
  }

  /**
   * Redis's walk of a range: from the first member that passes the near bound, taking members while they
   * pass the far bound. After a seek the near bound fails at most once; without one (mixed scores in a lex
   * range) it is searched for as Redis searches a small set.
   */
  private static void walk(Walk w, Predicate<Entry> nearBound, Predicate<Entry> farBound, Taker taker) throws IOException {
    boolean started = false;
    for (; w.valid(); w.next()) {
      Entry e = w.entry();
      if (!started && !nearBound.test(e)) {
        continue;
      }
      started = true;
      if (!farBound.test(e) || !taker.take(e)) {
        return;
      }
    }
  }

  /** A taker that keeps members in a list after skipping {@code offset}, at most {@code count} (negative: all), as LIMIT. */
  static Taker page(List<Entry> into, long offset, long count) {
    long[] skip = {offset};
    return e -> {
      if (offset < 0 || count == 0) {
        return false; // as Redis: a negative offset skips past everything
      }
      if (skip[0] > 0) {
        skip[0]--;
        return true;
      }
      into.add(e);
      return count < 0 || into.size() < count;
    };
  }

  /** The members at ranks {@code start..stop} (Redis's indices, negative from the end), walked from the nearer end. */
  static List<Entry> byRank(Call c, byte[] key, Meta m, long start, long stop, boolean rev) throws IOException {
    long n = m.size();
    long[] range = ListCommands.range(start, stop, n);
    if (range[0] > range[1]) {
      return new ArrayList<>();
    }
    long from = rev ? n - 1 - range[1] : range[0]; // the same ranks counted from the low end
    long to = rev ? n - 1 - range[0] : range[1];
    boolean fromHigh = n - 1 - to < from;
    List<Entry> out = new ArrayList<>((int) Math.min(to - from + 1, 1 << 16));
    try (Walk w = new Walk(c, key, m, fromHigh)) {
      w.skip(fromHigh ? n - 1 - to : from);
      for (long i = from; i <= to && w.valid(); i++, w.next()) {
        out.add(w.entry());
      }
    }
    if (fromHigh != rev) {
      Collections.reverse(out);
    }
    return out;
  }

  /**
   * A member's rank (from the high end when {@code rev}), or null if the set lacks it: two walks, from
   * both ends in step, so the cost is the distance to the nearer end.
   */
  static Long rank(Call c, byte[] key, Meta m, byte[] member, boolean rev) throws IOException {
    Double score = ZSets.score(c, key, m, member);
    if (score == null) {
      return null;
    }
    long n = m.size();
    try (Walk low = new Walk(c, key, m, false); Walk high = new Walk(c, key, m, true)) {
      for (long i = 0; i < n && low.valid() && high.valid(); i++) {
        if (low.isAt(score, member)) {
          return rev ? n - 1 - i : i;
        }
        if (high.isAt(score, member)) {
          return rev ? i : n - 1 - i;
        }
        low.next();
        high.next();
      }
    }
    throw new IllegalStateException("a sorted set's member is missing from its by-score order");
  }
}
