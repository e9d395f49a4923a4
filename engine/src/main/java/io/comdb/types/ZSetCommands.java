package io.comdb.types;

import io.comdb.types.ZSets.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sorted-set commands that add, score, pop and sample members ({@link ZSets} says how a set is
 * stored). Ranges are {@link ZSetRangeCommands}; ZUNION, ZINTER and ZDIFF are {@link ZSetAlgebra}.
 */
final class ZSetCommands {
  private ZSetCommands() {}

  static void register() {
    Commands.add("zadd", -4, "write denyoom fast", 1, 1, 1, ZSetCommands::zadd);
    Commands.add("zincrby", 4, "write denyoom fast", 1, 1, 1, ZSetCommands::zincrby);
    Commands.add("zrem", -3, "write fast", 1, 1, 1, ZSetCommands::zrem);
    Commands.add("zscore", 3, "readonly fast", 1, 1, 1, c -> {
      Double s = ZSets.score(c, c.arg(1), c.meta(c.arg(1), RedisType.ZSET), c.arg(2));
      return s == null ? Reply.NULL_BULK : new Reply.Dbl(s);
    });
    Commands.add("zmscore", -3, "readonly fast", 1, 1, 1, c -> {
      Meta m = c.meta(c.arg(1), RedisType.ZSET);
      List<Reply> out = new ArrayList<>();
      for (int i = 2; i < c.argc(); i++) {
        Double s = ZSets.score(c, c.arg(1), m, c.arg(i));
        out.add(s == null ? Reply.NULL_BULK : new Reply.Dbl(s));
      }
      return Reply.array(out);
    });
    Commands.add("zcard", 2, "readonly fast", 1, 1, 1, c -> {
      Meta m = c.meta(c.arg(1), RedisType.ZSET);
      return Reply.integer(m == null ? 0 : m.size());
    });
    Commands.add("zpopmin", -2, "write fast", 1, 1, 1, c -> zpop(c, false));
    Commands.add("zpopmax", -2, "write fast", 1, 1, 1, c -> zpop(c, true));
    Commands.add("bzpopmin", -3, "write noscript blocking fast", 1, -2, 1, c -> bzpop(c, false));
    Commands.add("bzpopmax", -3, "write noscript blocking fast", 1, -2, 1, c -> bzpop(c, true));
    Commands.add("zmpop", -4, "write movablekeys", 0, 0, 0, MultiPop.command(false, ZSetCommands::multiPopped));
    Commands.add("bzmpop", -5, "write blocking movablekeys", 0, 0, 0, MultiPop.blocking(false, ZSetCommands::multiPopped));
    Commands.add("zrandmember", -2, "readonly random", 1, 1, 1, ZSetCommands::zrandmember);
    Commands.add("zscan", -3, "readonly random", 1, 1, 1, c -> Scans.scan(c, RedisType.ZSET, true));
  }

  private static final java.util.Set<String> ZADD_FLAGS = java.util.Set.of("NX", "XX", "GT", "LT", "CH", "INCR");

  private static Reply zadd(Call c) throws IOException {
    boolean nx = false;
    boolean xx = false;
    boolean gt = false;
    boolean lt = false;
    boolean ch = false;
    boolean incr = false;
    int i = 2;
    for (; i < c.argc(); i++) {
      String opt = c.keyword(i);
      if (opt.equals("NX")) {
        nx = true;
      } else if (opt.equals("XX")) {
        xx = true;
      } else if (opt.equals("GT")) {
        gt = true;
      } else if (opt.equals("LT")) {
        lt = true;
      } else if (opt.equals("CH")) {
        ch = true;
      } else if (opt.equals("INCR")) {
        incr = true;
      } else {
        break;
      }
    }
    int pairs = c.argc() - i;
    if (pairs == 0 || pairs % 2 != 0) {
      throw Call.syntax();
    }
    if (nx && xx) {
      throw new RedisError("ERR XX and NX options at the same time are not compatible");
    }
    if (gt && nx || lt && nx || gt && lt) {
      throw new RedisError("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if (incr && pairs != 2) {
      throw new RedisError("ERR INCR option supports a single increment-element pair");
    }
    double[] scores = new double[pairs / 2];
    for (int p = 0; p < scores.length; p++) {
      scores[p] = Numbers.parseDouble(c.arg(i + 2 * p), Errors.NOT_FLOAT);
    }
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.ZSET);
    if (m == null && xx) {
      return incr ? Reply.NULL_BULK : Reply.ZERO;
    }
    Meta meta = m != null ? m : Meta.collection(RedisType.ZSET, c.newVersion(), 0, 0);
    Map<ByteBuffer, Double> current = new LinkedHashMap<>(); // this command's own updates, for repeated members
    long added = 0;
    long changed = 0;
    Double result = null;
    for (int p = 0; p < scores.length; p++) {
      byte[] member = c.arg(i + 2 * p + 1);
      ByteBuffer mk = ByteBuffer.wrap(member);
      Double old = current.containsKey(mk) ? current.get(mk) : (m == null ? null : ZSets.decodeScore(c.sub(c.db, key, m, member)));
      double score = scores[p];
      if (incr && old != null) {
        score = old + score;
        if (Double.isNaN(score)) {
          throw new RedisError("ERR resulting score is not a number (NaN)");
        }
      }
      if (old == null) {
        if (xx) {
          continue;
        }
        ZSets.put(c, key, meta, member, null, score);
        current.put(mk, score);
        added++;
        result = score;
      } else {
        if (nx || gt && score <= old || lt && score >= old) {
          continue;
        }
        result = score;
        if (score != old) {
          ZSets.put(c, key, meta, member, old, score);
          current.put(mk, score);
          changed++;
        }
      }
    }
    if (added > 0 || m == null && !current.isEmpty()) {
      c.batch().putMeta(c.db, key, meta.withSize(meta.size() + added));
    }
    if (incr) {
      return result == null ? Reply.NULL_BULK : new Reply.Dbl(result);
    }
    return Reply.integer(ch ? added + changed : added);
  }

