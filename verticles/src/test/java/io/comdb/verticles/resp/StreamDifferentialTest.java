package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Streams against a real redis-server: seeded sequences, replies compared word for word (see {@link DifferentialTest}). */
class StreamDifferentialTest extends AgainstRedisServer {
  /**
   * Seeded random sequences of stream commands (entries, ranges, trimming, consumer groups, pending
   * entries, claims, XINFO) with explicit IDs: every reply the same as redis-server's, once idle times
   * (which depend on the moment) are set aside and XINFO STREAM's two radix-tree fields (Redis's memory
   * layout, which ComDB does not have) are dropped.
   */
  @Test
  void streamsAsRedis() throws Exception {
    Long only = Long.getLong("diff.seed");
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      for (long seed = only == null ? 1 : only; seed <= (only == null ? 25 : only); seed++) {
        r.call("FLUSHALL");
        c.call("FLUSHALL");
        Random random = new Random(seed);
        long[] clock = {1};
        List<String> done = new ArrayList<>();
        for (List<String> setup : List.of(List.of("XADD", "s1", "1-1", "f", "v"), List.of("XADD", "s2", "1-1", "f", "v"),
            List.of("XGROUP", "CREATE", "s1", "g1", "0"), List.of("XGROUP", "CREATE", "s1", "g2", "$"), List.of("XGROUP", "CREATE", "s2", "g1", "0"))) {
          r.call(setup);
          c.call(setup);
        }
        for (int i = 0; i < 250; i++) {
          List<String> command = streamCommand(random, clock);
          done.add(String.join(" ", command));
          Object expected = streamReply(command, r.call(command));
          Object actual = streamReply(command, c.call(command));
          assertThat(actual).as("seed %d, command %d: %s%nsequence:%n  %s", seed, i, String.join(" ", command), String.join("\n  ", done))
              .isEqualTo(expected);
        }
        for (String key : List.of("s1", "s2")) {
          for (List<String> look : List.of(List.of("XRANGE", key, "-", "+"), List.of("XINFO", "GROUPS", key), List.of("XINFO", "STREAM", key))) {
            assertThat(streamReply(look, c.call(look))).as("seed %d: %s", seed, look).isEqualTo(streamReply(look, r.call(look)));
          }
        }
      }
    }
  }

  private static List<String> streamCommand(Random r, long[] clock) {
    String key = r.nextInt(10) == 0 ? DifferentialTest.Generator.pick(r, "str", "none") : DifferentialTest.Generator.pick(r, "s1", "s1", "s2");
    String group = r.nextInt(8) == 0 ? "gx" : DifferentialTest.Generator.pick(r, "g1", "g1", "g2");
    String consumer = DifferentialTest.Generator.pick(r, "c1", "c2", "c3");
    // IDs near the ones added: the clock moves on by 0 to 2 at each XADD.
    String id = Math.max(1, clock[0] - r.nextInt(8)) + "-" + r.nextInt(3);
    String id2 = Math.max(1, clock[0] - r.nextInt(8)) + DifferentialTest.Generator.pick(r, "-0", "-2", "", "", "-x");
    String bound = DifferentialTest.Generator.pick(r, "-", "-", "+", id, "(" + id, id2, "(-");
    List<String> command = new ArrayList<>();
    int pick = r.nextInt(30);
    if (pick < 8) {
      clock[0] += r.nextInt(3);
      String given = r.nextInt(10) == 0 ? DifferentialTest.Generator.pick(r, "0-0", "x", id) : clock[0] + DifferentialTest.Generator.pick(r, "-*", "-*", "-" + r.nextInt(3));
      command.addAll(List.of("XADD", key));
      if (r.nextInt(4) == 0) {
        command.addAll(List.of(DifferentialTest.Generator.pick(r, "MAXLEN", "MINID", "MAXLEN", "NOMKSTREAM", "LIMIT"), DifferentialTest.Generator.pick(r, "=", "5", "8"),
            DifferentialTest.Generator.pick(r, "6", id, "4")));
      }
      command.addAll(List.of(given, "f", "v" + r.nextInt(9)));
      if (r.nextBoolean()) {
        command.addAll(List.of("g", Integer.toString(r.nextInt(100))));
      }
      return command;
    }
    switch (pick) {
      case 8 -> command.addAll(List.of("XRANGE", key, bound, DifferentialTest.Generator.pick(r, "+", "+", id, "(" + id2), "COUNT", DifferentialTest.Generator.pick(r, "3", "100")));
      case 9 -> command.addAll(List.of("XREVRANGE", key, DifferentialTest.Generator.pick(r, "+", id), bound, "COUNT", DifferentialTest.Generator.pick(r, "2", "0", "-1", "x")));
      case 10 -> command.addAll(List.of("XLEN", key));
      case 11 -> command.addAll(List.of("XDEL", key, id, DifferentialTest.Generator.pick(r, id2, id)));
      case 12 -> command.addAll(List.of("XTRIM", key, DifferentialTest.Generator.pick(r, "MAXLEN", "MINID", "MAXLEN", "LIMIT"), DifferentialTest.Generator.pick(r, "=", "6", id),
          DifferentialTest.Generator.pick(r, "5", id, "10")));
      case 13 -> command.addAll(List.of("XREAD", "COUNT", DifferentialTest.Generator.pick(r, "2", "5"), "STREAMS", key, DifferentialTest.Generator.pick(r, "0", id, "$", "+")));
      case 14 -> command.addAll(List.of("XREAD", "STREAMS", "s1", "s2", DifferentialTest.Generator.pick(r, "0", id), DifferentialTest.Generator.pick(r, "0", id, "$")));
      case 15 -> command.addAll(List.of("XGROUP", "CREATE", key, group, DifferentialTest.Generator.pick(r, "0", "$", id, "-"),
          DifferentialTest.Generator.pick(r, "MKSTREAM", "ENTRIESREAD", "MKSTREAM"), DifferentialTest.Generator.pick(r, "3", "MKSTREAM", "-1")));
      case 16 -> command.addAll(List.of("XGROUP", DifferentialTest.Generator.pick(r, "SETID", "SETID", "DESTROY", "CREATECONSUMER", "DELCONSUMER", "NOPE"), key,
          group, DifferentialTest.Generator.pick(r, "0", "$", id, consumer)));
      case 17, 18, 19, 20 -> command.addAll(List.of("XREADGROUP", "GROUP", group, consumer, "COUNT", DifferentialTest.Generator.pick(r, "1", "3", "10"),
          DifferentialTest.Generator.pick(r, "STREAMS", "STREAMS", "NOACK"), key, DifferentialTest.Generator.pick(r, ">", ">", ">", "0", id, "$")));
      case 21, 22 -> command.addAll(List.of("XACK", key, group, id, DifferentialTest.Generator.pick(r, id2, id, "1-0")));
      case 23 -> command.addAll(List.of("XPENDING", key, group));
      case 24 -> command.addAll(List.of("XPENDING", key, group, DifferentialTest.Generator.pick(r, "-", "-", id, "IDLE"), DifferentialTest.Generator.pick(r, "+", "+", "0", id2),
          DifferentialTest.Generator.pick(r, "10", "+", "2"), DifferentialTest.Generator.pick(r, consumer, "5", "10")));
      case 25 -> command.addAll(List.of("XCLAIM", key, group, consumer, "0", id, id2, DifferentialTest.Generator.pick(r, "JUSTID", "FORCE", "RETRYCOUNT", id2),
          DifferentialTest.Generator.pick(r, "3", "JUSTID", "LASTID")));
      case 26 -> command.addAll(List.of("XAUTOCLAIM", key, group, consumer, "0", DifferentialTest.Generator.pick(r, "0-0", id, "(" + id, "-"),
          "COUNT", DifferentialTest.Generator.pick(r, "1", "3", "0"), DifferentialTest.Generator.pick(r, "JUSTID", "COUNT")));
      case 27 -> command.addAll(List.of("XINFO", DifferentialTest.Generator.pick(r, "GROUPS", "CONSUMERS", "STREAM", "NOPE"), key, group));
      case 28 -> command.addAll(List.of("XINFO", DifferentialTest.Generator.pick(r, "GROUPS", "STREAM"), key));
      default -> command.addAll(List.of("XSETID", key, DifferentialTest.Generator.pick(r, id, (clock[0] + 5) + "-0", "0-0"),
          DifferentialTest.Generator.pick(r, "ENTRIESADDED", "MAXDELETEDID"), DifferentialTest.Generator.pick(r, "100", id, "-1")));
    }
    if (key.equals("str") && r.nextBoolean()) {
      return List.of("SET", "str", "a string"); // so that the string exists for the WRONGTYPE cases
    }
    return command;
  }

  /** A stream command's reply with what depends on the moment (idle times) or on Redis's memory layout set aside. */
  /** Each row of {@code rows} with its idle time (at {@code index}) set aside: it is a clock's, not a result. */
  private static List<Object> idleAt(List<?> rows, int index) {
    List<Object> out = new ArrayList<>();
    for (Object row : rows) {
      List<Object> fields = new ArrayList<>((List<?>) row);
      fields.set(index, "idle");
      out.add(fields);
    }
    return out;
  }

  private static Object streamReply(List<String> command, Object reply) {
    String name = String.join(" ", command.subList(0, Math.min(2, command.size()))).toUpperCase();
    if (!(reply instanceof List<?> list)) {
      return reply;
    }
    if (name.startsWith("XPENDING") && command.size() > 3) {
      return idleAt(list, 2);
    }
    if (name.equals("XINFO CONSUMERS")) {
      return idleAt(list, 5);
    }
    if (name.equals("XINFO STREAM")) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i + 1 < list.size(); i += 2) {
        if (!String.valueOf(list.get(i)).startsWith("radix-tree")) {
          out.add(list.get(i));
          out.add(list.get(i + 1));
        }
      }
      return out;
    }
    return reply;
  }
}
