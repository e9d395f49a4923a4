package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Seeded random command sequences over every type ComDB implements go to a real redis-server and to
 * ComDB; every reply must be the same. A failure prints the seed and the commands that led to it; rerun
 * one seed with {@code -Ddiff.seed=N}.
 */
class DifferentialTest extends AgainstRedisServer {
  private static final int SEQUENCES = Integer.getInteger("diff.sequences", 40);
  private static final int COMMANDS = 250;
  /** Replies whose order Redis does not define: compared sorted. */
  private static final Set<String> UNORDERED = Set.of("smembers", "sinter", "sunion", "sdiff", "hkeys", "hvals", "keys");

  @Test
  void randomSequencesGetRedisRepliesWordForWord() throws Exception {
    Long only = Long.getLong("diff.seed");
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
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
        assertThat(state(c)).as("state after seed %d:%n  %s", seed, String.join("\n  ", done)).isEqualTo(state(r));
      }
    }
  }

  /**
   * COMMAND GETKEYS as Redis answers it, for keys at fixed places and keys that move (numkeys, STREAMS,
   * STORE), and its errors: what a cluster routes by and a script may touch.
   */
  @Test
  void commandGetKeysAsRedis() throws Exception {
    String[] calls = {"GET k", "MSET a 1 b 2", "ZUNIONSTORE dest 2 a b WEIGHTS 1 2", "ZINTERSTORE dest 1 a b", "ZUNION 2 a b",
        "ZDIFF 1 a WITHSCORES", "SINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b", "LMPOP 2 a b LEFT", "BLMPOP 0 2 a b LEFT COUNT 2",
        "ZMPOP 1 z MIN", "BZMPOP 0 1 z MAX", "LMPOP -1 a LEFT", "EVAL x 2 a b c", "EVAL x 0", "EVALSHA_RO x 1 k", "FCALL f 1 k arg",
        "XREAD COUNT 1 STREAMS s1 s2 0 0", "XREADGROUP GROUP g c STREAMS s1 >", "XREAD STREAMS s1 s2 0", "XREAD COUNT 1 a b",
        "GEORADIUS g 0 0 1 km STORE dst", "GEORADIUSBYMEMBER g m 1 km STOREDIST dst", "SORT k STORE dst",
        "SORT k LIMIT 0 STORE x STORE y", "SORT k BY store STORE y", "SORT k STORE", "SORT_RO k", "ZUNIONSTORE dest x a",
        "ZUNIONSTORE dest 5 a", "ZUNION 0 a", "BLPOP a b 0", "BLMOVE a b LEFT RIGHT 0", "OBJECT ENCODING k", "PING x", "GET",
        "GET k extra", "NOSUCH k", ""};
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      for (String call : calls) {
        List<String> command = new ArrayList<>(List.of("COMMAND", "GETKEYS"));
        command.addAll(call.isEmpty() ? List.of() : List.of(call.split(" ")));
        assertThat(c.call(command)).as("COMMAND GETKEYS %s", call).isEqualTo(r.call(command));
      }
    }
  }

  /**
   * Every data command ComDB lists in COMMAND, with random hostile arguments (extreme integers, floats
   * that overflow, empty strings, option words in the wrong places) over keys of every type: where Redis
   * answers an error, ComDB answers the same text, and no reply is ever an internal error.
   */
  @Test
  void hostileArgumentsGetRedisErrorsWordForWord() throws Exception {
    Set<String> notData = Set.of("shutdown", "debug", "monitor", "subscribe", "psubscribe", "unsubscribe", "punsubscribe",
        "flushall", "flushdb", "quit", "reset", "blpop", "brpop", "blmove", "brpoplpush", "bzpopmin", "bzpopmax", "blmpop",
        "bzmpop", "client", "hello", "auth", "multi", "exec", "discard", "watch", "unwatch", "select", "swapdb", "config",
        "cluster", "readonly", "readwrite", "wait", "object", "command", "memory", "lastsave", "info", "time",
        "randomkey", "dbsize", "slowlog", "pubsub", "publish", "echo", "ping", "keys", "scan", "save", "bgsave",
        "move", "script", "function", "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro");
    String[] hostile = {"9223372036854775807", "-9223372036854775808", "-1", "0", "", "nan", "inf", "-inf", "1e400", "1e-400",
        "k", "LIMIT", "WITHSCORES", "2147483648", "1.5", "(1", "[a", "+", "-", "#9223372036854775807", "u8", "i64", "REV",
        "BYSCORE", "BYLEX", "COUNT", "MATCH", "*", "NX", "XX", "GT", "EX", "PX", "GET", "INCRBY", "OVERFLOW", "LEFT", "STORE",
        "IDX", "LEN", "MINMATCHLEN", "RANK", "MAXLEN", "WEIGHTS", "CH", "BYTE", "BIT", "REPLACE", "-2", "5", "k2"};
    String[] keys = {"k", "h", "l", "s", "z", "n", "new"};
    List<String> names = new ArrayList<>();
    for (io.comdb.types.CommandSpec spec : io.comdb.types.Commands.all()) {
      if (spec.handler() != null && !notData.contains(spec.name())) {
        names.add(spec.name());
      }
    }
    Random random = new Random(Long.getLong("diff.seed", 7));
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      for (RespClient client : List.of(r, c)) {
        client.call("FLUSHALL");
        client.call("SET", "k", "hello");
        client.call("HSET", "h", "f", "1");
        client.call("RPUSH", "l", "a", "b");
        client.call("SADD", "s", "a");
        client.call("ZADD", "z", "1", "a", "2", "b");
        client.call("SET", "n", "10");
      }
      for (String name : names) {
        for (int t = 0; t < 12; t++) {
          List<String> command = new ArrayList<>(List.of(name, keys[random.nextInt(keys.length)]));
          for (int a = random.nextInt(7); a > 0; a--) {
            command.add(hostile[random.nextInt(hostile.length)]);
          }
          // The same on both, so that the next command meets the same state whatever this one did.
          Object expected = r.call(command);
          Object actual = c.call(command);
          assertThat(String.valueOf(actual)).as("%s", command).doesNotContain("internal error");
          if (expected instanceof RespClient.Error || actual instanceof RespClient.Error) {
            assertThat(actual).as("%s", String.join(" ", command)).isEqualTo(expected);
          }
        }
      }
    }
  }

  /**
   * Range, rank, count and removal commands over sorted sets large enough for Redis's skiplist (1,000
   * members with many tied scores; 600 members sharing one score for the lex forms), with random bounds,
   * LIMITs and ranks from both ends, as ComDB answers them by seeking in its by-score order. (No score is
   * -0: Redis keeps its sign only in a set past 128 members; ComDB stores 0, as Redis does in a small set.)
   */
  @Test
  void rangesOfLargeSortedSetsAsRedis() throws Exception {
    Random random = new Random(Long.getLong("diff.seed", 11));
    List<String> scored = new ArrayList<>(List.of("ZADD", "big"));
    for (int i = 0; i < 1000; i++) {
      scored.add(i % 97 == 0 ? Generator.pick(random, "-inf", "+inf", "0") : Integer.toString(random.nextInt(40) - 20));
      scored.add("m" + random.nextInt(5000));
    }
    List<String> lex = new ArrayList<>(List.of("ZADD", "lex"));
    for (int i = 0; i < 600; i++) {
      lex.add("7");
      lex.add(i % 101 == 0 ? "" : Integer.toString(random.nextInt(100_000), 36));
    }
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      for (RespClient client : List.of(r, c)) {
        client.call("FLUSHALL");
        client.call(scored);
        client.call(lex);
      }
      for (int i = 0; i < 600; i++) {
        List<String> command = bigSetCommand(random);
        assertThat(c.call(command)).as("%s", String.join(" ", command)).isEqualTo(r.call(command));
      }
      for (String key : List.of("big", "lex")) {
        assertThat(c.call("ZRANGE", key, "0", "-1", "WITHSCORES")).isEqualTo(r.call("ZRANGE", key, "0", "-1", "WITHSCORES"));
      }
    }
  }

  private static List<String> bigSetCommand(Random r) {
    String score1 = scoreBound(r);
    String score2 = scoreBound(r);
    String lex1 = lexBound(r);
    String lex2 = lexBound(r);
    String rank1 = Integer.toString(r.nextInt(2400) - 1200);
    String rank2 = Integer.toString(r.nextInt(2400) - 1200);
    String offset = Integer.toString(r.nextInt(20) - 1);
    String count = Integer.toString(r.nextInt(30) - 2);
    String member = r.nextBoolean() ? "m" + r.nextInt(5000) : Integer.toString(r.nextInt(100_000), 36);
    return switch (r.nextInt(14)) {
      case 0 -> List.of("ZRANGEBYSCORE", "big", score1, score2, "WITHSCORES", "LIMIT", offset, count);
      case 1 -> List.of("ZREVRANGEBYSCORE", "big", score1, score2, "LIMIT", offset, count);
      case 2 -> List.of("ZCOUNT", "big", score1, score2);
      case 3 -> List.of("ZRANGE", "big", rank1, rank2, "WITHSCORES");
      case 4 -> List.of("ZRANGE", "big", rank1, rank2, "REV");
      case 5 -> List.of(Generator.pick(r, "ZRANK", "ZREVRANK"), Generator.pick(r, "big", "lex"), member);
      case 6 -> List.of("ZRANGEBYLEX", "lex", lex1, lex2, "LIMIT", offset, count);
      case 7 -> List.of("ZREVRANGEBYLEX", "lex", lex1, lex2);
      case 8 -> List.of("ZLEXCOUNT", "lex", lex1, lex2);
      case 9 -> List.of("ZRANGE", "lex", lex1, lex2, "BYLEX", "REV", "LIMIT", offset, count);
      case 10 -> List.of(Generator.pick(r, "ZPOPMIN", "ZPOPMAX"), Generator.pick(r, "big", "lex"), Integer.toString(r.nextInt(3)));
      case 11 -> List.of("ZREMRANGEBYSCORE", "big", score1, score1.replace("(", ""));
      case 12 -> List.of("ZADD", "big", Integer.toString(r.nextInt(40) - 20), member);
      default -> r.nextBoolean() ? List.of("ZREMRANGEBYRANK", "big", rank1, Integer.toString(Integer.parseInt(rank1) + r.nextInt(3)))
          : List.of("ZREMRANGEBYLEX", "lex", lex1, lex1.length() > 1 ? "[" + lex1.substring(1) + "0" : lex1);
    };
  }

  /**
   * DUMP and RESTORE of every type, each server restoring its own payloads (ComDB's are its own format):
   * the same replies for every option and error, and the same keys afterwards.
   */
  @Test
  void dumpAndRestoreEveryTypeAsRedis() throws Exception {
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      for (RespClient client : List.of(r, c)) {
        client.call("FLUSHALL");
        client.call("SET", "k0", "a value\r\n\0with bytes \u00ff");
        client.call("HSET", "k1", "f1", "v1", "f2", "", "", "empty field");
        client.call("SADD", "k2", "a", "b", "", "3");
        client.call("RPUSH", "k3", "x", "y");
        client.call("LPUSH", "k3", "before", "first");
        client.call("ZADD", "k4", "-inf", "low", "1.5", "mid", "inf", "high", "1.5", "");
      }
      for (String key : Generator.KEYS) {
        Object[] replies = new Object[2];
        int side = 0;
        for (RespClient client : List.of(r, c)) {
          String payload = (String) client.call("DUMP", key);
          String corrupt = payload.substring(0, payload.length() - 1) + (char) (payload.charAt(payload.length() - 1) ^ 1);
          List<Object> seen = new ArrayList<>();
          seen.add(client.call("RESTORE", key, "0", payload));
          seen.add(client.call("RESTORE", key, "-5", payload, "REPLACE"));
          seen.add(client.call("RESTORE", key, "100000", payload, "REPLACE", "IDLETIME", "10"));
          seen.add(client.call("PTTL", key) instanceof Long ttl && ttl > 90_000);
          seen.add(client.call("RESTORE", key, "0", payload, "REPLACE", "FREQ", "256"));
          seen.add(client.call("RESTORE", key, "0", payload, "REPLACE", "IDLETIME", "1", "FREQ", "1"));
          seen.add(client.call("RESTORE", key + "copy", "0", corrupt));
          seen.add(client.call("RESTORE", key + "copy", "0", "not a payload"));
          seen.add(client.call("RESTORE", key + "copy", "1", payload, "ABSTTL"));
          seen.add(client.call("EXISTS", key + "copy"));
          seen.add(client.call("RESTORE", key + "copy", "0", payload));
          seen.add(client.call("DEL", key));
          seen.add(client.call("RESTORE", key, "0", payload, "ABSTTL"));
          seen.add(client.call("DUMP", "missing"));
          replies[side++] = seen;
        }
        assertThat(replies[1]).as("DUMP / RESTORE of %s", key).isEqualTo(replies[0]);
      }
      assertThat(state(c)).isEqualTo(state(r));
      for (String key : Generator.KEYS) {
        assertThat(state(c, key + "copy")).isEqualTo(state(r, key + "copy"));
      }
    }
  }

  /**
   * Scripts using the cjson, cmsgpack and struct libraries (encodings, round trips, edge values and
   * errors) and RESP3 conversions ({@code redis.setresp(3)}, RESP3 tables returned) get redis-server's
   * replies byte for byte.
   */
  @Test
  void scriptLibrariesAsRedis() throws Exception {
    List<String> scripts = List.of(
        "return cjson.encode({1,2,3,\"a\\\"b/c\\n\"})",
        "return cjson.encode({a=1})",
        "return cjson.encode({})",
        "return cjson.encode({[1]=1,[20]=2})",
        "return cjson.encode(1.5e300)",
        "return cjson.encode(0.1)",
        "return cjson.encode(123456789012345678)",
        "return cjson.decode('[1,\"x\",{\"k\":[true,false]}]')[3].k[1] and 'ok' or 'no'",
        "return cjson.decode('{\"a\":null}').a == cjson.null and 'isnull' or 'not'",
        "return cjson.decode('[1,2')",
        "return cjson.decode('{\"a\":1}x')",
        "return cjson.encode(cjson.decode('{\"s\":\"\\\\u00e9\\\\ud83d\\\\ude00\"}'))",
        "return cmsgpack.pack(1, -1, 300, -300, 70000, 5000000000, 1.5, 0.1, \"abc\", true, {1,2}, {a=1})",
        "return {cmsgpack.unpack(cmsgpack.pack(1, -200, 1.5, \"hey\", {1,2,3}))}",
        "return cmsgpack.unpack(cmsgpack.pack({x=\"y\"})).x",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 0)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2, 1)}",
        "return cmsgpack.unpack(\"\\205\")",
        "return struct.pack('>I2i4', 258, -2)",
        "return {struct.unpack('<hHb', struct.pack('<hHb', -2, 65535, -1))}",
        "return struct.size('>!4 b i4 d')",
        "return {struct.unpack('s c0', struct.pack('s', 'hello') .. '\\3abc')}",
        "return struct.pack('c3', 'abcdef')",
        "return {struct.unpack('<I', '\\1\\0\\0\\0', 1)}",
        "return cjson.encode({[1]=1,[2]=2,[4]=4})",
        "return cjson.encode(function() end)",
        "local x = cjson.encode(function() end) return x",
        "return redis.sha1hex()",
        "return nosuch",
        "local t = {} t[1] = t return cmsgpack.pack(t)",
        "redis.setresp(3) return redis.call('hgetall', 'no-hash')",
        "redis.setresp(3) redis.call('hset', 'h3', 'a', '1') return redis.call('hgetall', 'h3').map.a",
        "redis.setresp(3) return redis.call('get', 'no-key') == nil and 'nil' or 'other'",
        "redis.setresp(3) redis.call('zadd', 'z3', '1.5', 'm') return redis.call('zscore', 'z3', 'm')",
        "redis.setresp(3) return redis.call('zscore', 'z3', 'm').double * 2",
        "redis.setresp(3) redis.call('sadd', 's3', 'x') return redis.call('smembers', 's3').set.x and 1 or 0",
        "redis.setresp(3) return redis.call('zrange', 'z3', '0', '-1', 'withscores')[1][2].double",
        "redis.setresp(4)",
        "redis.setresp()",
        "return {double = 2.5}",
        "return {map = {k = 'v'}}",
        "return {set = {only = true}}",
        "return redis.call('xread', 'BLOCK', '10', 'STREAMS', 'no-stream', '$')",
        "return redis.pcall('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'no-stream', '>')");
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      for (String script : scripts) {
        assertThat(c.call("EVAL", script, "0")).as("%s", script).isEqualTo(r.call("EVAL", script, "0"));
      }
    }
  }

  private static String scoreBound(Random r) {
    int n = r.nextInt(44) - 22;
    return switch (r.nextInt(6)) {
      case 0 -> "-inf";
      case 1 -> "+inf";
      case 2, 3 -> "(" + n;
      default -> Integer.toString(n);
    };
  }

  private static String lexBound(Random r) {
    String member = Integer.toString(r.nextInt(100_000), 36);
    return switch (r.nextInt(8)) {
      case 0 -> "-";
      case 1 -> "+";
      case 2 -> "[";
      case 3, 4 -> "(" + member;
      default -> "[" + member;
    };
  }

  /**
   * PFCOUNT answers what redis-server answers, from a few elements to 100,000; ComDB reads the values
   * redis-server writes and redis-server reads ComDB's (taken with GET, written with SET).
   */
  @Test
  void hyperLogLogsCountAsRedisAndReadRedissSparseValues() throws Exception {
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      String fill = "for i = 1, tonumber(ARGV[1]) do redis.call('PFADD', KEYS[1], 'e' .. i) end return redis.call('PFCOUNT', KEYS[1])";
      for (int n : new int[] {1, 50, 1000, 100_000}) {
        String key = "hll" + n;
        Object expected = r.call("EVAL", fill, "1", key, Integer.toString(n));
        assertThat(c.call("EVAL", fill, "1", key, Integer.toString(n))).as("%d elements", n).isEqualTo(expected);
        Object redisValue = r.call("GET", key);
        assertThat(c.call("SET", "copied" + n, (String) redisValue)).isEqualTo("OK");
        assertThat(c.call("PFCOUNT", "copied" + n)).as("Redis's value of %d elements", n).isEqualTo(expected);
        assertThat(r.call("SET", "back" + n, (String) c.call("GET", key))).isEqualTo("OK");
        assertThat(r.call("PFCOUNT", "back" + n)).as("ComDB's value of %d elements, in Redis", n).isEqualTo(expected);
      }
      assertThat(c.call("PFMERGE", "all", "hll1", "hll50", "hll1000", "hll100000"))
          .isEqualTo(r.call("PFMERGE", "all", "hll1", "hll50", "hll1000", "hll100000"));
      assertThat(c.call("PFCOUNT", "all")).isEqualTo(r.call("PFCOUNT", "all"));
    }
  }

  /** Every key's type, contents and whether it expires; and what a full SCAN walk returns. */
  static List<Object> state(RespClient client) throws java.io.IOException {
    List<Object> state = new ArrayList<>();
    for (String key : Generator.KEYS) {
      state.addAll(state(client, key));
    }
    List<String> scanned = new ArrayList<>();
    String cursor = "0";
    do {
      @SuppressWarnings("unchecked")
      List<Object> page = (List<Object>) client.call("SCAN", cursor, "MATCH", "k*", "COUNT", "2");
      cursor = (String) page.get(0);
      ((List<?>) page.get(1)).forEach(k -> scanned.add((String) k));
    } while (!cursor.equals("0"));
    scanned.sort(Comparator.naturalOrder());
    state.add(scanned);
    state.add(client.call("DBSIZE"));
    return state;
  }

  /** A key's type, contents and whether it expires. */
  static List<Object> state(RespClient client, String key) throws java.io.IOException {
    Object type = client.call("TYPE", key);
    Object contents = switch (String.valueOf(type)) {
      case "string" -> client.call("GET", key);
      case "hash" -> normalize(List.of("hgetall"), client.call("HGETALL", key));
      case "set" -> normalize(List.of("smembers"), client.call("SMEMBERS", key));
      case "list" -> client.call("LRANGE", key, "0", "-1");
      case "zset" -> client.call("ZRANGE", key, "0", "-1", "WITHSCORES");
      default -> "";
    };
    return List.of(key + ":" + type, contents, ((Long) client.call("TTL", key)) > 0 ? "expires" : client.call("TTL", key));
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
    static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4"};
    private static final String[] FIELDS = {"f0", "f1", "f2", "f3"};
    private static final String[] VALUES = {"", "0", "1", "-5", "10", "abc", "3.5", "9223372036854775807", "x y", "007", "1e3", " 1",
        "ohmytext", "mynewtext"};
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
        // An absolute time: two relative ones a millisecond apart would make GT and LT depend on timing, in Redis too.
        r -> withOption(r, List.of("EXPIREAT", key(r), "4102444800"), "NX", "XX", "GT", "LT", "NX XX", "GT LT", "FOO"),
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
        r -> List.of("NOSUCHCOMMAND", key(r)),
        r -> List.of("LCS", key(r), key(r)),
        r -> withOption(r, List.of("LCS", key(r), key(r)), "LEN", "IDX", "IDX WITHMATCHLEN", "IDX MINMATCHLEN 2", "LEN IDX"),
        r -> withOption(r, List.of("SORT", key(r)), "ALPHA", "DESC", "ALPHA DESC", "LIMIT 0 2 ALPHA", "LIMIT 1 -1", "BY k*",
            "ALPHA GET # GET k*", "ALPHA STORE k4", "STORE k3", "LIMIT x 1", "ALPHA FOO", "BY k*->f0"),
        r -> withOption(r, List.of("SORT_RO", key(r)), "ALPHA", "DESC", "ALPHA STORE k1"),
        // HyperLogLogs on keys of their own: ComDB stores them dense, so GET of one differs from Redis's sparse
        r -> List.of("PFADD", pick(r, "p0", "p1"), value(r), value(r), field(r)),
        r -> List.of("PFADD", pick(r, "p0", "p1", "p3")),
        r -> List.of("PFCOUNT", pick(r, "p0", "p1", "p2"), pick(r, "p0", "p1")),
        r -> List.of("PFCOUNT", key(r)),
        r -> List.of("PFMERGE", pick(r, "p2", "p0"), pick(r, "p0", "p1"), pick(r, "p1", "p3")),
        // lists
        r -> List.of(pick(r, "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"), key(r), value(r), value(r)),
        r -> List.of(pick(r, "LPOP", "RPOP"), key(r)),
        r -> List.of(pick(r, "LPOP", "RPOP"), key(r), pick(r, "0", "1", "2", "5", "-1", "x")),
        r -> List.of("LLEN", key(r)),
        r -> List.of("LINDEX", key(r), pick(r, "0", "1", "-1", "-2", "10", "x")),
        r -> List.of("LRANGE", key(r), pick(r, "0", "1", "-1", "-3", "10"), pick(r, "0", "-1", "2", "-2", "100")),
        r -> List.of("LSET", key(r), pick(r, "0", "-1", "5"), value(r)),
        r -> List.of("LINSERT", key(r), pick(r, "BEFORE", "AFTER", "ASIDE"), value(r), value(r)),
        r -> List.of("LREM", key(r), pick(r, "0", "1", "-1", "2"), value(r)),
        r -> List.of("LTRIM", key(r), pick(r, "0", "1", "-2"), pick(r, "-1", "1", "0", "5")),
        r -> List.of("LPOS", key(r), value(r)),
        r -> withOption(r, List.of("LPOS", key(r), value(r)), "RANK 1", "RANK -1", "RANK 2", "COUNT 0", "COUNT 2", "MAXLEN 2", "RANK 0"),
        r -> List.of("LMOVE", key(r), key(r), pick(r, "LEFT", "RIGHT"), pick(r, "LEFT", "RIGHT", "UP")),
        r -> List.of("RPOPLPUSH", key(r), key(r)),
        r -> List.of("BLPOP", key(r), key(r), "0.01"),
        r -> withOption(r, List.of("LMPOP", "2", key(r), key(r), pick(r, "LEFT", "right", "UP")), "COUNT 2", "COUNT 0", "COUNT x", "COUNT 1 COUNT 2", "extra"),
        r -> List.of("BLMPOP", pick(r, "0.01", "-1", "x"), pick(r, "1", "0", "3"), key(r), pick(r, "LEFT", "RIGHT")),
        r -> List.of("BRPOP", key(r), pick(r, "-1", "x", "0.01")),
        // sorted sets
        r -> List.of("ZADD", key(r), score(r), field(r), score(r), field(r)),
        r -> withOption(r, List.of("ZADD", key(r)), "NX", "XX", "GT", "LT", "CH", "INCR", "NX XX", "GT LT", "XX CH", "GT CH"),
        r -> List.of("ZADD", key(r), "INCR", score(r), field(r)),
        r -> List.of("ZADD", key(r), score(r)),
        r -> List.of("ZINCRBY", key(r), score(r), field(r)),
        r -> List.of("ZREM", key(r), field(r), field(r)),
        r -> List.of("ZSCORE", key(r), field(r)),
        r -> List.of("ZMSCORE", key(r), field(r), field(r)),
        r -> List.of("ZCARD", key(r)),
        r -> List.of("ZCOUNT", key(r), pick(r, "-inf", "0", "(1", "2", "x"), pick(r, "+inf", "1", "(3", "10")),
        r -> List.of("ZLEXCOUNT", key(r), pick(r, "-", "[f1", "(f0", "x"), pick(r, "+", "[f2", "(f3")),
        r -> withOption(r, List.of("ZRANGE", key(r), pick(r, "0", "1", "-1"), pick(r, "-1", "2", "0")), "WITHSCORES", "REV", "REV WITHSCORES", "LIMIT 0 1"),
        r -> withOption(r, List.of("ZRANGE", key(r), pick(r, "-inf", "0", "(1"), pick(r, "+inf", "2", "(3")), "BYSCORE", "BYSCORE WITHSCORES", "BYSCORE LIMIT 1 2", "BYSCORE REV"),
        r -> withOption(r, List.of("ZRANGE", key(r), pick(r, "-", "[f1"), pick(r, "+", "(f3")), "BYLEX", "BYLEX LIMIT 0 2", "BYLEX WITHSCORES"),
        r -> List.of("ZREVRANGE", key(r), "0", "-1", "WITHSCORES"),
        r -> List.of("ZRANGEBYSCORE", key(r), pick(r, "-inf", "1"), pick(r, "+inf", "3"), "WITHSCORES"),
        r -> List.of("ZREVRANGEBYSCORE", key(r), pick(r, "+inf", "3"), pick(r, "-inf", "1")),
        r -> List.of("ZRANGEBYLEX", key(r), "-", "+"),
        r -> List.of("ZREVRANGEBYLEX", key(r), "+", "-"),
        r -> List.of(pick(r, "ZRANK", "ZREVRANK"), key(r), field(r)),
        r -> List.of("ZREMRANGEBYRANK", key(r), pick(r, "0", "-1"), pick(r, "0", "-1", "1")),
        r -> List.of("ZREMRANGEBYSCORE", key(r), pick(r, "-inf", "1"), pick(r, "(2", "+inf")),
        r -> List.of("ZREMRANGEBYLEX", key(r), pick(r, "-", "[f1"), pick(r, "+", "(f2")),
        r -> List.of(pick(r, "ZPOPMIN", "ZPOPMAX"), key(r)),
        r -> List.of(pick(r, "ZPOPMIN", "ZPOPMAX"), key(r), pick(r, "0", "2", "-1")),
        r -> List.of(pick(r, "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), key(r), "2", key(r), key(r)),
        r -> List.of(pick(r, "ZUNIONSTORE", "ZINTERSTORE"), key(r), "2", key(r), key(r), "WEIGHTS", "2", "0.5", "AGGREGATE", pick(r, "SUM", "MIN", "MAX")),
        r -> List.of(pick(r, "ZUNION", "ZINTER", "ZDIFF"), "2", key(r), key(r), "WITHSCORES"),
        r -> withOption(r, List.of(pick(r, "ZUNION", "ZDIFF"), "2", key(r), key(r)), "FOO", "WEIGHTS", "AGGREGATE bad"),
        r -> withOption(r, List.of("ZINTERSTORE", key(r), "2", key(r), key(r)), "FOO", "WEIGHTS 1 x", "AGGREGATE bad"),
        r -> List.of("BZPOPMIN", key(r), "0.01"),
        r -> withOption(r, List.of("ZMPOP", pick(r, "1", "2", "0", "-1"), key(r), key(r), pick(r, "MIN", "max")), "COUNT 3", "COUNT -1", "COUNT"),
        r -> List.of("BZMPOP", pick(r, "0.01", "x"), "2", key(r), key(r), pick(r, "MIN", "MAX", "LEFT"), "COUNT", pick(r, "1", "10")),
        r -> withOption(r, List.of("ZINTERCARD", pick(r, "2", "1", "0", "3", "x"), key(r), key(r)), "LIMIT 1", "LIMIT 0", "LIMIT -1", "LIMIT 1 LIMIT 2", "WEIGHTS 1 1"),
        // bitmaps
        r -> List.of("SETBIT", key(r), pick(r, "0", "7", "13", "100", "-1"), pick(r, "0", "1", "2")),
        r -> List.of("GETBIT", key(r), pick(r, "0", "3", "13", "1000")),
        r -> List.of("BITCOUNT", key(r)),
        r -> List.of("BITCOUNT", key(r), pick(r, "0", "1", "-1"), pick(r, "-1", "2", "0"), pick(r, "BYTE", "BIT")),
        r -> List.of("BITPOS", key(r), pick(r, "0", "1")),
        r -> List.of("BITPOS", key(r), pick(r, "0", "1"), pick(r, "0", "1", "-1"), pick(r, "-1", "3"), pick(r, "BYTE", "BIT")),
        r -> List.of("BITOP", pick(r, "AND", "OR", "XOR", "NOT"), key(r), key(r), key(r)),
        r -> List.of("BITOP", "NOT", key(r), key(r)),
        r -> List.of("BITFIELD", key(r), "GET", pick(r, "u8", "i5", "u63", "i64", "u64"), pick(r, "0", "3", "#1")),
        r -> List.of("BITFIELD", key(r), "OVERFLOW", pick(r, "WRAP", "SAT", "FAIL"), pick(r, "SET", "INCRBY"), pick(r, "u4", "i8", "i3"), pick(r, "0", "#2"), pick(r, "7", "100", "-9", "1")));

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

    private static String score(Random r) {
      return pick(r, "1", "2", "2.5", "-1", "0", "inf", "-inf", "1e2", "x", "3");
    }

    static String pick(Random r, String... choices) {
      return choices[r.nextInt(choices.length)];
    }

    private static List<String> withOption(Random r, List<String> base, String... options) {
      List<String> command = new ArrayList<>(base);
      command.addAll(List.of(options[r.nextInt(options.length)].split(" ")));
      return command;
    }
  }
}
