package io.comdb.config;

import java.util.Locale;

/**
 * Redis's {@code client-output-buffer-limit} for the classes ComDB has: {@code normal} clients and
 * {@code pubsub} subscribers. A client whose unsent replies pass {@code hard} bytes, or stay above
 * {@code soft} bytes for {@code softSeconds}, is closed; 0 turns a limit off. The text form is Redis's,
 * {@code "normal 0 0 0 pubsub 32mb 8mb 60"}; {@code replica}/{@code slave} are accepted and kept, as ComDB
 * has no Redis replicas.
 */
public record OutputBufferLimits(Limit normal, Limit replica, Limit pubsub) {
  /** Redis 7.0's defaults. */
  public static final OutputBufferLimits DEFAULTS =
      new OutputBufferLimits(new Limit(0, 0, 0), new Limit(256L << 20, 64L << 20, 60), new Limit(32L << 20, 8L << 20, 60));

  /** One class's limits, in bytes and seconds. */
  public record Limit(long hard, long soft, long softSeconds) {}

  /**
   * Applies Redis's text form (one or more {@code class hard soft seconds} groups) to these limits.
   *
   * @throws IllegalArgumentException with Redis's reason, when the text is not of that form
   */
  public OutputBufferLimits with(String text) {
    String[] words = text.trim().isEmpty() ? new String[0] : text.trim().split("\\s+");
    if (words.length % 4 != 0) {
      throw new IllegalArgumentException("Wrong number of arguments in buffer limit configuration.");
    }
    Limit n = normal;
    Limit r = replica;
    Limit p = pubsub;
    for (int i = 0; i < words.length; i += 4) {
      long hard = Memory.parse(words[i + 1]);
      long soft = Memory.parse(words[i + 2]);
      long seconds;
      try {
        seconds = Long.parseLong(words[i + 3]);
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      if (hard < 0 || soft < 0 || seconds < 0) {
        throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      Limit limit = new Limit(hard, soft, seconds);
      switch (words[i].toLowerCase(Locale.ROOT)) {
        case "normal" -> n = limit;
        case "replica", "slave" -> r = limit;
        case "pubsub" -> p = limit;
        default -> throw new IllegalArgumentException("Invalid client class specified in buffer limit configuration.");
      }
    }
    return new OutputBufferLimits(n, r, p);
  }

  /** Redis's CONFIG GET form, in bytes. */
  @Override
  public String toString() {
    return "normal " + text(normal) + " slave " + text(replica) + " pubsub " + text(pubsub);
  }

  private static String text(Limit l) {
    return l.hard + " " + l.soft + " " + l.softSeconds;
  }

  /** Redis's memory sizes ({@code memtoull}): a number with an optional b, k, kb, m, mb, g or gb unit. */
  public static final class Memory {
    private Memory() {}

    /** The size in bytes, or -1 if the text is not one. */
    public static long parse(String text) {
      String s = text.toLowerCase(Locale.ROOT);
      long unit = 1;
      String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"}, {"m", "1000000"},
          {"k", "1000"}, {"b", "1"}};
      for (String[] u : units) {
        if (s.endsWith(u[0])) {
          unit = Long.parseLong(u[1]);
          s = s.substring(0, s.length() - u[0].length());
          break;
        }
      }
      if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
        return -1;
      }
      try {
        return Math.multiplyExact(Long.parseLong(s), unit);
      } catch (ArithmeticException | NumberFormatException e) {
        return -1;
      }
    }
  }
}
