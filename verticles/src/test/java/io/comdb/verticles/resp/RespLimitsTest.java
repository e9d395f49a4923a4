package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource bounds of Redis, over raw sockets: clients that do not read, floods of tiny elements, too
 * many clients, idle clients, subscribers that fall behind. The offender is held back or closed; the server
 * and everyone else carry on.
 */
class RespLimitsTest {
  @TempDir
  static Path dir;
  static ComDbResp comdb;
  RespClient admin;

  @BeforeAll
  static void start() throws Exception {
    comdb = ComDbResp.start(dir, new JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    comdb.close();
  }

  @BeforeEach
  void connect() throws Exception {
    admin = new RespClient(comdb.port);
  }

  /** Back to the defaults, over a new connection (a test's own may have been closed on purpose). */
  @AfterEach
  void defaults() throws Exception {
    admin.close();
    try (RespClient c = new RespClient(comdb.port)) {
      c.call("CONFIG", "SET", "maxclients", "10000", "timeout", "0", "client-query-buffer-limit", "1gb",
          "client-output-buffer-limit", "normal 0 0 0 pubsub 32mb 8mb 60");
    }
  }

  /** A connection with a small receive buffer, for a client that reads nothing: the server's writes back up fast. */
  private Socket slowReader() throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(64 << 10);
    socket.connect(new InetSocketAddress("127.0.0.1", comdb.port));
    return socket;
  }

  /** 100 GETs of a 2 MiB value from a client that reads nothing: a few run, the rest wait until it reads. */
  @Test
  void aClientThatDoesNotReadStopsBeingServedUntilItReads() throws Exception {
    String value = "v".repeat(2 << 20);
    assertThat(admin.call("SET", "big", value)).isEqualTo("OK");
    try (Socket slow = slowReader()) {
      slow.getOutputStream().write("GET big\r\n".repeat(100).getBytes(StandardCharsets.ISO_8859_1));
      slow.getOutputStream().flush();
      await(() -> field(clientOf("get"), "omem") > 0);
      long unsent = field(clientOf("get"), "omem");
      assertThat(unsent).isLessThanOrEqualTo(RespConnection.OUTPUT_BACKLOG + value.length() + 64);
      assertThat(admin.call("PING")).isEqualTo("PONG"); // everyone else is served meanwhile

      InputStream in = slow.getInputStream();
      long expected = 100L * ("$" + value.length() + "\r\n" + value + "\r\n").length();
      in.skipNBytes(expected - 1); // every reply arrives once it reads
      assertThat(in.read()).isEqualTo('\n');
    }
  }

  /**
   * GETs pipelined behind writes go to the writer to keep their order; at most 16 of them are out there
   * at once, so a client that reads nothing holds at most 16 replies past its backlog.
   */
  @Test
  void readsBehindWritesFromAClientThatDoesNotReadAreBoundedToo() throws Exception {
    String value = "w".repeat(2 << 20);
    assertThat(admin.call("SET", "big2", value)).isEqualTo("OK");
    try (Socket slow = slowReader()) {
      slow.getOutputStream().write(("CLIENT SETNAME slow\r\n" + "SET other 1\r\nGET big2\r\n".repeat(60))
          .getBytes(StandardCharsets.ISO_8859_1));
      slow.getOutputStream().flush();
      await(() -> field(clientNamed("slow"), "omem") > RespConnection.OUTPUT_BACKLOG);
      assertThat(field(clientNamed("slow"), "omem")).isLessThanOrEqualTo(RespConnection.OUTPUT_BACKLOG + 17L * (value.length() + 64));
      assertThat(admin.call("PING")).isEqualTo("PONG");

      InputStream in = slow.getInputStream();
      long expected = "+OK\r\n".length() + 60L * ("+OK\r\n".length() + ("$" + value.length() + "\r\n" + value + "\r\n").length());
      in.skipNBytes(expected - 1);
      assertThat(in.read()).isEqualTo('\n');
    }
  }

  @Test
  void aFloodOfEmptyElementsIsCutAtTheQueryBufferLimit() throws Exception {
    admin.call("CONFIG", "SET", "client-query-buffer-limit", "1mb");
    try (RespClient flood = new RespClient(comdb.port)) {
      byte[] chunk = "$0\r\n\r\n".repeat(10_000).getBytes(StandardCharsets.ISO_8859_1);
      try {
        flood.sendRaw("*2147483647\r\n".getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 100; i++) { // 40 bytes held for each of a million elements: far past 1 MiB
          flood.sendRaw(chunk);
        }
      } catch (IOException closed) {
        // the server closed it while we were still sending
      }
      assertThat(flood.closedByServer()).isTrue();
    }
    assertThat(admin.call("PING")).isEqualTo("PONG");
  }

