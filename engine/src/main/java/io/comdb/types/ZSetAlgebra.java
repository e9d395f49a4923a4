package io.comdb.types;

import io.comdb.types.ZSets.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ZUNION, ZINTER, ZDIFF and their STORE forms: sorted sets (and sets, scored 1) combined, weighted and aggregated. */
final class ZSetAlgebra {
  private ZSetAlgebra() {}

  static void register() {
    Commands.add("zunionstore", -4, "write denyoom movablekeys", 1, 1, 1, c -> combineStore(c, '|'));
    Commands.add("zinterstore", -4, "write denyoom movablekeys", 1, 1, 1, c -> combineStore(c, '&'));
    Commands.add("zdiffstore", -4, "write denyoom movablekeys", 1, 1, 1, c -> combineStore(c, '-'));
    Commands.add("zunion", -3, "readonly movablekeys", 0, 0, 0, c -> combineReply(c, '|'));
    Commands.add("zinter", -3, "readonly movablekeys", 0, 0, 0, c -> combineReply(c, '&'));
    Commands.add("zdiff", -3, "readonly movablekeys", 0, 0, 0, c -> combineReply(c, '-'));
    Commands.add("zintercard", -3, "readonly movablekeys", 0, 0, 0, ZSetAlgebra::zintercard);
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
    Meta[] metas = checkTypes(c, first, n);
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
      inputs.add(input(c, c.arg(first + k), metas[k]));
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
    out.sort(Comparator.comparingDouble(Entry::score).thenComparing((a, b) -> Arrays.compareUnsigned(a.member(), b.member())));
    return out;
  }

  /**
   * As Redis, before the options: WRONGTYPE if one of the {@code n} keys from {@code first} is neither a sorted
   * set nor a set. Returns their metadata (null for a missing key), for {@link #input}.
   */
  private static Meta[] checkTypes(Call c, int first, int n) throws IOException {
    Meta[] metas = new Meta[n];
    for (int k = 0; k < n; k++) {
      Meta m = c.meta(c.arg(first + k));
      if (m != null && m.type() != RedisType.ZSET && m.type() != RedisType.SET) {
        throw RedisError.wrongType();
      }
      metas[k] = m;
    }
    return metas;
  }

  /**
   * The members of a sorted set with their scores, or of a set with score 1 (Redis combines both); empty if
   * missing. {@code m} is the key's metadata as {@link #checkTypes} read it.
   */
  private static Map<ByteBuffer, Double> input(Call c, byte[] key, Meta m) throws IOException {
    Map<ByteBuffer, Double> members = new LinkedHashMap<>();
    if (m != null && m.type() == RedisType.ZSET) {
      for (Entry e : ZSets.all(c, key, m)) {
        members.put(ByteBuffer.wrap(e.member()), e.score());
      }
    } else if (m != null) {
      for (byte[][] e : c.subs(c.db, key, m)) {
        members.put(ByteBuffer.wrap(e[0]), 1.0);
      }
    }
    return members;
  }

  /**
   * ZINTERCARD numkeys key ... [LIMIT limit]: how many members all the keys share, counted up to the limit
   * (0: no limit).
   */
  private static Reply zintercard(Call c) throws IOException {
    long numKeys = Numbers.parseLong(c.arg(1), Errors.NOT_INTEGER);
    if (numKeys < 1) {
      throw new RedisError("ERR at least 1 input key is needed for 'zintercard' command");
    }
    if (numKeys > c.argc() - 2) {
      throw Call.syntax();
    }
    Meta[] metas = checkTypes(c, 2, (int) numKeys);
    long limit = 0;
    for (int i = 2 + (int) numKeys; i < c.argc(); i++) {
      if (c.keyword(i).equals("LIMIT") && i + 1 < c.argc()) {
        limit = Numbers.parseLong(c.arg(++i), "ERR LIMIT can't be negative");
        if (limit < 0) {
          throw new RedisError("ERR LIMIT can't be negative");
        }
      } else {
        throw Call.syntax();
      }
    }
    List<Map<ByteBuffer, Double>> inputs = new ArrayList<>();
    for (int k = 0; k < numKeys; k++) {
      inputs.add(input(c, c.arg(2 + k), metas[k]));
    }
    inputs.sort(Comparator.comparingInt(Map::size));
    long shared = 0;
    for (ByteBuffer member : inputs.get(0).keySet()) {
      if (inputs.stream().allMatch(in -> in.containsKey(member)) && ++shared == limit) {
        break;
      }
    }
    return Reply.integer(shared);
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
    ZSets.store(c, c.arg(1), result);
    return Reply.integer(result.size());
  }

  private static Reply combineReply(Call c, char op) throws IOException {
    boolean withScores = c.keyword(c.argc() - 1).equals("WITHSCORES");
    return ZSetRangeCommands.reply(combine(c, 1, op, true), withScores);
  }
}
