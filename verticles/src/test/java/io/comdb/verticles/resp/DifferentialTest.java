package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random command sequences over every type ComDB implements go to a real redis-server and to
 * ComDB; every reply must be the same. A failure prints the seed and the commands that led to it; rerun
 * one seed with {@code -Ddiff.seed=N}.
 */
class DifferentialTest {
  private static final int SEQUENCES = Integer.getInteger("diff.sequences", 40);
  private static final int COMMANDS = 250;
  /** Replies whose order Redis does not define: compared sorted. */
  private static final Set<String> UNORDERED = Set.of("smembers", "sinter", "sunion", "sdiff", "hkeys", "hvals", "keys");

  @TempDir
  static Path dir;
  static RedisServerProcess redis;
  static ComDbResp comdb;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServerProcess.start(dir);
    comdb = ComDbResp.start(dir.resolve("comdb"), new JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    if (comdb != null) {
      comdb.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void randomSequencesGetRedisRepliesWordForWord() throws Exception {
    Long only = Long.getLong("diff.seed");
    try (RespClient r = new RespClient(redis.port); RespClient c = new RespClient(comdb.port)) {
      for (long seed = only == null ? 1 : only; seed <= (only == null ? SEQUENCES : only); seed++) {
        r.call("FLUSHALL");
        c.call("FLUSHALL");
        Random random = new Random(seed);
        List<String> done = new ArrayList<>();
        for (int i = 0; i < COMMANDS; i++) {
          List<String> command = Generator.next(random);
          done.add(String.join(" ", command));
          Object expected = normalize(command, r.call(command));
          Object actual = normalize(command, c.call(command));
          assertThat(actual)
              .as("seed %d, command %d: %s%nsequence:%n  %s", seed, i, String.join(" ", command), String.join("\n  ", done))
              .isEqualTo(expected);
        }
      }
    }
  }

  static Object normalize(List<String> command, Object reply) {
    String name = command.get(0).toLowerCase();
    if (reply instanceof List<?> list && UNORDERED.contains(name)) {
      List<Object> sorted = new ArrayList<>(list);
      sorted.sort(Comparator.comparing(String::valueOf));
      return sorted;
    }
    if (reply instanceof List<?> list && name.equals("hgetall")) {
      List<String> pairs = new ArrayList<>();
      for (int i = 0; i + 1 < list.size(); i += 2) {
        pairs.add(list.get(i) + "=" + list.get(i + 1));
      }
      pairs.sort(Comparator.naturalOrder());
      return pairs;
    }
    return reply;
  }

  /** Commands over a handful of keys, fields and members, so that they collide, overwrite and mismatch types. */
  static final class Generator {
    private static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4"};
    private static final String[] FIELDS = {"f0", "f1", "f2", "f3"};
    private static final String[] VALUES = {"", "0", "1", "-5", "10", "abc", "3.5", "9223372036854775807", "x y", "007", "1e3", " 1"};
    private static final List<Function<Random, List<String>>> COMMANDS = List.of(
        r -> List.of("SET", key(r), value(r)),
        r -> withOption(r, List.of("SET", key(r), value(r)), "NX", "XX", "GET", "KEEPTTL", "EX 100", "PX 100000", "EX 0", "EX -1", "EX abc", "NX XX"),
        r -> List.of("GET", key(r)),
        r -> List.of("SETNX", key(r), value(r)),
        r -> List.of("SETEX", key(r), pick(r, "100", "0", "-3", "x"), value(r)),
        r -> List.of("GETSET", key(r), value(r)),
        r -> List.of("GETDEL", key(r)),
        r -> List.of("GETEX", key(r), pick(r, "PERSIST", "EX", "PX")),
        r -> List.of("MGET", key(r), key(r), key(r)),
        r -> List.of("MSET", key(r), value(r), key(r), value(r)),
        r -> List.of("MSET", key(r), value(r), key(r)),
        r -> List.of("MSETNX", key(r), value(r), key(r), value(r)),
        r -> List.of("INCR", key(r)),
        r -> List.of("DECR", key(r)),
        r -> List.of("INCRBY", key(r), pick(r, "5", "-3", "x", "9223372036854775807", "")),
        r -> List.of("DECRBY", key(r), pick(r, "5", "-9223372036854775808", "1.5")),
        r -> List.of("INCRBYFLOAT", key(r), pick(r, "1.5", "-2", "0.1", "abc", "inf", "10")),
        r -> List.of("APPEND", key(r), value(r)),
        r -> List.of("STRLEN", key(r)),
        r -> List.of("GETRANGE", key(r), pick(r, "0", "1", "-1", "-3", "5", "x"), pick(r, "0", "2", "-1", "-2", "100")),
        r -> List.of("SETRANGE", key(r), pick(r, "0", "2", "5", "-1"), value(r)),
        r -> List.of("DEL", key(r), key(r)),
        r -> List.of("EXISTS", key(r), key(r), key(r)),
        r -> List.of("TYPE", key(r)),
        r -> List.of("EXPIRE", key(r), pick(r, "1000", "100000", "x")),
        r -> withOption(r, List.of("EXPIRE", key(r), "5000"), "NX", "XX", "GT", "LT", "NX XX", "GT LT", "FOO"),
        r -> List.of("EXPIRE", key(r), pick(r, "0", "-1")),
        r -> List.of("PERSIST", key(r)),
        r -> List.of("TTL", key(r)),
        r -> List.of("RENAME", key(r), key(r)),
        r -> List.of("RENAMENX", key(r), key(r)),
        r -> List.of("COPY", key(r), key(r)),
        r -> List.of("COPY", key(r), key(r), "REPLACE"),
        r -> List.of("HSET", key(r), field(r), value(r)),
        r -> List.of("HSET", key(r), field(r), value(r), field(r), value(r)),
        r -> List.of("HSET", key(r), field(r)),
        r -> List.of("HMSET", key(r), field(r), value(r)),
        r -> List.of("HSETNX", key(r), field(r), value(r)),
        r -> List.of("HGET", key(r), field(r)),
        r -> List.of("HMGET", key(r), field(r), field(r)),
        r -> List.of("HDEL", key(r), field(r), field(r)),
        r -> List.of("HEXISTS", key(r), field(r)),
        r -> List.of("HLEN", key(r)),
        r -> List.of("HSTRLEN", key(r), field(r)),
        r -> List.of("HGETALL", key(r)),
        r -> List.of("HKEYS", key(r)),
        r -> List.of("HVALS", key(r)),
        r -> List.of("HINCRBY", key(r), field(r), pick(r, "1", "-4", "x", "9223372036854775807")),
        r -> List.of("HINCRBYFLOAT", key(r), field(r), pick(r, "1.5", "-0.25", "x")),
        r -> List.of("SADD", key(r), field(r), field(r)),
        r -> List.of("SREM", key(r), field(r), field(r)),
        r -> List.of("SISMEMBER", key(r), field(r)),
        r -> List.of("SMISMEMBER", key(r), field(r), field(r)),
        r -> List.of("SMEMBERS", key(r)),
        r -> List.of("SCARD", key(r)),
        r -> List.of("SMOVE", key(r), key(r), field(r)),
        r -> List.of("SINTER", key(r), key(r)),
        r -> List.of("SUNION", key(r), key(r)),
        r -> List.of("SDIFF", key(r), key(r)),
        r -> List.of("SINTERSTORE", key(r), key(r), key(r)),
        r -> List.of("SUNIONSTORE", key(r), key(r), key(r)),
        r -> List.of("SDIFFSTORE", key(r), key(r), key(r)),
        r -> List.of("SINTERCARD", "2", key(r), key(r)),
        r -> List.of("SINTERCARD", pick(r, "0", "3", "x"), key(r), key(r)),
        r -> List.of("DBSIZE"),
        r -> List.of("KEYS", pick(r, "*", "k[0-2]", "k?", "*1", "h*")),
        r -> List.of("ECHO", value(r)),
        r -> List.of("PING"),
        r -> List.of("GET"),
        r -> List.of("NOSUCHCOMMAND", key(r)));

    static List<String> next(Random r) {
      return COMMANDS.get(r.nextInt(COMMANDS.size())).apply(r);
    }

    private static String key(Random r) {
      return KEYS[r.nextInt(KEYS.length)];
    }

    private static String field(Random r) {
      return FIELDS[r.nextInt(FIELDS.length)];
    }

    private static String value(Random r) {
      return VALUES[r.nextInt(VALUES.length)];
    }

    private static String pick(Random r, String... choices) {
      return choices[r.nextInt(choices.length)];
    }

    private static List<String> withOption(Random r, List<String> base, String... options) {
      List<String> command = new ArrayList<>(base);
      command.addAll(List.of(options[r.nextInt(options.length)].split(" ")));
      return command;
    }
  }
}
