package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EVAL, SCRIPT, FUNCTION and FCALL against a real redis-server: the same replies and error texts word for
 * word, then what ComDB adds (a sandbox tested from inside, kills, functions that survive a restart).
 */
class ScriptingTest extends AgainstRedisServer {
  @BeforeEach
  void empty() throws Exception {
    for (int port : new int[] {servers.redis.port, servers.comdb.port}) {
      try (RespClient c = new RespClient(port)) {
        c.call("FLUSHALL");
        c.call("FUNCTION", "FLUSH");
        c.call("SCRIPT", "FLUSH");
      }
    }
  }

  /** Each command goes to both servers in turn; every reply must be the same. */
  private static void sameAsRedis(List<List<String>> commands) throws Exception {
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      for (List<String> command : commands) {
        assertThat(c.call(command)).as("%s", command).isEqualTo(r.call(command));
      }
    }
  }

  @Test
  void scriptsGetRedissRepliesAndErrorsWordForWord() throws Exception {
    sameAsRedis(List.of(
        List.of("SET", "s", "abc"),
        List.of("EVAL", "return 1", "x"),
        List.of("EVAL", "return 1", "-1"),
        List.of("EVAL", "return 1", "2", "a"),
        List.of("EVALSHA", "0123456789012345678901234567890123456789", "0"),
        List.of("EVAL", "return redis.call('incr','s')", "0"),
        List.of("EVAL", "return redis.call('nosuch')", "0"),
        List.of("EVAL", "return redis.call('get')", "0"),
        List.of("EVAL", "return redis.call()", "0"),
        List.of("EVAL", "return x", "0"),
        List.of("EVAL", "x = 1", "0"),
        List.of("EVAL", "return redis.call('multi')", "0"),
        List.of("EVAL_RO", "return redis.call('set','a','b')", "0"),
        List.of("EVAL", "error('boom')", "0"),
        List.of("EVAL", "\nlocal a = 1\nreturn redis.call('incr', 's')", "0"),
        List.of("EVAL", "return redis.error_reply('MY bad')", "0"),
        List.of("EVAL", "return redis.status_reply('FINE')", "0"),
        List.of("EVAL", "return {1,2,{3,'x'},nil,5}", "0"),
        List.of("EVAL", "return {err='E1 oops'}", "0"),
        List.of("EVAL", "return redis.pcall('incr','s')", "0"),
        List.of("EVAL", "return redis.pcall('incr','s')['err']", "0"),
        List.of("EVAL", "return {3.99, -3.99, true, false}", "0"),
        List.of("EVAL", "return redis.sha1hex('')", "0"),
        List.of("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"),
        List.of("EVAL", "return redis.call('get', KEYS[1])", "1", "k"),
        List.of("EVAL", "return redis.call('set', 'f', 3.5)", "0"),
        List.of("GET", "f"),
        List.of("EVAL", "return redis.call('set', 'k', {})", "0"),
        List.of("EVAL", "return {redis.call('hset','h','a','1','b','2'), redis.call('hgetall','h')}", "0"),
        List.of("EVAL", "return redis.call('zrange','nosuch', 0, -1)", "0"),
        List.of("EVAL", "return redis.call('get','nosuch')", "0"),
        List.of("EVAL", "return type(redis.call('get','nosuch'))", "0"),
        List.of("EVAL", "return redis.call('ping')", "0"),
        List.of("EVAL", "redis.call('select', 3); redis.call('set', 'in3', 'x'); return redis.call('dbsize')", "0"),
        List.of("EXISTS", "in3"),
        List.of("EVAL", "return bit.band(0xff, 0x0f) .. bit.tohex(255) .. tostring(unpack({7}))", "0"),
        List.of("EVAL", "#!python\nreturn 1", "0"),
        List.of("EVAL", "#!lua flags=foo\nreturn 1", "0"),
        List.of("EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"),
        List.of("EVAL", "#!lua name=x\nreturn 1", "0"),
        List.of("SCRIPT", "LOAD", "return 'loaded'"),
        List.of("EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0"),
        List.of("SCRIPT", "EXISTS", "b534286061d4b9e4026607613b95c06c06015ae8", "ffffffffffffffffffffffffffffffffffffffff"),
        List.of("SCRIPT", "FLUSH"),
        List.of("EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0"),
        List.of("SCRIPT", "KILL"),
        List.of("SCRIPT", "NOSUCH")));
  }

  @Test
  void functionsGetRedissRepliesAndErrorsWordForWord() throws Exception {
    String lib = "#!lua name=lib\nredis.register_function('f', function(keys, args) return redis.call('incr', keys[1]) end)";
    String reads = "#!lua name=lib3\nredis.register_function{function_name='g', callback=function(keys, args) "
        + "return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}";
    sameAsRedis(List.of(
        List.of("FUNCTION", "LOAD", "return 1"),
        List.of("FUNCTION", "LOAD", "#!lua name=\nreturn 1"),
        List.of("FUNCTION", "LOAD", "#!lua name=lib\nreturn 1"),
        List.of("FUNCTION", "LOAD", lib),
        List.of("FUNCTION", "LOAD", lib),
        List.of("FUNCTION", "LOAD", "#!lua name=lib2\nredis.register_function('f', function(keys, args) return 1 end)"),
        List.of("FUNCTION", "LOAD", "#!lua name=lib4\nredis.register_function('g', function() return 1 end)\nredis.call('ping')"),
        List.of("FUNCTION", "LOAD", "#!lua name=lib5\nredis.register_function('bad name', function() end)"),
        List.of("FUNCTION", "LOAD", reads),
        List.of("FCALL", "f", "1", "cnt"),
        List.of("FCALL", "f", "1", "cnt"),
        List.of("FCALL_RO", "f", "1", "cnt"),
        List.of("FCALL_RO", "g", "1", "cnt"),
        List.of("FCALL", "nosuch", "0"),
        List.of("FCALL", "f", "1"),
        List.of("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib3"),
        List.of("FUNCTION", "DELETE", "nosuch"),
        List.of("FUNCTION", "KILL"),
        List.of("FUNCTION", "LOAD", "#!lua name=lib6\nredis.register_function('h', function(keys, args) error('oops') end)"),
        List.of("FCALL", "h", "0"),
        List.of("FUNCTION", "DELETE", "lib"),
        List.of("FCALL", "f", "1", "cnt")));
  }

  @Test
  void theSandboxHasNoFilesOsJavaOrLoadingAndRunsDoNotLeak() throws Exception {
    try (RespClient c = new RespClient(servers.comdb.port)) {
      for (String name : List.of("os", "io", "luajava", "require", "dofile", "loadfile", "load", "debug", "package", "print")) {
        assertThat(c.call("EVAL", "return " + name, "0")).as(name).isInstanceOf(RespClient.Error.class);
      }
      assertThat(c.call("EVAL", "return string.dump", "0")).isNull();
      assertThat(c.call("EVAL", "string.rep = nil", "0")).isInstanceOf(RespClient.Error.class);
      assertThat(c.call("EVAL", "getmetatable('').__index.rep = nil", "0")).isInstanceOf(RespClient.Error.class);
      assertThat(c.call("EVAL", "rawset(_G, 'leak', 1) return 1", "0")).isEqualTo(1L);
      assertThat(c.call("EVAL", "return leak", "0")).isInstanceOf(RespClient.Error.class); // a new run, new globals
      assertThat(c.call("EVAL", "return string.rep('x', 3)", "0")).isEqualTo("xxx");
      assertThat(c.call("EVAL", "return string.rep('x', 1000000000)", "0")).isInstanceOf(RespClient.Error.class);
    }
  }

  @Test
  void aScriptKeepsTheWritesItMadeBeforeFailingAsRedisDoes() throws Exception {
    sameAsRedis(List.of(
        List.of("EVAL", "redis.call('set', 'before', '1') error('late')", "0"),
        List.of("GET", "before")));
  }

  @Test
  void scriptKillStopsALoopThatHasNotWrittenAndRefusesOneThatHas() throws Exception {
    try (ComDbResp own = ComDbResp.start(dir.resolve("kill"), new JsonObject());
        RespClient looper = new RespClient(own.port); RespClient admin = new RespClient(own.port)) {
      looper.send("EVAL", "while true do end", "0");
      awaitKillable(admin, "SCRIPT");
      assertThat((String) ((RespClient.Error) looper.read()).text()).startsWith("ERR Script killed by user with SCRIPT KILL...");
      Object answer = "OK";
      while (answer.equals("OK")) { // a kill that comes before the script's write stops it: send it again
        looper.send("EVAL", "redis.call('set', 'half', '1') while true do end", "0");
        do {
          answer = admin.call("SCRIPT", "KILL");
        } while (answer instanceof RespClient.Error e && e.text().startsWith("NOTBUSY"));
        if (answer.equals("OK")) {
          assertThat(looper.read()).isInstanceOf(RespClient.Error.class);
        }
      }
      assertThat(((RespClient.Error) answer).text()).startsWith("UNKILLABLE");
      // closing the server stops it uncommitted: nothing of it is stored
    }
    try (ComDbResp again = ComDbResp.start(dir.resolve("kill"), new JsonObject()); RespClient c = new RespClient(again.port)) {
      assertThat(c.call("EXISTS", "half")).isEqualTo(0L);
    }
  }

  @Test
  void aScriptPastTheBusyThresholdMakesOthersBusyUntilItIsKilled() throws Exception {
    try (ComDbResp own = ComDbResp.start(dir.resolve("busy"), new JsonObject());
        RespClient looper = new RespClient(own.port); RespClient other = new RespClient(own.port)) {
      assertThat(other.call("CONFIG", "SET", "busy-reply-threshold", "100")).isEqualTo("OK");
      assertThat(other.call("CONFIG", "GET", "lua-time-limit")).isEqualTo(List.of("lua-time-limit", "100"));
      other.call("SET", "k", "v");
      looper.send("EVAL", "while true do end", "0");
      Object answer;
      long deadline = System.nanoTime() + 10_000_000_000L;
      do { // before the threshold the GET is served; after it, BUSY
        answer = other.call("GET", "k");
        assertThat(System.nanoTime()).as("BUSY within 10 s").isLessThan(deadline);
      } while (answer.equals("v"));
      assertThat(answer).isEqualTo(new RespClient.Error("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."));
      assertThat(other.call("SET", "k", "w")).isEqualTo(answer);
      assertThat(other.call("SCRIPT", "KILL")).isEqualTo("OK");
      assertThat((String) ((RespClient.Error) looper.read()).text()).startsWith("ERR Script killed by user with SCRIPT KILL...");
      assertThat(other.call("GET", "k")).isEqualTo("v");
    }
  }

  @Test
  void aScriptKilledInsideATransactionKeepsNothingAndTheOtherCommandsCommit() throws Exception {
    try (ComDbResp own = ComDbResp.start(dir.resolve("multi-kill"), new JsonObject());
        RespClient looper = new RespClient(own.port); RespClient admin = new RespClient(own.port)) {
      looper.call("MULTI");
      looper.call("SET", "before", "1");
      looper.call("EVAL", "while not redis.call('get', 'go') do end redis.call('set', 'half', '1') return 1", "0");
      looper.send("EXEC");
      awaitKillable(admin, "SCRIPT");
      List<?> replies = (List<?>) looper.read();
      assertThat(replies.get(0)).isEqualTo("OK");
      assertThat(((RespClient.Error) replies.get(1)).text()).startsWith("ERR Script killed by user with SCRIPT KILL...");
      assertThat(admin.call("GET", "before")).isEqualTo("1");
      assertThat(admin.call("EXISTS", "half")).isEqualTo(0L);
    }
  }

  private static void awaitKillable(RespClient admin, String kind) throws Exception {
    Object answer;
    do {
      answer = admin.call(kind, "KILL");
    } while (answer instanceof RespClient.Error e && e.text().startsWith("NOTBUSY"));
    assertThat(answer).isEqualTo("OK");
  }

  @Test
  void functionsSurviveARestartAndRestoreFromADump() throws Exception {
    Path data = dir.resolve("restart");
    String lib = "#!lua name=counter\nredis.register_function('bump', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)";
    String dump;
    try (ComDbResp first = ComDbResp.start(data, new JsonObject()); RespClient c = new RespClient(first.port)) {
      assertThat(c.call("FUNCTION", "LOAD", lib)).isEqualTo("counter");
      assertThat(c.call("FCALL", "bump", "1", "n", "5")).isEqualTo(5L);
      dump = (String) c.call("FUNCTION", "DUMP");
    }
    try (ComDbResp second = ComDbResp.start(data, new JsonObject()); RespClient c = new RespClient(second.port)) {
      assertThat(c.call("FCALL", "bump", "1", "n", "2")).isEqualTo(7L);
      assertThat(c.call("FUNCTION", "FLUSH")).isEqualTo("OK");
      assertThat(c.call("FCALL", "bump", "1", "n", "1")).isEqualTo(new RespClient.Error("ERR Function not found"));
      assertThat(c.call("FUNCTION", "RESTORE", dump)).isEqualTo("OK");
      assertThat(c.call("FCALL", "bump", "1", "n", "1")).isEqualTo(8L);
      assertThat(c.call("FUNCTION", "RESTORE", dump)).isEqualTo(new RespClient.Error("ERR Library counter already exists"));
      assertThat(c.call("FUNCTION", "RESTORE", "garbage")).isEqualTo(new RespClient.Error("ERR payload version or checksum are wrong"));
    }
  }

  @Test
  void functionListAndStatsReportWhatIsLoaded() throws Exception {
    try (RespClient c = new RespClient(servers.comdb.port)) {
      c.call("FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('fa', function() return 1 end)");
      c.call("FUNCTION", "LOAD", "#!lua name=b\nredis.register_function{function_name='fb', callback=function() return 2 end, flags={'no-writes'}}");
      List<String> names = new ArrayList<>();
      for (Object library : (List<?>) c.call("FUNCTION", "LIST")) {
        names.add((String) ((List<?>) library).get(1));
      }
      names.sort(Comparator.naturalOrder());
      assertThat(names).containsExactly("a", "b");
      assertThat(c.call("FUNCTION", "STATS")).isEqualTo(java.util.Arrays.asList("running_script", null, "engines",
          List.of("LUA", List.of("libraries_count", 2L, "functions_count", 2L))));
      assertThat(c.call("FCALL_RO", "fb", "0")).isEqualTo(2L);
    }
  }
}