  @Test
  void beyondMaxclientsANewClientGetsRedissErrorAndIsClosed() throws Exception {
    long connected = infoField("clients", "connected_clients");
    admin.call("CONFIG", "SET", "maxclients", Long.toString(connected + 1));
    try (RespClient last = new RespClient(comdb.port); RespClient refused = new RespClient(comdb.port)) {
      assertThat(last.call("PING")).isEqualTo("PONG");
      assertThat(refused.read()).isEqualTo(new RespClient.Error("ERR max number of clients reached"));
      assertThat(refused.closedByServer()).isTrue();
    }
    assertThat(infoField("stats", "rejected_connections")).isPositive();
  }

  @Test
  void anIdleClientIsClosedAfterTimeoutButASubscriberIsNot() throws Exception {
    admin.call("CONFIG", "SET", "timeout", "1");
    try (RespClient idle = new RespClient(comdb.port); RespClient subscriber = new RespClient(comdb.port)) {
      assertThat(idle.call("PING")).isEqualTo("PONG");
      subscriber.call("SUBSCRIBE", "news");
      assertThat(idle.closedByServer()).isTrue(); // within about two seconds
      try (RespClient publisher = new RespClient(comdb.port)) {
        assertThat(publisher.call("PUBLISH", "news", "still here")).isEqualTo(1L);
      }
      assertThat(subscriber.read()).isEqualTo(List.of("message", "news", "still here"));
    }
  }

  @Test
  void aSubscriberPastItsHardOutputLimitIsClosed() throws Exception {
    admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 60");
    try (Socket subscriber = slowReader()) {
      subscriber.getOutputStream().write("SUBSCRIBE feed\r\n".getBytes(StandardCharsets.ISO_8859_1));
      await(() -> call("PUBSUB", "NUMSUB", "feed").equals(List.of("feed", 1L)));
      String message = "m".repeat(64 << 10);
      long delivered = 1;
      for (int i = 0; i < 2000 && delivered > 0; i++) { // it reads nothing: its replies pile up
        delivered = (Long) admin.call("PUBLISH", "feed", message);
      }
      assertThat(delivered).isZero();
      assertThat(infoField("stats", "client_output_buffer_limit_disconnections")).isPositive();
    }
  }

  @Test
  void configSetAcceptsRedissTuningParametersAndReportsThemBack() throws Exception {
    assertThat(admin.call("CONFIG", "SET", "hash-max-ziplist-value", "128", "save", "", "appendonly", "yes",
        "zset-max-ziplist-entries", "256", "maxmemory-policy", "allkeys-lru")).isEqualTo("OK");
    assertThat(admin.call("CONFIG", "GET", "hash-max-ziplist-value")).isEqualTo(List.of("hash-max-ziplist-value", "128"));
    assertThat(admin.call("CONFIG", "GET", "MAXMEMORY-POLICY")).isEqualTo(List.of("maxmemory-policy", "allkeys-lru"));
    assertThat(admin.call("CONFIG", "SET", "set-max-intset-entries", "x")).isEqualTo(new RespClient.Error(
        "ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - argument couldn't be parsed into an integer"));
    assertThat(admin.call("CONFIG", "SET", "no-such-thing", "1")).isEqualTo(new RespClient.Error(
        "ERR Unknown option or number of arguments for CONFIG SET - 'no-such-thing'"));
    assertThat(admin.call("CONFIG", "SET", "databases", "32")).isEqualTo(new RespClient.Error(
        "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"));
    // all or nothing: the bad second pair leaves the first unchanged
    assertThat(admin.call("CONFIG", "SET", "slowlog-max-len", "7", "appendonly", "maybe")).isInstanceOf(RespClient.Error.class);
    assertThat(admin.call("CONFIG", "GET", "slowlog-max-len")).isEqualTo(List.of("slowlog-max-len", "128"));
  }

  private Object call(String... args) {
    try {
      return admin.call(args);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CLIENT LIST line of the (one) client whose last command is {@code command}. */
  private String clientOf(String command) {
    for (String line : ((String) call("CLIENT", "LIST")).split("\n")) {
      if (line.contains(" cmd=" + command + " ")) {
        return line;
      }
    }
    return "";
  }

  private String clientNamed(String name) {
    for (String line : ((String) call("CLIENT", "LIST")).split("\n")) {
      if (line.contains(" name=" + name + " ")) {
        return line;
      }
    }
    return "";
  }

  private static long field(String clientLine, String name) {
    for (String part : clientLine.split(" ")) {
      if (part.startsWith(name + "=")) {
        return Long.parseLong(part.substring(name.length() + 1));
      }
    }
    return -1;
  }

  private long infoField(String section, String name) throws IOException {
    for (String line : ((String) admin.call("INFO", section)).split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " is not in INFO " + section);
  }

  /** Polls a condition the server reaches on its own (a checkpoint), for at most ten seconds. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not reached in 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
