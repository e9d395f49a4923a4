package io.comdb.types;

import io.comdb.types.ZRanges.LexRange;
import io.comdb.types.ZRanges.ScoreRange;
import io.comdb.types.ZSets.Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sorted-set commands that read or remove a range: ZRANGE and its older forms, ZRANGESTORE, ZCOUNT,
 * ZLEXCOUNT, ZRANK, ZREVRANK and ZREMRANGEBY*. Each costs a seek plus the members it passes
 * ({@link ZRanges}); docs/resp.md lists the complexities.
 */
final class ZSetRangeCommands {
  private ZSetRangeCommands() {}

  static void register() {
    Commands.add("zcount", 4, "readonly fast", 1, 1, 1, c -> {
      ScoreRange r = ScoreRange.parse(c.arg(2), c.arg(3));
      Meta m = c.meta(c.arg(1), RedisType.ZSET);
      return Reply.integer(m == null ? 0 : count(taker -> ZRanges.walk(c, c.arg(1), m, r, false, taker)));
    });
    Commands.add("zlexcount", 4, "readonly fast", 1, 1, 1, c -> {
      LexRange r = LexRange.parse(c.arg(2), c.arg(3));
      Meta m = c.meta(c.arg(1), RedisType.ZSET);
      return Reply.integer(m == null ? 0 : count(taker -> ZRanges.walk(c, c.arg(1), m, r, false, taker)));
    });
    Commands.add("zrange", -4, "readonly", 1, 1, 1, c -> zrange(c, Query.parse(c, 1, null, false)));
    Commands.add("zrangestore", -5, "write denyoom", 1, 2, 1, ZSetRangeCommands::zrangestore);
    Commands.add("zrevrange", -4, "readonly", 1, 1, 1, c -> zrange(c, Query.parse(c, 1, By.RANK, true)));
    Commands.add("zrangebyscore", -4, "readonly", 1, 1, 1, c -> zrange(c, Query.parse(c, 1, By.SCORE, false)));
    Commands.add("zrevrangebyscore", -4, "readonly", 1, 1, 1, c -> zrange(c, Query.parse(c, 1, By.SCORE, true)));
    Commands.add("zrangebylex", -4, "readonly", 1, 1, 1, c -> zrange(c, Query.parse(c, 1, By.LEX, false)));
    Commands.add("zrevrangebylex", -4, "readonly", 1, 1, 1, c -> zrange(c, Query.parse(c, 1, By.LEX, true)));
    Commands.add("zrank", 3, "readonly fast", 1, 1, 1, c -> rank(c, false));
    Commands.add("zrevrank", 3, "readonly fast", 1, 1, 1, c -> rank(c, true));
    Commands.add("zremrangebyrank", 4, "write", 1, 1, 1, c -> {
      long start = c.longArg(2);
      long stop = c.longArg(3);
      return remove(c, m -> ZRanges.byRank(c, c.arg(1), m, start, stop, false));
    });
    Commands.add("zremrangebyscore", 4, "write", 1, 1, 1, c -> {
      ScoreRange r = ScoreRange.parse(c.arg(2), c.arg(3));
      return remove(c, m -> collect(taker -> ZRanges.walk(c, c.arg(1), m, r, false, taker)));
    });
    Commands.add("zremrangebylex", 4, "write", 1, 1, 1, c -> {
      LexRange r = LexRange.parse(c.arg(2), c.arg(3));
      return remove(c, m -> collect(taker -> ZRanges.walk(c, c.arg(1), m, r, false, taker)));
    });
  }

  /** What a range is of. */
  enum By {
    RANK,
    SCORE,
    LEX
  }

