package io.comdb.types;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lists: metadata holds the head index and the length; element {@code i} is the sub-key at index
 * {@code head + i} (8 bytes, order-preserving), so both ends push and pop in O(1) and LINDEX, LSET and
 * LRANGE go straight to their elements. LINSERT, LREM and LPOS walk the list, as Redis's do.
 */
final class ListCommands {
  private ListCommands() {}

  static void register() {
    Commands.add("lpush", -3, "write denyoom fast", 1, 1, 1, c -> push(c, true, false));
    Commands.add("rpush", -3, "write denyoom fast", 1, 1, 1, c -> push(c, false, false));
    Commands.add("lpushx", -3, "write denyoom fast", 1, 1, 1, c -> push(c, true, true));
    Commands.add("rpushx", -3, "write denyoom fast", 1, 1, 1, c -> push(c, false, true));
    Commands.add("lpop", -2, "write fast", 1, 1, 1, c -> pop(c, true));
    Commands.add("rpop", -2, "write fast", 1, 1, 1, c -> pop(c, false));
    Commands.add("llen", 2, "readonly fast", 1, 1, 1, c -> {
      Meta m = c.meta(c.arg(1), RedisType.LIST);
      return Reply.integer(m == null ? 0 : m.size());
    });
    Commands.add("lindex", 3, "readonly", 1, 1, 1, ListCommands::lindex);
    Commands.add("lrange", 4, "readonly", 1, 1, 1, ListCommands::lrange);
    Commands.add("lset", 4, "write denyoom", 1, 1, 1, ListCommands::lset);
    Commands.add("linsert", 5, "write denyoom", 1, 1, 1, ListCommands::linsert);
    Commands.add("lrem", 4, "write", 1, 1, 1, ListCommands::lrem);
    Commands.add("ltrim", 4, "write", 1, 1, 1, ListCommands::ltrim);
    Commands.add("lpos", -3, "readonly", 1, 1, 1, ListCommands::lpos);
    Commands.add("lmove", 5, "write denyoom", 1, 2, 1, ListCommands::lmove);
    Commands.add("rpoplpush", 3, "write denyoom", 1, 2, 1, c -> move(c, c.arg(1), c.arg(2), false, true));
    Commands.add("blpop", -3, "write noscript blocking", 1, -2, 1, c -> blockingPop(c, true));
    Commands.add("brpop", -3, "write noscript blocking", 1, -2, 1, c -> blockingPop(c, false));
    Commands.add("blmove", 6, "write denyoom noscript blocking", 1, 2, 1, ListCommands::blmove);
    Commands.add("lmpop", -4, "write movablekeys", 0, 0, 0, MultiPop.command(true, ListCommands::multiPopped));
    Commands.add("blmpop", -5, "write blocking movablekeys", 0, 0, 0, MultiPop.blocking(true, ListCommands::multiPopped));
    Commands.add("brpoplpush", 4, "write denyoom noscript blocking", 1, 2, 1, c -> {
      Blocking.timeout(c, 3);
      Reply r = move(c, c.arg(1), c.arg(2), false, true);
      return r == Reply.NULL_BULK ? Blocking.WOULD_BLOCK : r;
    });
  }

  static byte[] index(long i) {
    return ByteBuffer.allocate(8).putLong(i ^ Long.MIN_VALUE).array();
  }

  private static byte[] element(Call c, byte[] key, Meta m, long i) throws IOException {
    return c.sub(c.db, key, m, index(m.head() + i));
  }

  /** All elements, in order. */
  static List<byte[]> all(Call c, byte[] key, Meta m) throws IOException {
    List<byte[]> out = new ArrayList<>((int) Math.min(m.size(), 1 << 16));
    for (byte[][] e : c.subs(c.db, key, m)) {
      out.add(e[1]);
    }
    return out;
  }

