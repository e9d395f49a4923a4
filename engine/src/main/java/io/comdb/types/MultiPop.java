package io.comdb.types;

import java.io.IOException;
import java.util.List;

/**
 * The arguments of LMPOP, BLMPOP, ZMPOP and BZMPOP: {@code numkeys key [key ...] LEFT|RIGHT} (MIN|MAX for
 * sorted sets) {@code [COUNT count]}, checked in Redis's order and with its texts.
 *
 * @param firstKey where the keys start
 * @param keyCount how many keys there are
 * @param fromFirst LEFT (or MIN): take from the start
 * @param count how many elements to take from the first key that has some (1 without COUNT)
 */
record MultiPop(int firstKey, int keyCount, boolean fromFirst, long count) {
  /** Parses the arguments of a list's ({@code lists}) or a sorted set's command, whose {@code numkeys} is at {@code numKeysAt}. */
  static MultiPop parse(List<byte[]> args, int numKeysAt, boolean lists) {
    String first = lists ? "LEFT" : "MIN";
    long numKeys = atLeastOne(args.get(numKeysAt), "ERR numkeys should be greater than 0");
    if (numKeys > args.size() - numKeysAt - 2) {
      throw Call.syntax(); // no room for the end's word after the keys
    }
    int whereAt = numKeysAt + 1 + (int) numKeys;
    String where = Call.keyword(args.get(whereAt));
    if (!where.equals(first) && !where.equals(lists ? "RIGHT" : "MAX")) {
      throw Call.syntax();
    }
    long count = -1;
    for (int i = whereAt + 1; i < args.size(); i++) {
      if (count == -1 && Call.keyword(args.get(i)).equals("COUNT") && i + 1 < args.size()) {
        count = atLeastOne(args.get(++i), "ERR count should be greater than 0");
      } else {
        throw Call.syntax();
      }
    }
    return new MultiPop(numKeysAt + 1, (int) numKeys, where.equals(first), count == -1 ? 1 : count);
  }

  /** Takes what {@code args} asks for from {@code key}, a list or sorted set as the command's type: the reply of what it took. */
  @FunctionalInterface
  interface Pop {
    Reply run(Call c, byte[] key, Meta m, MultiPop args) throws IOException;
  }

  /** LMPOP's or ZMPOP's handler. */
  static CommandSpec.Handler command(boolean lists, Pop pop) {
    return c -> popFirst(c, parse(c.args, 1, lists), lists, pop);
  }

  /** BLMPOP's or BZMPOP's handler: its timeout first, then the same as {@link #command}, or wait. */
  static CommandSpec.Handler blocking(boolean lists, Pop pop) {
    return c -> {
      MultiPop args = parse(c.args, 2, lists);
      Blocking.timeout(c, 1);
      Reply r = popFirst(c, args, lists, pop);
      return r == Reply.NULL_ARRAY ? Blocking.WOULD_BLOCK : r;
    };
  }

  /** The first of the keys that is of the command's type, with what {@code pop} took from it; {@link Reply#NULL_ARRAY} if none is. */
  private static Reply popFirst(Call c, MultiPop args, boolean lists, Pop pop) throws IOException {
    RedisType type = lists ? RedisType.LIST : RedisType.ZSET;
    for (int i = args.firstKey; i < args.firstKey + args.keyCount; i++) {
      Meta m = c.meta(c.arg(i), type);
      if (m != null) {
        return Reply.array(List.of(Reply.bulk(c.arg(i)), pop.run(c, c.arg(i), m, args)));
      }
    }
    return Reply.NULL_ARRAY;
  }

  private static long atLeastOne(byte[] arg, String error) {
    Long n = Numbers.tryParseLong(arg);
    if (n == null || n < 1) {
      throw new RedisError(error);
    }
    return n;
  }
}
