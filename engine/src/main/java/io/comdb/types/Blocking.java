package io.comdb.types;

import java.util.List;

/**
 * The blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP, and XREAD and
 * XREADGROUP with BLOCK). Their handlers run like
 * the non-blocking ones; when there is nothing to take they answer {@link #WOULD_BLOCK}, and the connection
 * waits (up to the timeout) for a write to one of the keys, then runs the command again.
 */
public final class Blocking {
  /** The answer of a blocking command that found nothing: never sent to a client. */
  public static final Reply WOULD_BLOCK = new Reply.Simple("would block");

  private Blocking() {}

  /** The timeout argument of a blocking command, in milliseconds (0: forever). */
  public static long timeoutMillis(String command, List<byte[]> args) {
    if (command.equals("blmpop") || command.equals("bzmpop")) {
      MultiPop.parse(args, 2, command.equals("blmpop")); // Redis checks their other arguments first
    }
    if (command.equals("xread") || command.equals("xreadgroup")) {
      return StreamReads.timeoutMillis(args);
    }
    int i = switch (command) {
      case "blmove" -> 5;
      case "brpoplpush" -> 3;
      case "blmpop", "bzmpop" -> 1;
      default -> args.size() - 1;
    };
    return parse(args.get(i));
  }

  /** What a blocking command answers when its time runs out (or inside MULTI, where it never waits). */
  public static Reply timedOut(String command) {
    return command.equals("blmove") || command.equals("brpoplpush") ? Reply.NULL_BULK : Reply.NULL_ARRAY;
  }

  /** The keys a blocking command waits on. */
  public static List<byte[]> keys(String command, List<byte[]> args) {
    return switch (command) {
      case "blmove", "brpoplpush" -> List.of(args.get(1));
      case "xread", "xreadgroup" -> StreamReads.keys(args);
      case "blmpop", "bzmpop" -> Commands.lookup(args.get(0)).keys(args);
      default -> args.subList(1, args.size() - 1);
    };
  }

  /** Checks the timeout argument at {@code i}, as Redis does before looking at the keys. */
  static void timeout(Call c, int i) {
    parse(c.arg(i));
  }

  private static long parse(byte[] arg) {
    double seconds = Numbers.parseDouble(arg, Errors.TIMEOUT_NOT_FLOAT);
    if (seconds < 0) {
      throw new RedisError(Errors.TIMEOUT_NEGATIVE);
    }
    if (Double.isInfinite(seconds) || seconds * 1000 > Long.MAX_VALUE / 2) {
      throw new RedisError(Errors.TIMEOUT_NOT_FLOAT);
    }
    return (long) Math.ceil(seconds * 1000);
  }
}
