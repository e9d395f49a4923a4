package io.comdb.types;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

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
    String where = keyword(args, whereAt);
    if (!where.equals(first) && !where.equals(lists ? "RIGHT" : "MAX")) {
      throw Call.syntax();
    }
    long count = -1;
    for (int i = whereAt + 1; i < args.size(); i++) {
      if (count == -1 && keyword(args, i).equals("COUNT") && i + 1 < args.size()) {
        count = atLeastOne(args.get(++i), "ERR count should be greater than 0");
      } else {
        throw Call.syntax();
      }
    }
    return new MultiPop(numKeysAt + 1, (int) numKeys, where.equals(first), count == -1 ? 1 : count);
  }

  /** Takes from the first of the keys that has elements, or answers {@link Reply#NULL_ARRAY}. */
  @FunctionalInterface
  interface Pop {
    Reply run(Call c, MultiPop args) throws java.io.IOException;
  }

  /** LMPOP's or ZMPOP's handler. */
  static CommandSpec.Handler command(boolean lists, Pop pop) {
    return c -> pop.run(c, parse(c.args, 1, lists));
  }

  /** BLMPOP's or BZMPOP's handler: its timeout first, then the same as {@link #command}, or wait. */
  static CommandSpec.Handler blocking(boolean lists, Pop pop) {
    return c -> {
      MultiPop args = parse(c.args, 2, lists);
      Blocking.timeout(c, 1);
      Reply r = pop.run(c, args);
      return r == Reply.NULL_ARRAY ? Blocking.WOULD_BLOCK : r;
    };
  }

  private static String keyword(List<byte[]> args, int i) {
    return new String(args.get(i), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
  }

  private static long atLeastOne(byte[] arg, String error) {
    Long n = Numbers.tryParseLong(arg);
    if (n == null || n < 1) {
      throw new RedisError(error);
    }
    return n;
  }
}