  /**
   * A parsed ZRANGE (or older form): the range's two bounds as given, what they are of, the direction, LIMIT and
   * WITHSCORES. Parsed before anything is read, so every argument error comes first, as in Redis.
   */
  record Query(By by, boolean rev, boolean withScores, long offset, long count, ScoreRange scores, LexRange lex,
      long start, long stop) {

    /**
     * Parses the arguments after the key at {@code keyAt}. {@code forced}: what the command name fixes (null:
     * ZRANGE reads BYSCORE / BYLEX / REV from its arguments), with {@code forcedRev}.
     */
    static Query parse(Call c, int keyAt, By forced, boolean forcedRev) {
      By by = forced == null ? By.RANK : forced;
      boolean rev = forcedRev;
      boolean withScores = false;
      long offset = 0;
      long count = -1;
      boolean limit = false;
      // Redis's loop: WITHSCORES and LIMIT anywhere, REV and BY* once and only in ZRANGE; their mismatches after.
      boolean chosen = forced != null;
      for (int i = keyAt + 3; i < c.argc(); i++) {
        String opt = c.keyword(i);
        if (opt.equals("WITHSCORES")) {
          withScores = true;
        } else if (opt.equals("LIMIT") && i + 2 < c.argc()) {
          offset = c.longArg(i + 1);
          count = c.longArg(i + 2);
          limit = true;
          i += 2;
        } else if (forced == null && !rev && opt.equals("REV")) {
          rev = true;
        } else if (!chosen && (opt.equals("BYSCORE") || opt.equals("BYLEX"))) {
          by = opt.equals("BYSCORE") ? By.SCORE : By.LEX;
          chosen = true;
        } else {
          throw Call.syntax();
        }
      }
      if (limit && by == By.RANK) {
        throw new RedisError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
      }
      if (withScores && by == By.LEX) {
        throw new RedisError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
      }
      // Reversed forms take the high bound first.
      byte[] low = c.arg(keyAt + (rev ? 2 : 1));
      byte[] high = c.arg(keyAt + (rev ? 1 : 2));
      return switch (by) {
        case SCORE -> new Query(by, rev, withScores, offset, count, ScoreRange.parse(low, high), null, 0, 0);
        case LEX -> new Query(by, rev, withScores, offset, count, null, LexRange.parse(low, high), 0, 0);
        case RANK -> new Query(by, rev, withScores, 0, -1, null, null,
            Numbers.parseLong(c.arg(keyAt + 1), Errors.NOT_INTEGER), Numbers.parseLong(c.arg(keyAt + 2), Errors.NOT_INTEGER));
      };
    }

    /** The members the query selects from the set at {@code key} (of metadata {@code m}), in reply order. */
    List<Entry> run(Call c, byte[] key, Meta m) throws IOException {
      if (by == By.RANK) {
        return ZRanges.byRank(c, key, m, start, stop, rev);
      }
      List<Entry> out = new ArrayList<>();
      ZRanges.Taker page = ZRanges.page(out, offset, count);
      if (by == By.SCORE) {
        ZRanges.walk(c, key, m, scores, rev, page);
      } else {
        ZRanges.walk(c, key, m, lex, rev, page);
      }
      return out;
    }
  }

  private static Reply zrange(Call c, Query q) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.ZSET);
    return reply(m == null ? List.of() : q.run(c, c.arg(1), m), q.withScores());
  }

  static Reply reply(List<Entry> entries, boolean withScores) {
    List<Reply> out = new ArrayList<>(entries.size() * (withScores ? 2 : 1));
    for (Entry e : entries) {
      out.add(Reply.bulk(e.member()));
      if (withScores) {
        out.add(new Reply.Dbl(e.score()));
      }
    }
    return withScores ? new Reply.Pairs(out) : Reply.array(out);
  }

  private static Reply zrangestore(Call c) throws IOException {
    for (int i = 5; i < c.argc(); i++) {
      if (c.keyword(i).equals("WITHSCORES")) {
        throw Call.syntax();
      }
    }
    Query q = Query.parse(c, 2, null, false);
    Meta m = c.meta(c.arg(2), RedisType.ZSET);
    List<Entry> selected = m == null ? List.of() : q.run(c, c.arg(2), m);
    ZSets.store(c, c.arg(1), selected);
    return Reply.integer(selected.size());
  }

  private static long count(FixedWalk walk) throws IOException {
    long[] n = {0};
    walk.walk(e -> ++n[0] > 0);
    return n[0];
  }

  /** Walks a range whose bounds are fixed, giving its members to a taker. */
  @FunctionalInterface
  private interface FixedWalk {
    void walk(ZRanges.Taker taker) throws IOException;
  }

  /** Selects members of a set of metadata {@code m}. */
  @FunctionalInterface
  private interface Selection {
    List<Entry> of(Meta m) throws IOException;
  }

  private static List<Entry> collect(FixedWalk walk) throws IOException {
    List<Entry> out = new ArrayList<>();
    walk.walk(out::add);
    return out;
  }

  /** Removes the members {@code doomed} selects from the set at the first argument; answers how many. */
  private static Reply remove(Call c, Selection doomed) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.ZSET);
    if (m == null) {
      return Reply.ZERO;
    }
    List<Entry> selected = doomed.of(m);
    return selected.isEmpty() ? Reply.ZERO : Reply.integer(ZSets.removeAll(c, c.arg(1), m, selected));
  }

  private static Reply rank(Call c, boolean rev) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.ZSET);
    Long rank = m == null ? null : ZRanges.rank(c, c.arg(1), m, c.arg(2), rev);
    return rank == null ? Reply.NULL_BULK : Reply.integer(rank);
  }
}