  private static Reply zincrby(Call c) throws IOException {
    if (ZADD_FLAGS.contains(c.keyword(2))) {
      throw Call.syntax(); // Redis runs ZINCRBY as ZADD INCR: a flag there leaves one lone argument
    }
    double by = c.doubleArg(2);
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.ZSET);
    Meta meta = m != null ? m : Meta.collection(RedisType.ZSET, c.newVersion(), 0, 0);
    Double old = m == null ? null : ZSets.decodeScore(c.sub(c.db, key, m, c.arg(3)));
    double score = old == null ? by : old + by;
    if (Double.isNaN(score)) {
      throw new RedisError("ERR resulting score is not a number (NaN)");
    }
    ZSets.put(c, key, meta, c.arg(3), old, score);
    if (old == null) {
      c.batch().putMeta(c.db, key, meta.withSize(meta.size() + 1));
    }
    return new Reply.Dbl(score);
  }

  private static Reply zrem(Call c) throws IOException {
    return HashCommands.removeMembers(c, RedisType.ZSET,
        (key, m, member, stored) -> ZSets.remove(c, key, m, new Entry(member, ZSets.decodeScore(stored))));
  }

  private static List<Entry> popSome(Call c, byte[] key, Meta m, boolean max, long count) throws IOException {
    List<Entry> popped = ZRanges.byRank(c, key, m, 0, count - 1, max);
    ZSets.removeAll(c, key, m, popped);
    return popped;
  }

  private static Reply zpop(Call c, boolean max) throws IOException {
    Long given = c.popCount();
    long count = given == null ? 1 : given;
    Meta m = c.meta(c.arg(1), RedisType.ZSET);
    if (m == null || count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    Reply popped = ZSetRangeCommands.reply(popSome(c, c.arg(1), m, max, count), true);
    // Without a count Redis answers one flat member/score pair, in RESP3 too.
    return given == null ? Reply.array(((Reply.Pairs) popped).flat()) : popped;
  }

  /** ZMPOP's members: up to {@code count} of the lowest (or highest), each with its score in a pair of its own. */
  private static Reply multiPopped(Call c, byte[] key, Meta m, MultiPop pop) throws IOException {
    List<Reply> pairs = new java.util.ArrayList<>();
    for (Entry e : popSome(c, key, m, !pop.fromFirst(), pop.count())) {
      pairs.add(Reply.array(List.of(Reply.bulk(e.member()), new Reply.Dbl(e.score()))));
    }
    return Reply.array(pairs);
  }

  private static Reply bzpop(Call c, boolean max) throws IOException {
    Blocking.timeout(c, c.argc() - 1);
    for (int i = 1; i < c.argc() - 1; i++) {
      Meta m = c.meta(c.arg(i), RedisType.ZSET);
      if (m != null) {
        Entry e = popSome(c, c.arg(i), m, max, 1).get(0);
        return Reply.array(List.of(Reply.bulk(c.arg(i)), Reply.bulk(e.member()), new Reply.Dbl(e.score())));
      }
    }
    return Blocking.WOULD_BLOCK;
  }

  /**
   * Without a count, one member at a random rank, walked to from the nearer end. With a count, Redis's
   * sampling over all members (which are read).
   */
  private static Reply zrandmember(Call c) throws IOException {
    long count = c.argc() > 2 ? c.randomCount(2) : 0;
    boolean withScores = c.randomCountOption("WITHSCORES");
    Meta m = c.meta(c.arg(1), RedisType.ZSET);
    if (c.argc() == 2) {
      if (m == null) {
        return Reply.NULL_BULK;
      }
      long rank = ThreadLocalRandom.current().nextLong(m.size());
      return Reply.bulk(ZRanges.byRank(c, c.arg(1), m, rank, rank, false).get(0).member());
    }
    if (m == null || count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    return ZSetRangeCommands.reply(Scans.random(ZSets.all(c, c.arg(1), m), count), withScores);
  }
}
