package io.comdb.types;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** HSCAN / SSCAN / ZSCAN, and the random picks of HRANDFIELD / SRANDMEMBER / ZRANDMEMBER. */
final class Scans {
  private Scans() {}

  /**
   * Scans a collection's members in order; the cursor is the position of the next member (0: done).
   *
   * @param pairs whether each member is followed by its value (hash values, sorted-set scores)
   */
  static Reply scan(Call c, RedisType type, boolean pairs) throws IOException {
    long cursor = cursor(c.arg(2));
    // As Redis: the key is looked up before the options are read.
    Meta m = c.meta(c.arg(1), type);
    if (m == null) {
      return Reply.array(List.of(Reply.bulk("0"), Reply.EMPTY_ARRAY));
    }
    byte[] pattern = null;
    long count = 10;
    for (int i = 3; i < c.argc(); i++) {
      String opt = c.keyword(i);
      if (i + 1 >= c.argc()) {
        throw Call.syntax();
      }
      if (opt.equals("MATCH")) {
        pattern = c.arg(++i);
      } else if (opt.equals("COUNT")) {
        count = c.longArg(++i);
        if (count < 1) {
          throw Call.syntax();
        }
      } else {
        throw Call.syntax();
      }
    }
    List<byte[][]> all = c.subs(c.db, c.arg(1), m);
    int from = (int) Math.min(Math.max(cursor, 0), all.size());
    int to = (int) Math.min(all.size(), from + count);
    List<Reply> out = new ArrayList<>();
    for (byte[][] e : all.subList(from, to)) {
      if (pattern != null && !Glob.matches(pattern, e[0])) {
        continue;
      }
      out.add(Reply.bulk(e[0]));
      if (pairs) {
        out.add(type == RedisType.ZSET ? Reply.bulk(Numbers.formatDouble(java.nio.ByteBuffer.wrap(e[1]).getDouble())) : Reply.bulk(e[1]));
      }
    }
    return Reply.array(List.of(Reply.bulk(Long.toString(to >= all.size() ? 0 : to)), Reply.array(out)));
  }

  /** A SCAN cursor as Redis's strtoul reads it: an empty one is 0. */
  static long cursor(byte[] text) {
    return text.length == 0 ? 0 : Numbers.parseLong(text, "ERR invalid cursor");
  }

  /** {@code count} > 0: that many distinct elements at most; < 0: exactly -count, repeats allowed. */
  static <T> List<T> random(List<T> all, long count) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    if (count < 0) {
      long n = -count;
      if (n > 10_000_000) {
        throw new RedisError(Errors.NOT_INTEGER);
      }
      List<T> out = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++) {
        out.add(all.get(r.nextInt(all.size())));
      }
      return out;
    }
    List<T> copy = new ArrayList<>(all);
    if (count < copy.size()) {
      Collections.shuffle(copy, r);
      return copy.subList(0, (int) count);
    }
    return copy;
  }
}
