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
      assertThat(a.call("DISCARD")).isEqualTo(new RespClient.Error("ERR DISCARD without MULTI"));
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
    }
  }
}