  private static Reply push(Call c, boolean left, boolean onlyIfExists) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.LIST);
    if (m == null && onlyIfExists) {
      return Reply.ZERO;
    }
    if (m == null) {
      m = Meta.collection(RedisType.LIST, c.newVersion(), 0, 0);
    }
    long head = m.head();
    long size = m.size();
    for (int i = 2; i < c.argc(); i++) {
      if (left) {
        head--;
        c.batch().putSub(c.db, key, m, index(head), c.arg(i));
      } else {
        c.batch().putSub(c.db, key, m, index(head + size), c.arg(i));
      }
      size++;
    }
    c.batch().putMeta(c.db, key, m.withHead(head, size));
    return Reply.integer(size);
  }

  /** Removes up to {@code count} elements from one end; returns them in pop order. */
  static List<byte[]> popSome(Call c, byte[] key, Meta m, boolean left, long count) throws IOException {
    List<byte[]> popped = new ArrayList<>();
    long head = m.head();
    long size = m.size();
    while (popped.size() < count && size > 0) {
      long at = left ? head : head + size - 1;
      byte[] idx = index(at);
      popped.add(c.sub(c.db, key, m, idx));
      c.batch().deleteSub(c.db, key, m, idx);
      if (left) {
        head++;
      }
      size--;
    }
    if (size == 0) {
      c.batch().deleteKey(c.db, key, m);
    } else {
      c.batch().putMeta(c.db, key, m.withHead(head, size));
    }
    return popped;
  }

  private static Reply pop(Call c, boolean left) throws IOException {
    if (c.argc() > 3) {
      throw new RedisError(Errors.wrongArity(c.name)); // LPOP and RPOP, unlike SPOP, count this as arity
    }
    Long count = c.popCount();
    Meta m = c.meta(c.arg(1), RedisType.LIST);
    if (m == null) {
      return count == null ? Reply.NULL_BULK : Reply.NULL_ARRAY;
    }
    if (count == null) {
      return Reply.bulk(popSome(c, c.arg(1), m, left, 1).get(0));
    }
    if (count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    return Reply.bulks(popSome(c, c.arg(1), m, left, count));
  }

  private static Reply lindex(Call c) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.LIST); // as Redis: the key before the index
    if (m == null) {
      return Reply.NULL_BULK;
    }
    long i = c.longArg(2);
    if (i < 0) {
      i += m.size();
    }
    return i < 0 || i >= m.size() ? Reply.NULL_BULK : Reply.bulk(element(c, c.arg(1), m, i));
  }

  private static Reply lrange(Call c) throws IOException {
    long start = c.longArg(2);
    long stop = c.longArg(3);
    Meta m = c.meta(c.arg(1), RedisType.LIST);
    if (m == null) {
      return Reply.EMPTY_ARRAY;
    }
    long[] range = range(start, stop, m.size());
    List<byte[]> out = new ArrayList<>();
    for (long i = range[0]; i <= range[1]; i++) {
      out.add(element(c, c.arg(1), m, i));
    }
    return Reply.bulks(out);
  }

  /** Redis's start/stop normalization: {start, stop} inclusive, or start > stop for an empty range. */
  static long[] range(long start, long stop, long size) {
    if (start < 0) {
      start = Math.max(size + start, 0);
    }
    if (stop < 0) {
      stop = size + stop;
    }
    if (stop >= size) {
      stop = size - 1;
    }
    return start > stop || start >= size ? new long[] {0, -1} : new long[] {start, stop};
  }

  private static Reply lset(Call c) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.LIST);
    if (m == null) {
      throw new RedisError(Errors.NO_SUCH_KEY);
    }
    long i = c.longArg(2); // after the lookup, as Redis reads it
    if (i < 0) {
      i += m.size();
    }
    if (i < 0 || i >= m.size()) {
      throw new RedisError(Errors.INDEX_OUT_OF_RANGE);
    }
    c.batch().putSub(c.db, c.arg(1), m, index(m.head() + i), c.arg(3));
    c.batch().putMeta(c.db, c.arg(1), m); // touches the key for WATCH; same record
    return Reply.OK;
  }

  /** Replaces the whole list with {@code elements} (a new version), or deletes it when empty. */
  private static void rewrite(Call c, byte[] key, Meta m, List<byte[]> elements) throws IOException {
    c.batch().deleteKey(c.db, key, m);
    if (elements.isEmpty()) {
      return;
    }
    Meta next = Meta.collection(RedisType.LIST, c.newVersion(), m.expireAt(), elements.size());
    for (int i = 0; i < elements.size(); i++) {
      c.batch().putSub(c.db, key, next, index(i), elements.get(i));
    }
    c.batch().putMeta(c.db, key, next);
  }

  private static Reply linsert(Call c) throws IOException {
    String where = c.keyword(2);
    if (!where.equals("BEFORE") && !where.equals("AFTER")) {
      throw Call.syntax();
    }
    Meta m = c.meta(c.arg(1), RedisType.LIST);
    if (m == null) {
      return Reply.ZERO;
    }
    List<byte[]> elements = all(c, c.arg(1), m);
    for (int i = 0; i < elements.size(); i++) {
      if (Arrays.equals(elements.get(i), c.arg(3))) {
        elements.add(where.equals("BEFORE") ? i : i + 1, c.arg(4));
        rewrite(c, c.arg(1), m, elements);
        return Reply.integer(elements.size());
      }
    }
    return Reply.integer(-1);
  }

  private static Reply lrem(Call c) throws IOException {
    long count = c.longArg(2);
    Meta m = c.meta(c.arg(1), RedisType.LIST);
    if (m == null) {
      return Reply.ZERO;
    }
    List<byte[]> elements = all(c, c.arg(1), m);
    int removed = 0;
    if (count >= 0) {
      for (int i = 0; i < elements.size() && (count == 0 || removed < count); ) {
        if (Arrays.equals(elements.get(i), c.arg(3))) {
          elements.remove(i);
          removed++;
        } else {
          i++;
        }
      }
    } else {
      for (int i = elements.size() - 1; i >= 0 && removed < -count; i--) {
        if (Arrays.equals(elements.get(i), c.arg(3))) {
          elements.remove(i);
          removed++;
        }
      }
    }
    if (removed > 0) {
      rewrite(c, c.arg(1), m, elements);
    }
    return Reply.integer(removed);
  }

  private static Reply ltrim(Call c) throws IOException {
    long start = c.longArg(2);
    long stop = c.longArg(3);
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.LIST);
    if (m == null) {
      return Reply.OK;
    }
    long[] keep = range(start, stop, m.size());
    if (keep[0] > keep[1]) {
      c.batch().deleteKey(c.db, key, m);
      return Reply.OK;
    }
    for (long i = 0; i < keep[0]; i++) {
      c.batch().deleteSub(c.db, key, m, index(m.head() + i));
    }
    for (long i = keep[1] + 1; i < m.size(); i++) {
      c.batch().deleteSub(c.db, key, m, index(m.head() + i));
    }
    long size = keep[1] - keep[0] + 1;
    if (size != m.size()) {
      c.batch().putMeta(c.db, key, m.withHead(m.head() + keep[0], size));
    }
    return Reply.OK;
  }

  private static Reply lpos(Call c) throws IOException {
    long rank = 1;
    Long count = null;
    long maxlen = 0;
    for (int i = 3; i < c.argc(); i++) {
      String opt = c.keyword(i);
      if (i + 1 >= c.argc()) {
        throw Call.syntax();
      }
      switch (opt) {
        case "RANK" -> {
          rank = c.longArg(++i);
          if (rank == 0 || rank == Long.MIN_VALUE) {
            throw new RedisError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
          }
        }
        case "COUNT" -> {
          count = Numbers.parseLong(c.arg(++i), "ERR COUNT can't be negative"); // Redis's text for both cases
          if (count < 0) {
            throw new RedisError("ERR COUNT can't be negative");
          }
        }
        case "MAXLEN" -> {
          maxlen = Numbers.parseLong(c.arg(++i), "ERR MAXLEN can't be negative");
          if (maxlen < 0) {
            throw new RedisError("ERR MAXLEN can't be negative");
          }
        }
        default -> throw Call.syntax();
      }
    }
    Meta m = c.meta(c.arg(1), RedisType.LIST);
    if (m == null) {
      return count == null ? Reply.NULL_BULK : Reply.EMPTY_ARRAY;
    }
    List<byte[]> elements = all(c, c.arg(1), m);
    List<Reply> found = new ArrayList<>();
    long skip = Math.abs(rank) - 1;
    int n = elements.size();
    for (int step = 0; step < n && (maxlen == 0 || step < maxlen); step++) {
      int i = rank > 0 ? step : n - 1 - step;
      if (Arrays.equals(elements.get(i), c.arg(2))) {
        if (skip > 0) {
          skip--;
          continue;
        }
        found.add(Reply.integer(i));
        if (count == null || count != 0 && found.size() >= count) {
          break;
        }
      }
    }
    if (count == null) {
      return found.isEmpty() ? Reply.NULL_BULK : found.get(0);
    }
    return Reply.array(found);
  }

  private static Reply lmove(Call c) throws IOException {
    boolean fromLeft = side(c, 3);
    boolean toLeft = side(c, 4);
    return move(c, c.arg(1), c.arg(2), fromLeft, toLeft);
  }

  private static boolean side(Call c, int i) {
    String s = c.keyword(i);
    if (s.equals("LEFT")) {
      return true;
    }
    if (s.equals("RIGHT")) {
      return false;
    }
    throw Call.syntax();
  }

  /** LMOVE: pops from one list, pushes onto another (possibly the same). */
  static Reply move(Call c, byte[] from, byte[] to, boolean fromLeft, boolean toLeft) throws IOException {
    Meta source = c.meta(from, RedisType.LIST);
    if (source == null) {
      return Reply.NULL_BULK;
    }
    Meta target = c.meta(to, RedisType.LIST); // type-checked before anything moves
    if (Arrays.equals(from, to)) {
      if (source.size() == 1) {
        return Reply.bulk(element(c, from, source, 0));
      }
      List<byte[]> elements = all(c, from, source);
      byte[] moved = fromLeft ? elements.remove(0) : elements.remove(elements.size() - 1);
      if (toLeft) {
        elements.add(0, moved);
      } else {
        elements.add(moved);
      }
      rewrite(c, from, source, elements);
      return Reply.bulk(moved);
    }
    byte[] moved = popSome(c, from, source, fromLeft, 1).get(0);
    Meta t = target != null ? target : Meta.collection(RedisType.LIST, c.newVersion(), 0, 0);
    long head = toLeft ? t.head() - 1 : t.head();
    c.batch().putSub(c.db, to, t, index(toLeft ? head : t.head() + t.size()), moved);
    c.batch().putMeta(c.db, to, t.withHead(head, t.size() + 1));
    return Reply.bulk(moved);
  }

  /** BLPOP / BRPOP when an element is there: the first non-empty key's first element. */
  private static Reply blockingPop(Call c, boolean left) throws IOException {
    Blocking.timeout(c, c.argc() - 1);
    for (int i = 1; i < c.argc() - 1; i++) {
      Meta m = c.meta(c.arg(i), RedisType.LIST);
      if (m != null) {
        return Reply.array(List.of(Reply.bulk(c.arg(i)), Reply.bulk(popSome(c, c.arg(i), m, left, 1).get(0))));
      }
    }
    return Blocking.WOULD_BLOCK;
  }

  /** LMPOP's elements: up to {@code count} of the list's, from the side it names. */
  private static Reply multiPopped(Call c, byte[] key, Meta m, MultiPop pop) throws IOException {
    return Reply.bulks(popSome(c, key, m, pop.fromFirst(), pop.count()));
  }

  private static Reply blmove(Call c) throws IOException {
    boolean fromLeft = side(c, 3);
    boolean toLeft = side(c, 4);
    Blocking.timeout(c, 5);
    Reply r = move(c, c.arg(1), c.arg(2), fromLeft, toLeft);
    return r == Reply.NULL_BULK ? Blocking.WOULD_BLOCK : r;
  }
}
