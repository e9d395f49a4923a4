package io.comdb.types;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sorted sets: metadata holds the member count; each member is a sub-key holding its score, and a
 * by-score key ({@link KeySpace#scoreKey}) orders members by score, then member. Range and rank commands
 * walk that order; unlike Redis's skiplist they cost O(n) in the set's size, not O(log n).
 */
final class ZSetCommands {
  private static final byte[] EMPTY = new byte[0];

  private ZSetCommands() {}

  /** A member and its score. */
  record Entry(byte[] member, double score) {}

  static void register() {
    Commands.add("zadd", -4, "write denyoom fast", 1, 1, 1, ZSetCommands::zadd);
    Commands.add("zincrby", 4, "write denyoom fast", 1, 1, 1, ZSetCommands::zincrby);
    Commands.add("zrem", -3, "write fast", 1, 1, 1, ZSetCommands::zrem);
    Commands.add("zscore", 3, "readonly fast", 1, 1, 1, c -> {
      Double s = score(c, c.arg(1), c.arg(2));
      return s == null ? Reply.NULL_BULK : new Reply.Dbl(s);
    });
    Commands.add("zmscore", -3, "readonly fast", 1, 1, 1, c -> {
      List<Reply> out = new ArrayList<>();
      for (int i = 2; i < c.argc(); i++) {
        Double s = score(c, c.arg(1), c.arg(i));
        out.add(s == null ? Reply.NULL_BULK : new Reply.Dbl(s));
      }
      return Reply.array(out);
    });
    Commands.add("zcard", 2, "readonly fast", 1, 1, 1, c -> {
      Meta m = c.meta(c.arg(1), RedisType.ZSET);
      return Reply.integer(m == null ? 0 : m.size());
    });
    Commands.add("zcount", 4, "readonly fast", 1, 1, 1, c -> {
      ScoreRange r = ScoreRange.parse(c.arg(2), c.arg(3));
      return Reply.integer(entries(c, c.arg(1)).stream().filter(e -> r.contains(e.score)).count());
    });
    Commands.add("zlexcount", 4, "readonly fast", 1, 1, 1, c -> {
      LexRange r = LexRange.parse(c.arg(2), c.arg(3));
      return Reply.integer(byLex(entries(c, c.arg(1)), r).size());
    });
    Commands.add("zrange", -4, "readonly", 1, 1, 1, c -> zrange(c, 1, null, false));
    Commands.add("zrangestore", -5, "write denyoom", 1, 2, 1, ZSetCommands::zrangestore);
    Commands.add("zrevrange", -4, "readonly", 1, 1, 1, c -> zrange(c, 1, "RANK", true));
    Commands.add("zrangebyscore", -4, "readonly", 1, 1, 1, c -> zrange(c, 1, "BYSCORE", false));
    Commands.add("zrevrangebyscore", -4, "readonly", 1, 1, 1, c -> zrange(c, 1, "BYSCORE", true));
    Commands.add("zrangebylex", -4, "readonly", 1, 1, 1, c -> zrange(c, 1, "BYLEX", false));
    Commands.add("zrevrangebylex", -4, "readonly", 1, 1, 1, c -> zrange(c, 1, "BYLEX", true));
    Commands.add("zrank", 3, "readonly fast", 1, 1, 1, c -> rank(c, false));
    Commands.add("zrevrank", 3, "readonly fast", 1, 1, 1, c -> rank(c, true));
    Commands.add("zremrangebyrank", 4, "write", 1, 1, 1, c -> removeRange(c, "RANK"));
    Commands.add("zremrangebyscore", 4, "write", 1, 1, 1, c -> removeRange(c, "BYSCORE"));
    Commands.add("zremrangebylex", 4, "write", 1, 1, 1, c -> removeRange(c, "BYLEX"));
    Commands.add("zpopmin", -2, "write fast", 1, 1, 1, c -> zpop(c, false));
    Commands.add("zpopmax", -2, "write fast", 1, 1, 1, c -> zpop(c, true));
    Commands.add("bzpopmin", -3, "write noscript blocking fast", 1, -2, 1, c -> bzpop(c, false));
    Commands.add("bzpopmax", -3, "write noscript blocking fast", 1, -2, 1, c -> bzpop(c, true));
    Commands.add("zrandmember", -2, "readonly random", 1, 1, 1, ZSetCommands::zrandmember);
    Commands.add("zunionstore", -4, "write denyoom", 1, 1, 1, c -> combineStore(c, '|'));
    Commands.add("zinterstore", -4, "write denyoom", 1, 1, 1, c -> combineStore(c, '&'));
    Commands.add("zdiffstore", -4, "write denyoom", 1, 1, 1, c -> combineStore(c, '-'));
    Commands.add("zunion", -3, "readonly", 0, 0, 0, c -> combineReply(c, '|'));
    Commands.add("zinter", -3, "readonly", 0, 0, 0, c -> combineReply(c, '&'));
    Commands.add("zdiff", -3, "readonly", 0, 0, 0, c -> combineReply(c, '-'));
    Commands.add("zscan", -3, "readonly random", 1, 1, 1, c -> Scans.scan(c, RedisType.ZSET, true));
  }

  static byte[] encodeScore(double score) {
    return ByteBuffer.allocate(8).putDouble(score).array();
  }

  private static Double score(Call c, byte[] key, byte[] member) throws IOException {
    Meta m = c.meta(key, RedisType.ZSET);
    byte[] v = m == null ? null : c.sub(c.db, key, m, member);
    return v == null ? null : ByteBuffer.wrap(v).getDouble();
  }

  /** The members of a sorted set in order: by score, then member bytes. */
  static List<Entry> entries(Call c, byte[] key) throws IOException {
    Meta m = c.meta(key, RedisType.ZSET);
    return m == null ? new ArrayList<>() : entries(c, key, m);
  }

  private static List<Entry> entries(Call c, byte[] key, Meta m) throws IOException {
    byte[] prefix = KeySpace.scorePrefix(c.db, key, m.version());
    List<Entry> out = new ArrayList<>();
    try (io.comdb.engine.EngineIterator it = c.reads().iterator(io.comdb.engine.IteratorOptions.prefix(prefix))) {
      for (; it.isValid(); it.next()) {
        byte[] k = it.key();
        double score = KeySpace.scoreOf(ByteBuffer.wrap(k, prefix.length, 8).getLong());
        out.add(new Entry(Arrays.copyOfRange(k, prefix.length + 8, k.length), score));
      }
    }
    return out;
  }

  private static void putMember(Call c, byte[] key, Meta m, byte[] member, Double old, double score) {
    if (old != null) {
      c.batch().delete(KeySpace.scoreKey(c.db, key, m.version(), old, member));
    }
    c.batch().putSub(c.db, key, m, member, encodeScore(score));
    c.batch().put(KeySpace.scoreKey(c.db, key, m.version(), score, member), EMPTY);
  }

  private static void removeMember(Call c, byte[] key, Meta m, byte[] member, double score) {
    c.batch().deleteSub(c.db, key, m, member);
    c.batch().delete(KeySpace.scoreKey(c.db, key, m.version(), score, member));
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
      Double old = current.containsKey(mk) ? current.get(mk) : (m == null ? null : decode(c.sub(c.db, key, m, member)));
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
        putMember(c, key, meta, member, null, score);
        current.put(mk, score);
        added++;
        result = score;
      } else {
        if (nx || gt && score <= old || lt && score >= old) {
          continue;
        }
        result = score;
        if (score != old) {
          putMember(c, key, meta, member, old, score);
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

  private static Double decode(byte[] v) {
    return v == null ? null : ByteBuffer.wrap(v).getDouble();
  }

  private static Reply zincrby(Call c) throws IOException {
    if (ZADD_FLAGS.contains(c.keyword(2))) {
      throw Call.syntax(); // Redis runs ZINCRBY as ZADD INCR: a flag there leaves one lone argument
    }
    double by = c.doubleArg(2);
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.ZSET);
    Meta meta = m != null ? m : Meta.collection(RedisType.ZSET, c.newVersion(), 0, 0);
    Double old = m == null ? null : decode(c.sub(c.db, key, m, c.arg(3)));
    double score = old == null ? by : old + by;
    if (Double.isNaN(score)) {
      throw new RedisError("ERR resulting score is not a number (NaN)");
    }
    putMember(c, key, meta, c.arg(3), old, score);
    if (old == null) {
      c.batch().putMeta(c.db, key, meta.withSize(meta.size() + 1));
    }
    return new Reply.Dbl(score);
  }

  private static Reply zrem(Call c) throws IOException {
    return HashCommands.removeMembers(c, RedisType.ZSET, (key, m, member, stored) -> removeMember(c, key, m, member, decode(stored)));
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

    boolean contains(double s) {
      return (minExclusive ? s > min : s >= min) && (maxExclusive ? s < max : s <= max);
    }
  }

  /** A member interval for the BYLEX forms: {@code [a} inclusive, {@code (a} exclusive, {@code -} and {@code +}. */
  record LexRange(byte[] min, boolean minExclusive, byte[] max, boolean maxExclusive) {
    static final byte[] NEG = new byte[0];
    static final byte[] POS = null;

    static LexRange parse(byte[] min, byte[] max) {
      return new LexRange(bound(min, true), min.length > 0 && min[0] == '(', bound(max, false), max.length > 0 && max[0] == '(');
    }

    private static byte[] bound(byte[] b, boolean isMin) {
      if (b.length == 1 && b[0] == '-') {
        return isMin ? NEG : new byte[] {};
      }
      if (b.length == 1 && b[0] == '+') {
        return isMin ? null : POS;
      }
      if (b.length == 0 || b[0] != '(' && b[0] != '[') {
        throw new RedisError(Errors.MIN_MAX_NOT_STRING);
      }
      return Arrays.copyOfRange(b, 1, b.length);
    }

    boolean aboveMin(byte[] m) {
      if (min == null) {
        return false; // "+" as the minimum: nothing
      }
      if (min == NEG) {
        return true;
      }
      int c = Arrays.compareUnsigned(m, min);
      return minExclusive ? c > 0 : c >= 0;
    }

    boolean belowMax(byte[] m) {
      if (max == POS) {
        return true;
      }
      if (max.length == 0 && !maxExclusive) {
        return false; // "-" as the maximum: nothing
      }
      int c = Arrays.compareUnsigned(m, max);
      return maxExclusive ? c < 0 : c <= 0;
    }
  }

  /** As Redis walks a lex range: from the first member at or above the minimum, while below the maximum. */
  static List<Entry> byLex(List<Entry> entries, LexRange r) {
    List<Entry> out = new ArrayList<>();
    // Redis first checks the range against the ends, taking the set as sorted by member (its premise).
    if (entries.isEmpty() || !r.aboveMin(entries.get(entries.size() - 1).member) || !r.belowMax(entries.get(0).member)) {
      return out;
    }
    int i = 0;
    while (i < entries.size() && !r.aboveMin(entries.get(i).member)) {
      i++;
    }
    for (; i < entries.size() && r.belowMax(entries.get(i).member); i++) {
      out.add(entries.get(i));
    }
    return out;
  }

  /**
   * ZRANGE and its older forms. {@code forced}: the form the command name fixes (null: ZRANGE reads
   * BYSCORE / BYLEX / REV from its arguments).
   */
  private static Reply zrange(Call c, int keyAt, String forced, boolean forcedRev) throws IOException {
    List<Entry> selected = select(c, keyAt, forced, forcedRev);
    return reply(selected, withScores(c, keyAt, forced));
  }

  private static boolean withScores(Call c, int keyAt, String forced) {
    for (int i = keyAt + 3; i < c.argc(); i++) {
      if (c.keyword(i).equals("WITHSCORES")) {
        return true;
      }
    }
    return false;
  }

  private static List<Entry> select(Call c, int keyAt, String forced, boolean forcedRev) throws IOException {
    String by = forced == null ? "RANK" : forced;
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
        by = opt;
        chosen = true;
      } else {
        throw Call.syntax();
      }
    }
    if (limit && by.equals("RANK")) {
      throw new RedisError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    }
    if (withScores && by.equals("BYLEX")) {
      throw new RedisError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    byte[] a = c.arg(keyAt + 1);
    byte[] b = c.arg(keyAt + 2);
    List<Entry> all;
    switch (by) {
      case "BYSCORE": {
        ScoreRange r = rev ? ScoreRange.parse(b, a) : ScoreRange.parse(a, b);
        all = entries(c, c.arg(keyAt));
        List<Entry> in = new ArrayList<>();
        for (Entry e : all) {
          if (r.contains(e.score)) {
            in.add(e);
          }
        }
        if (rev) {
          java.util.Collections.reverse(in);
        }
        return page(in, offset, count);
      }
      case "BYLEX": {
        LexRange r = rev ? LexRange.parse(b, a) : LexRange.parse(a, b);
        all = entries(c, c.arg(keyAt));
        List<Entry> in = byLex(all, r);
        if (rev) {
          java.util.Collections.reverse(in);
        }
        return page(in, offset, count);
      }
      default: {
        long start = Numbers.parseLong(a, Errors.NOT_INTEGER);
        long stop = Numbers.parseLong(b, Errors.NOT_INTEGER);
        all = entries(c, c.arg(keyAt));
        if (rev) {
          java.util.Collections.reverse(all);
        }
        long[] range = ListCommands.range(start, stop, all.size());
        return range[0] > range[1] ? List.of() : new ArrayList<>(all.subList((int) range[0], (int) range[1] + 1));
      }
    }
  }

  private static List<Entry> page(List<Entry> in, long offset, long count) {
    if (offset < 0 || offset >= in.size()) {
      return offset < 0 ? List.of() : List.of();
    }
    long end = count < 0 ? in.size() : Math.min(in.size(), offset + count);
    return in.subList((int) offset, (int) end);
  }

  static Reply reply(List<Entry> entries, boolean withScores) {
    List<Reply> out = new ArrayList<>();
    for (Entry e : entries) {
      out.add(Reply.bulk(e.member));
      if (withScores) {
        out.add(new Reply.Dbl(e.score));
      }
    }
    return withScores ? new Reply.Pairs(out) : Reply.array(out);
  }

  private static Reply zrangestore(Call c) throws IOException {
    byte[] dest = c.arg(1);
    for (int i = 5; i < c.argc(); i++) {
      if (c.keyword(i).equals("WITHSCORES")) {
        throw Call.syntax();
      }
    }
    List<Entry> selected = select(c, 2, null, false);
    store(c, dest, selected);
    return Reply.integer(selected.size());
  }

  /** Replaces {@code dest} with a sorted set of {@code entries} (deletes it when there are none). */
  private static void store(Call c, byte[] dest, List<Entry> entries) throws IOException {
    Meta old = c.meta(dest);
    if (old != null) {
      c.batch().deleteKey(c.db, dest, old);
    }
    if (entries.isEmpty()) {
      return;
    }
    Meta m = Meta.collection(RedisType.ZSET, c.newVersion(), 0, entries.size());
    for (Entry e : entries) {
      putMember(c, dest, m, e.member, null, e.score);
    }
    c.batch().putMeta(c.db, dest, m);
  }

  private static Reply rank(Call c, boolean rev) throws IOException {
    List<Entry> all = entries(c, c.arg(1));
    for (int i = 0; i < all.size(); i++) {
      if (Arrays.equals(all.get(i).member, c.arg(2))) {
        return Reply.integer(rev ? all.size() - 1 - i : i);
      }
    }
    return Reply.NULL_BULK;
  }

  private static Reply removeRange(Call c, String by) throws IOException {
    byte[] key = c.arg(1);
    List<Entry> doomed;
    if (by.equals("BYSCORE")) {
      ScoreRange r = ScoreRange.parse(c.arg(2), c.arg(3));
      doomed = entries(c, key).stream().filter(e -> r.contains(e.score)).toList();
    } else if (by.equals("BYLEX")) {
      LexRange r = LexRange.parse(c.arg(2), c.arg(3));
      doomed = byLex(entries(c, key), r);
    } else {
      long start = c.longArg(2);
      long stop = c.longArg(3);
      List<Entry> all = entries(c, key);
      long[] range = ListCommands.range(start, stop, all.size());
      doomed = range[0] > range[1] ? List.of() : all.subList((int) range[0], (int) range[1] + 1);
    }
    Meta m = c.meta(key, RedisType.ZSET);
    if (m == null || doomed.isEmpty()) {
      return Reply.ZERO;
    }
    for (Entry e : doomed) {
      removeMember(c, key, m, e.member, e.score);
    }
    HashCommands.writeSize(c, key, m, m.size() - doomed.size());
    return Reply.integer(doomed.size());
  }

  private static List<Entry> popSome(Call c, byte[] key, Meta m, boolean max, long count) throws IOException {
    List<Entry> all = entries(c, key, m);
    if (max) {
      java.util.Collections.reverse(all);
    }
    List<Entry> popped = all.subList(0, (int) Math.min(count, all.size()));
    for (Entry e : popped) {
      removeMember(c, key, m, e.member, e.score);
    }
    HashCommands.writeSize(c, key, m, m.size() - popped.size());
    return popped;
  }

  private static Reply zpop(Call c, boolean max) throws IOException {
    Long given = c.popCount();
    long count = given == null ? 1 : given;
    Meta m = c.meta(c.arg(1), RedisType.ZSET);
    if (m == null || count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    Reply popped = reply(popSome(c, c.arg(1), m, max, count), true);
    // Without a count Redis answers one flat member/score pair, in RESP3 too.
    return given == null ? Reply.array(((Reply.Pairs) popped).flat()) : popped;
  }

  private static Reply bzpop(Call c, boolean max) throws IOException {
    Blocking.timeout(c, c.argc() - 1);
    for (int i = 1; i < c.argc() - 1; i++) {
      Meta m = c.meta(c.arg(i), RedisType.ZSET);
      if (m != null) {
        Entry e = popSome(c, c.arg(i), m, max, 1).get(0);
        return Reply.array(List.of(Reply.bulk(c.arg(i)), Reply.bulk(e.member), new Reply.Dbl(e.score)));
      }
    }
    return Blocking.WOULD_BLOCK;
  }

  private static Reply zrandmember(Call c) throws IOException {
    long count = c.argc() > 2 ? c.randomCount(2) : 0;
    boolean withScores = c.randomCountOption("WITHSCORES");
    List<Entry> all = entries(c, c.arg(1));
    if (c.argc() == 2) {
      return all.isEmpty() ? Reply.NULL_BULK : Reply.bulk(all.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(all.size())).member);
    }
    if (all.isEmpty() || count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    return reply(Scans.random(all, count), withScores);
  }

  /** ZUNION / ZINTER / ZDIFF and their STORE forms: numkeys key ... [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]. */
  private static List<Entry> combine(Call c, int numKeysAt, char op, boolean allowWithScores) throws IOException {
    long numKeys = Numbers.parseLong(c.arg(numKeysAt), Errors.NOT_INTEGER);
    if (numKeys < 1) {
      throw new RedisError("ERR at least 1 input key is needed for '" + c.name + "' command");
    }
    if (numKeys > c.argc() - numKeysAt - 1) {
      throw Call.syntax();
    }
    int first = numKeysAt + 1;
    int n = (int) numKeys;
    double[] weights = new double[n];
    Arrays.fill(weights, 1);
    String aggregate = "SUM";
    for (int i = first + n; i < c.argc(); i++) {
      String opt = c.keyword(i);
      if (opt.equals("WEIGHTS") && op != '-' && i + n < c.argc()) {
        for (int w = 0; w < n; w++) {
          weights[w] = Numbers.parseDouble(c.arg(i + 1 + w), "ERR weight value is not a float");
        }
        i += n;
      } else if (opt.equals("AGGREGATE") && op != '-' && i + 1 < c.argc()) {
        aggregate = c.keyword(++i);
        if (!aggregate.equals("SUM") && !aggregate.equals("MIN") && !aggregate.equals("MAX")) {
          throw Call.syntax();
        }
      } else if (opt.equals("WITHSCORES") && allowWithScores) {
        continue;
      } else {
        throw Call.syntax();
      }
    }
    List<Map<ByteBuffer, Double>> inputs = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      byte[] key = c.arg(first + k);
      Meta m = c.meta(key);
      Map<ByteBuffer, Double> members = new LinkedHashMap<>();
      if (m != null && m.type() == RedisType.ZSET) {
        for (Entry e : entries(c, key, m)) {
          members.put(ByteBuffer.wrap(e.member), e.score);
        }
      } else if (m != null && m.type() == RedisType.SET) {
        for (byte[][] e : c.subs(c.db, key, m)) {
          members.put(ByteBuffer.wrap(e[0]), 1.0);
        }
      } else if (m != null) {
        throw RedisError.wrongType();
      }
      inputs.add(members);
    }
    Map<ByteBuffer, Double> result = new LinkedHashMap<>();
    for (Map.Entry<ByteBuffer, Double> e : inputs.get(0).entrySet()) {
      result.put(e.getKey(), weigh(e.getValue(), weights[0]));
    }
    for (int k = 1; k < n; k++) {
      Map<ByteBuffer, Double> in = inputs.get(k);
      if (op == '|') {
        for (Map.Entry<ByteBuffer, Double> e : in.entrySet()) {
          double v = weigh(e.getValue(), weights[k]);
          Double prev = result.get(e.getKey());
          result.put(e.getKey(), prev == null ? v : aggregate(aggregate, prev, v));
        }
      } else if (op == '&') {
        Map<ByteBuffer, Double> next = new LinkedHashMap<>();
        for (Map.Entry<ByteBuffer, Double> e : result.entrySet()) {
          Double other = in.get(e.getKey());
          if (other != null) {
            next.put(e.getKey(), aggregate(aggregate, e.getValue(), weigh(other, weights[k])));
          }
        }
        result = next;
      } else {
        in.keySet().forEach(result::remove);
      }
    }
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<ByteBuffer, Double> e : result.entrySet()) {
      out.add(new Entry(e.getKey().array(), e.getValue()));
    }
    out.sort(Comparator.comparingDouble((Entry e) -> e.score).thenComparing((a, b) -> Arrays.compareUnsigned(a.member, b.member)));
    return out;
  }

  private static double weigh(double score, double weight) {
    double v = score * weight;
    return Double.isNaN(v) ? 0 : v; // inf * 0, as Redis
  }

  private static double aggregate(String how, double a, double b) {
    switch (how) {
      case "MIN":
        return Math.min(a, b);
      case "MAX":
        return Math.max(a, b);
      default:
        double s = a + b;
        return Double.isNaN(s) ? 0 : s;
    }
  }

  private static Reply combineStore(Call c, char op) throws IOException {
    List<Entry> result = combine(c, 2, op, false);
    store(c, c.arg(1), result);
    return Reply.integer(result.size());
  }

  private static Reply combineReply(Call c, char op) throws IOException {
    boolean withScores = c.keyword(c.argc() - 1).equals("WITHSCORES");
    return reply(combine(c, 1, op, true), withScores);
  }
}
