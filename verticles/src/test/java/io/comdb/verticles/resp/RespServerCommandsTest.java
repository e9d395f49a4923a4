package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server commands tools and test harnesses send: INFO, MONITOR, CLIENT PAUSE, WAIT, DEBUG, OBJECT, SHUTDOWN. */
class RespServerCommandsTest {
  @TempDir
  static Path dir;
  static ComDbResp comdb;

  @BeforeAll
  static void start() throws Exception {
    comdb = ComDbResp.start(dir.resolve("main"), new JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    comdb.close();
  }

  @Test
  void infoHasRedissSectionsAndTheFieldsToolsRead() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      c.call("SET", "k", "v");
      String all = (String) c.call("INFO");
      for (String section : List.of("# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Keyspace")) {
        assertThat(all).contains(section + "\r\n");
      }
      for (String field : List.of("redis_version:7.0.15", "tcp_port:" + comdb.port, "connected_clients:", "maxclients:10000",
          "used_memory:", "used_memory_human:", "maxmemory_policy:noeviction", "aof_enabled:1", "total_commands_processed:",
          "instantaneous_ops_per_sec:", "total_net_input_bytes:", "rejected_connections:0", "role:master", "used_cpu_user:",
          "db0:keys=")) {
        assertThat(all).contains("\r\n" + field);
      }
      String two = (String) c.call("INFO", "server", "keyspace");
      assertThat(two).startsWith("# Server\r\n").contains("# Keyspace\r\n").doesNotContain("# Memory");
      assertThat(c.call("INFO", "nosuchsection")).isEqualTo("");
    }
  }

  @Test
  void monitorShowsEveryOtherClientsCommandsInRedissForm() throws Exception {
    try (RespClient monitor = new RespClient(comdb.port); RespClient c = new RespClient(comdb.port)) {
      assertThat(monitor.call("MONITOR")).isEqualTo("OK");
      c.call("SELECT", "2");
      c.call("SET", "quoted", "a \"b\"\n");
      c.call("AUTH", "secret");
      assertThat((String) monitor.read()).matches("\\d+\\.\\d{6} \\[0 /?127\\.0\\.0\\.1:\\d+] \"SELECT\" \"2\"");
      assertThat((String) monitor.read()).endsWith("] \"SET\" \"quoted\" \"a \\\"b\\\"\\n\"").contains("[2 ");
      assertThat((String) monitor.read()).endsWith("] \"AUTH\" \"(redacted)\"");
    }
  }

  @Test
  void clientPauseWriteHoldsWritesUntilUnpauseWhileReadsGoOn() throws Exception {
    try (RespClient admin = new RespClient(comdb.port); RespClient writer = new RespClient(comdb.port)) {
      admin.call("SET", "paused", "before");
      assertThat(admin.call("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("OK");
      writer.send("SET", "paused", "after");
      assertThat(admin.call("GET", "paused")).isEqualTo("before"); // reads are not held
      assertThat(admin.call("CLIENT", "UNPAUSE")).isEqualTo("OK");
      assertThat(writer.read()).isEqualTo("OK");
      assertThat(admin.call("GET", "paused")).isEqualTo("after");
      assertThat(admin.call("CLIENT", "NO-EVICT", "on")).isEqualTo("OK");
      assertThat(admin.call("CLIENT", "TRACKING", "on")).isInstanceOf(RespClient.Error.class);
    }
  }

  @Test
  void waitDebugAndObjectAnswerWhatComDbHas() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      c.call("SET", "s", "12");
      c.call("RPUSH", "l", "a");
      assertThat(c.call("WAIT", "1", "0")).isEqualTo(0L); // standalone: no copies besides this one
      assertThat(c.call("OBJECT", "ENCODING", "s")).isEqualTo("raw");
      assertThat(c.call("OBJECT", "ENCODING", "l")).isEqualTo("subkeys");
      assertThat(c.call("DEBUG", "SLEEP", "0")).isEqualTo("OK");
      assertThat(c.call("DEBUG", "OBJECT", "l")).isEqualTo("refcount:1 encoding:subkeys");
      assertThat(c.call("DEBUG", "RELOAD")).isEqualTo(new RespClient.Error("ERR unknown subcommand 'RELOAD'. Try DEBUG HELP."));
    }
  }

  @Test
  void shutdownStopsTheServerUnlessTheConfigurationForbidsIt() throws Exception {
    try (ComDbResp forbidden = ComDbResp.start(dir.resolve("forbidden"), new JsonObject().put("resp", new JsonObject().put("allowShutdown", false)));
        RespClient c = new RespClient(forbidden.port)) {
      assertThat(c.call("SHUTDOWN")).isEqualTo(new RespClient.Error("ERR SHUTDOWN is disabled on this server (resp.allowShutdown is false)"));
      assertThat(c.call("PING")).isEqualTo("PONG");
    }
    try (ComDbResp allowed = ComDbResp.start(dir.resolve("allowed"), new JsonObject()); RespClient c = new RespClient(allowed.port)) {
      assertThat(c.call("SHUTDOWN", "ABORT")).isEqualTo(new RespClient.Error("ERR No shutdown in progress."));
      c.send("SHUTDOWN", "NOSAVE");
      assertThat(c.closedByServer()).isTrue();
      // the stop SHUTDOWN began: joining it waits for its end
      io.comdb.verticles.Bus.await(io.comdb.verticles.ServerVerticle.stopInOrder(allowed.vertx));
      assertThatThrownBy(() -> new RespClient(allowed.port).close()).isInstanceOf(java.io.IOException.class);
    }
  }
}
