package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection state and durability: transactions, WATCH, AUTH, SELECT, and data across a restart. */
class RespSessionTest {
  @TempDir
  Path dir;

  @Test
  void multiExecRunsTheQueueAndWatchAbortsOnAnotherClientsWrite() throws Exception {
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject());
        RespClient a = new RespClient(comdb.port);
        RespClient b = new RespClient(comdb.port)) {
      assertThat(a.call("MULTI")).isEqualTo("OK");
      assertThat(a.call("INCR", "n")).isEqualTo("QUEUED");
      assertThat(a.call("INCR", "n")).isEqualTo("QUEUED");
      assertThat(a.call("GET", "n")).isEqualTo("QUEUED");
      assertThat(a.call("EXEC")).isEqualTo(List.of(1L, 2L, "2"));

      assertThat(a.call("WATCH", "n")).isEqualTo("OK");
      assertThat(b.call("SET", "n", "100")).isEqualTo("OK");
      a.call("MULTI");
      a.call("INCR", "n");
      assertThat(a.call("EXEC")).isNull();
      assertThat(a.call("GET", "n")).isEqualTo("100");

      assertThat(a.call("WATCH", "n")).isEqualTo("OK");
      a.call("MULTI");
      a.call("INCR", "n");
      assertThat(a.call("EXEC")).isEqualTo(List.of(101L));

      a.call("MULTI");
      assertThat(a.call("NOPE")).isEqualTo(new RespClient.Error("ERR unknown command 'NOPE', with args beginning with: "));
      a.call("INCR", "n");
      assertThat(a.call("EXEC")).isEqualTo(new RespClient.Error("EXECABORT Transaction discarded because of previous errors."));
      assertThat(a.call("GET", "n")).isEqualTo("101");
      assertThat(a.call("EXEC")).isEqualTo(new RespClient.Error("ERR EXEC without MULTI"));

      a.call("MULTI");
      a.call("SELECT", "2");
      a.call("SET", "in2", "x");
      a.call("PING");
      assertThat(a.call("EXEC")).isEqualTo(List.of("OK", "OK", "PONG"));
      assertThat(a.call("GET", "in2")).isEqualTo("x"); // still in database 2, as in Redis
      a.call("SELECT", "0");
      assertThat(a.call("GET", "in2")).isNull();
      assertThat(a.call("DISCARD")).isEqualTo(new RespClient.Error("ERR DISCARD without MULTI"));
    }
  }

  @Test
  void blockingPopsWaitForAPushOrTheirTimeout() throws Exception {
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject());
        RespClient waiter = new RespClient(comdb.port);
        RespClient pusher = new RespClient(comdb.port)) {
      waiter.send("BLPOP", "queue", "other", "0");
      assertThat(pusher.call("PING")).isEqualTo("PONG"); // the waiter is blocked; others are served
      assertThat(pusher.call("RPUSH", "other", "job-1", "job-2")).isEqualTo(2L);
      assertThat(waiter.read()).isEqualTo(List.of("other", "job-1"));
      assertThat(pusher.call("LRANGE", "other", "0", "-1")).isEqualTo(List.of("job-2"));

      assertThat(waiter.call("BRPOP", "empty", "0.05")).isNull();
      waiter.send("BZPOPMIN", "z", "5");
      pusher.call("ZADD", "z", "2", "b", "1", "a");
      assertThat(waiter.read()).isEqualTo(List.of("z", "a", "1"));
      waiter.send("BLMOVE", "src", "dst", "LEFT", "RIGHT", "5");
      pusher.call("LPUSH", "src", "moved");
      assertThat(waiter.read()).isEqualTo("moved");
      waiter.send("BLMPOP", "5", "2", "m1", "m2", "RIGHT", "COUNT", "5");
      pusher.call("RPUSH", "m2", "x", "y");
      assertThat(waiter.read()).isEqualTo(List.of("m2", List.of("y", "x")));
      waiter.send("BZMPOP", "5", "1", "mz", "MAX", "COUNT", "2");
      pusher.call("ZADD", "mz", "1", "a", "2", "b", "3", "c");
      assertThat(waiter.read()).isEqualTo(List.of("mz", List.of(List.of("c", "3"), List.of("b", "2"))));
      assertThat(waiter.call("BLMPOP", "0.05", "1", "m1", "LEFT")).isNull();
      // a write over the event bus wakes a blocked client too
      waiter.send("BLPOP", "bus", "5");
      Object pushed = io.comdb.verticles.Bus.request(comdb.vertx, io.comdb.verticles.api.Addresses.REDIS_EXEC,
          new io.comdb.verticles.api.Redis.Exec(0, List.of("RPUSH".getBytes(), "bus".getBytes(), "from-bus".getBytes())));
      assertThat(pushed).isInstanceOf(io.comdb.verticles.api.Redis.Result.class);
      assertThat(waiter.read()).isEqualTo(List.of("bus", "from-bus"));
      assertThat(pusher.call("LRANGE", "dst", "0", "-1")).isEqualTo(List.of("moved"));
      assertThat(waiter.call("BLPOP", "k", "-1")).isEqualTo(new RespClient.Error("ERR timeout is negative"));
    }
  }

  @Test
  void blockedStreamReadsWaitForWhatIsAddedAfterThem() throws Exception {
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject());
        RespClient reader = new RespClient(comdb.port);
        RespClient writer = new RespClient(comdb.port)) {
      writer.call("XADD", "log", "1-0", "old", "entry");
      // $ is the last ID when the reader blocks: what it gets is what came after, not the old entry
      reader.send("XREAD", "BLOCK", "5000", "STREAMS", "log", "$");
      assertThat(writer.call("PING")).isEqualTo("PONG");
      writer.call("XADD", "log", "2-0", "new", "entry");
      assertThat(reader.read()).isEqualTo(List.of(List.of("log", List.of(List.of("2-0", List.of("new", "entry"))))));
      // a group reader waits for entries the group has not delivered, and owns them once served
      writer.call("XGROUP", "CREATE", "log", "workers", "$");
      reader.send("XREADGROUP", "GROUP", "workers", "w1", "BLOCK", "5000", "STREAMS", "log", ">");
      assertThat(writer.call("PING")).isEqualTo("PONG");
      writer.call("XADD", "log", "3-0", "job", "1");
      assertThat(reader.read()).isEqualTo(List.of(List.of("log", List.of(List.of("3-0", List.of("job", "1"))))));
      assertThat(writer.call("XPENDING", "log", "workers")).isEqualTo(List.of(1L, "3-0", "3-0", List.of(List.of("w1", "1"))));
      assertThat(reader.call("XREAD", "BLOCK", "50", "STREAMS", "log", "$")).isNull();
      // woken without COUNT, a reader takes at most 1,000 of what came, as Redis's blocked readers do
      reader.send("XREAD", "BLOCK", "5000", "STREAMS", "log", "$");
      assertThat(writer.call("PING")).isEqualTo("PONG");
      writer.call("MULTI");
      for (int i = 0; i < 1500; i++) {
        writer.call("XADD", "log", "*", "n", Integer.toString(i));
      }
      writer.call("EXEC");
      assertThat((List<?>) ((List<?>) ((List<?>) reader.read()).get(0)).get(1)).hasSize(1000);
      assertThat(reader.call("XREAD", "BLOCK", "-1", "STREAMS", "log", "$")).isEqualTo(new RespClient.Error("ERR timeout is negative"));
    }
  }

  @Test
  void patternSubscriptionsReceiveWhatIsPublished() throws Exception {
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject());
        RespClient subscriber = new RespClient(comdb.port);
        RespClient publisher = new RespClient(comdb.port)) {
      assertThat(subscriber.call("PSUBSCRIBE", "news.*")).isEqualTo(List.of("psubscribe", "news.*", 1L));
      assertThat(subscriber.call("SUBSCRIBE", "news.tech")).isEqualTo(List.of("subscribe", "news.tech", 2L));
      assertThat(subscriber.call("GET", "x")).isEqualTo(new RespClient.Error(
          "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
      assertThat(publisher.call("PUBLISH", "news.tech", "hello")).isEqualTo(2L);
      java.util.Set<Object> got = new java.util.HashSet<>(List.of(subscriber.read(), subscriber.read()));
      assertThat(got).containsExactlyInAnyOrder(
          List.of("message", "news.tech", "hello"), List.of("pmessage", "news.*", "news.tech", "hello"));
      assertThat(publisher.call("PUBSUB", "NUMPAT")).isEqualTo(1L);
      assertThat(publisher.call("PUBLISH", "sports", "nobody")).isEqualTo(0L);
      assertThat(subscriber.call("UNSUBSCRIBE")).isEqualTo(List.of("unsubscribe", "news.tech", 1L));
      assertThat(subscriber.call("PUNSUBSCRIBE")).isEqualTo(List.of("punsubscribe", "news.*", 0L));
      assertThat(subscriber.call("SET", "x", "back to normal")).isEqualTo("OK");
    }
  }

  @Test
  void aMergeKeepsEveryLiveRedisValueAndDropsTheRest() throws Exception {
    JsonObject small = new JsonObject().put("engine", new JsonObject().put("dataFileSize", 64 << 10));
    try (ComDbResp comdb = ComDbResp.start(dir, small); RespClient c = new RespClient(comdb.port)) {
      for (int round = 0; round < 20; round++) {
        c.call("SET", "s", "v" + round);
        c.call("HSET", "h", "f" + (round % 3), "v" + round);
        c.call("DEL", "gone");
        c.call("RPUSH", "gone", "a", "b", "c");
        c.call("ZADD", "z", Integer.toString(round), "m" + (round % 4));
      }
      c.call("DEL", "gone");
      Object merged = io.comdb.verticles.Bus.request(comdb.vertx, io.comdb.verticles.api.Addresses.ADMIN_MERGE,
          new io.comdb.verticles.api.Admin.Merge());
      assertThat(merged).isInstanceOf(io.comdb.verticles.api.Admin.Merged.class);
      assertThat(c.call("GET", "s")).isEqualTo("v19");
      assertThat(c.call("HGETALL", "h")).isEqualTo(List.of("f0", "v18", "f1", "v19", "f2", "v17"));
      assertThat(c.call("EXISTS", "gone")).isEqualTo(0L);
      assertThat(c.call("ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo(List.of("m0", "16", "m1", "17", "m2", "18", "m3", "19"));
    }
    try (ComDbResp comdb = ComDbResp.start(dir, small); RespClient c = new RespClient(comdb.port)) {
      assertThat(c.call("DBSIZE")).isEqualTo(3L);
      assertThat(c.call("HGET", "h", "f1")).isEqualTo("v19");
    }
  }

  @Test
  void aPasswordIsRequiredWhenConfigured() throws Exception {
    JsonObject security = new JsonObject().put("security", new JsonObject().put("password", "s3cret"));
    try (ComDbResp comdb = ComDbResp.start(dir, security); RespClient c = new RespClient(comdb.port)) {
      assertThat(c.call("GET", "x")).isEqualTo(new RespClient.Error("NOAUTH Authentication required."));
      assertThat(c.call("AUTH", "wrong")).isEqualTo(new RespClient.Error("WRONGPASS invalid username-password pair or user is disabled."));
      assertThat(c.call("AUTH", "s3cret")).isEqualTo("OK");
      assertThat(c.call("SET", "x", "1")).isEqualTo("OK");
      assertThat(c.call("CONFIG", "GET", "requirepass")).as("never the password itself").isEqualTo(List.of("requirepass", "(set)"));
    }
  }

  @Test
  void namedUsersSignInAndTheirRoleBoundsWhatTheyRun() throws Exception {
    JsonObject users = new JsonObject()
        .put("alex", new JsonObject().put("password", io.comdb.verticles.Users.hash("pw-a")).put("role", "write"))
        .put("ro", new JsonObject().put("password", io.comdb.verticles.Users.hash("pw-r")).put("role", "read"))
        .put("root", new JsonObject().put("password", io.comdb.verticles.Users.hash("pw-root")).put("role", "admin"));
    JsonObject config = new JsonObject().put("security", new JsonObject().put("users", users));
    try (ComDbResp comdb = ComDbResp.start(dir, config); RespClient c = new RespClient(comdb.port)) {
      assertThat(c.call("GET", "x")).isEqualTo(new RespClient.Error("NOAUTH Authentication required."));
      assertThat(c.call("AUTH", "pw-a")).as("no default user: a password alone names none")
          .isEqualTo(new RespClient.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"));
      assertThat(c.call("AUTH", "alex", "pw-r")).isEqualTo(new RespClient.Error("WRONGPASS invalid username-password pair or user is disabled."));
      assertThat(c.call("AUTH", "ro", "pw-r")).isEqualTo("OK");
      assertThat(c.call("ACL", "WHOAMI")).isEqualTo("ro");
      assertThat(c.call("GET", "x")).isNull();
      assertThat(c.call("SET", "x", "1")).isEqualTo(new RespClient.Error("NOPERM this user has no permissions to run the 'set' command"));
      assertThat(c.call("EVAL", "return redis.call('SET', KEYS[1], 1)", "1", "x"))
          .isEqualTo(new RespClient.Error("NOPERM this user has no permissions to run the 'eval' command"));
      assertThat(c.call("MULTI")).isEqualTo("OK");
      assertThat(c.call("INCR", "x")).isEqualTo(new RespClient.Error("NOPERM this user has no permissions to run the 'incr' command"));
      assertThat(c.call("EXEC")).isEqualTo(new RespClient.Error("EXECABORT Transaction discarded because of previous errors."));
      assertThat(c.call("HELLO", "2", "AUTH", "alex", "pw-a")).isInstanceOf(List.class);
      assertThat(c.call("ACL", "WHOAMI")).isEqualTo("alex");
      assertThat(c.call("SET", "x", "1")).isEqualTo("OK");
      assertThat(c.call("CONFIG", "SET", "timeout", "0"))
          .isEqualTo(new RespClient.Error("NOPERM this user has no permissions to run the 'config|set' command"));
      assertThat(c.call("FLUSHALL")).isEqualTo(new RespClient.Error("NOPERM this user has no permissions to run the 'flushall' command"));
      assertThat(c.call("ACL", "USERS")).isEqualTo(new RespClient.Error("NOPERM this user has no permissions to run the 'acl|users' command"));
      assertThat(c.call("AUTH", "root", "pw-root")).isEqualTo("OK");
      assertThat(c.call("ACL", "USERS")).isEqualTo(List.of("alex", "ro", "root"));
      assertThat(c.call("CONFIG", "SET", "timeout", "0")).isEqualTo("OK");
      assertThat(c.call("RESET")).isEqualTo("RESET");
      assertThat(c.call("GET", "x")).isEqualTo(new RespClient.Error("NOAUTH Authentication required."));
    }
  }

  @Test
  void databasesAreSeparate() throws Exception {
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject()); RespClient c = new RespClient(comdb.port)) {
      c.call("SET", "k", "in0");
      assertThat(c.call("SELECT", "3")).isEqualTo("OK");
      assertThat(c.call("GET", "k")).isNull();
      c.call("SET", "k", "in3");
      assertThat(c.call("DBSIZE")).isEqualTo(1L);
      c.call("SELECT", "0");
      assertThat(c.call("GET", "k")).isEqualTo("in0");
      assertThat(c.call("FLUSHDB")).isEqualTo("OK");
      c.call("SELECT", "3");
      assertThat(c.call("GET", "k")).isEqualTo("in3");
    }
  }

  @Test
  void dataAndExpiriesOutliveARestart() throws Exception {
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject()); RespClient c = new RespClient(comdb.port)) {
      c.call("SET", "plain", "v");
      c.call("SET", "lasting", "v", "EX", "1000");
      c.call("HSET", "h", "a", "1", "b", "2");
      c.call("SADD", "s", "x", "y");
      c.call("SET", "brief", "v", "PX", "1500");
    }
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject()); RespClient c = new RespClient(comdb.port)) {
      assertThat(c.call("GET", "plain")).isEqualTo("v");
      assertThat((Long) c.call("TTL", "lasting")).isBetween(990L, 1000L);
      assertThat(c.call("HGET", "h", "b")).isEqualTo("2");
      assertThat(c.call("SCARD", "s")).isEqualTo(2L);
      // the short expiry still runs out after the restart: lazily on access, and actively
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (c.call("EXISTS", "brief").equals(1L)) {
        assertThat(System.nanoTime()).as("brief should expire").isLessThan(deadline);
        c.call("PING"); // a round trip, not a sleep: the expiry is due within 1.5 s
      }
      assertThat(c.call("DBSIZE")).isEqualTo(4L);
      assertThat((String) c.call("INFO", "keyspace")).contains("db0:keys=4,expires=1,avg_ttl=");
    }
  }

  @Test
  void streamsGroupsGeoAndRestoredKeysOutliveARestart() throws Exception {
    Object pendingBefore;
    Object groupsBefore;
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject()); RespClient c = new RespClient(comdb.port)) {
      c.call("XADD", "events", "1-1", "kind", "start");
      c.call("XADD", "events", "2-*", "kind", "stop");
      c.call("XGROUP", "CREATE", "events", "workers", "0");
      c.call("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "1", "STREAMS", "events", ">");
      c.call("XDEL", "events", "1-1");
      c.call("GEOADD", "places", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
      c.call("PFADD", "visitors", "a", "b", "c");
      String dumped = (String) c.call("DUMP", "events");
      assertThat(c.call("RESTORE", "events-copy", "0", dumped)).isEqualTo("OK");
      pendingBefore = c.call("XPENDING", "events", "workers");
      groupsBefore = c.call("XINFO", "GROUPS", "events");
    }
    try (ComDbResp comdb = ComDbResp.start(dir, new JsonObject()); RespClient c = new RespClient(comdb.port)) {
      assertThat(c.call("XRANGE", "events", "-", "+")).isEqualTo(List.of(List.of("2-0", List.of("kind", "stop"))));
      assertThat(c.call("XPENDING", "events", "workers")).isEqualTo(pendingBefore);
      assertThat(c.call("XINFO", "GROUPS", "events")).isEqualTo(groupsBefore);
      assertThat(c.call("XINFO", "GROUPS", "events-copy")).isEqualTo(groupsBefore);
      assertThat(c.call("XADD", "events", "2-*", "kind", "again")).isEqualTo("2-1"); // the last ID outlived it too
      assertThat(c.call("GEODIST", "places", "Palermo", "Catania", "km")).isEqualTo("166.2742");
      assertThat(c.call("PFCOUNT", "visitors")).isEqualTo(3L);
      assertThat(c.call("TYPE", "events-copy")).isEqualTo("stream");
    }
  }
}
