package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protocol abuse over raw sockets: the offender gets Redis's error and is closed; everyone else carries on. */
class RespProtocolTest {
  @TempDir
  static Path dir;
  static ComDbResp comdb;

  @BeforeAll
  static void start() throws Exception {
    comdb = ComDbResp.start(dir, new JsonObject());
    try (RespClient c = new RespClient(comdb.port)) {
      assertThat(c.call("SET", "kept", "safe")).isEqualTo("OK");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    comdb.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Sends raw bytes on a fresh connection; expects one error reply and then the close. */
  private static void assertProtocolError(String raw, String error) throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      c.sendRaw(bytes(raw));
      assertThat(c.read()).isEqualTo(new RespClient.Error(error));
      assertThat(c.closedByServer()).isTrue();
    }
    assertServerServes();
  }

  private static void assertServerServes() throws Exception {
    try (RespClient other = new RespClient(comdb.port)) {
      assertThat(other.call("PING")).isEqualTo("PONG");
      assertThat(other.call("GET", "kept")).isEqualTo("safe");
    }
  }

  @Test
  void anHttpRequestSentToTheRedisPortRunsNothingAndIsClosed() throws Exception {
    // What a web page's no-cors fetch sends: the body's SET must not run.
    for (String request : new String[] {
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:6380\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\nSET attacked yes\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:6380\r\n\r\nSET attacked yes\r\n"}) {
      try (RespClient c = new RespClient(comdb.port)) {
        c.sendRaw(bytes(request));
        assertThat(c.drainUntilClosed()).as("the connection closes").isTrue();
      }
    }
    try (RespClient other = new RespClient(comdb.port)) {
      assertThat(other.call("EXISTS", "attacked")).isEqualTo(0L);
    }
    assertServerServes();
  }

  @Test
  void aClientThatEndsItsInputGetsEveryReplyThenTheConnectionCloses() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      c.sendRaw(bytes("SET piped yes\r\nGET piped\r\nINCR piped:n\r\n"));
      c.endInput(); // the writes are still at the writer when the end of input arrives
      assertThat(c.read()).isEqualTo("OK");
      assertThat(c.read()).isEqualTo("yes");
      assertThat(c.read()).isEqualTo(1L);
      assertThat(c.closedByServer()).isTrue();
    }
    assertServerServes();
  }

  @Test
  void badLengthsGetRedissErrorsAndTheConnectionCloses() throws Exception {
    assertProtocolError("*1\r\n$-5\r\n", "ERR Protocol error: invalid bulk length");
    assertProtocolError("*1\r\n$999999999999\r\n", "ERR Protocol error: invalid bulk length");
    assertProtocolError("*1\r\n$x\r\n", "ERR Protocol error: invalid bulk length");
    assertProtocolError("*99999999999\r\n", "ERR Protocol error: invalid multibulk length");
    assertProtocolError("*abc\r\n", "ERR Protocol error: invalid multibulk length");
    assertProtocolError("*2\r\n+GET\r\n", "ERR Protocol error: expected '$', got '+'");
    assertProtocolError("SET \"unbalanced\r\n", "ERR Protocol error: unbalanced quotes in request");
    assertProtocolError("*1\r\n$" + "1".repeat(70_000), "ERR Protocol error: too big bulk count string");
    assertProtocolError("x".repeat(70_000), "ERR Protocol error: too big inline request");
  }

  @Test
  void emptyAndNegativeArraysAreNoCommand() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      c.sendRaw(bytes("*0\r\n*-1\r\n\r\n*1\r\n$4\r\nPING\r\n"));
      assertThat(c.read()).isEqualTo("PONG");
    }
  }

  @Test
  void framesSplitAtEveryByteStillParse() throws Exception {
    byte[] frame = bytes("*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$6\r\nv\r\n\r\nx\r\n*2\r\n$3\r\nGET\r\n$5\r\nsplit\r\n");
    try (Socket socket = new Socket("127.0.0.1", comdb.port)) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      for (byte b : frame) {
        out.write(b);
        out.flush();
      }
      java.io.InputStream in = socket.getInputStream();
      byte[] expected = bytes("+OK\r\n$6\r\nv\r\n\r\nx\r\n");
      assertThat(in.readNBytes(expected.length)).isEqualTo(expected);
    }
  }

  @Test
  void binaryKeysAndValuesWithCrLfInsideRoundTrip() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      String key = "k\r\n\0\u00ff";
      String value = "\r\n*1\r\n$4\r\nPING\r\n\0";
      assertThat(c.call("SET", key, value)).isEqualTo("OK");
      assertThat(c.call("GET", key)).isEqualTo(value);
      assertThat(c.call("STRLEN", key)).isEqualTo((long) value.length());
    }
  }

  @Test
  void inlineCommandsWorkAsWithTelnet() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      c.sendRaw(bytes("SET inline \"two words\\n\"\r\nGET inline\nPING\r\n"));
      assertThat(c.read()).isEqualTo("OK");
      assertThat(c.read()).isEqualTo("two words\n");
      assertThat(c.read()).isEqualTo("PONG");
    }
  }

  @Test
  void aMillionElementHeaderCostsNothingUntilItsElementsCome() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      c.sendRaw(bytes("*1000000\r\n$3\r\nSET\r\n"));
      assertServerServes();
    }
    assertServerServes();
  }

  @Test
  void aClientThatNeverReadsIsPausedAndOthersCarryOn() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      assertThat(c.call("SET", "big", "b".repeat(100_000))).isEqualTo("OK");
    }
    try (Socket hog = new Socket("127.0.0.1", comdb.port)) {
      hog.setReceiveBufferSize(4096);
      OutputStream out = hog.getOutputStream();
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < 100; i++) {
        batch.write(bytes("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n")); // 100 KB of reply each
      }
      hog.setSoTimeout(100);
      Thread writer = new Thread(() -> {
        try {
          for (int round = 0; round < 100_000; round++) { // 280 MB of requests, far more than socket buffers hold
            out.write(batch.toByteArray()); // blocks once the server stops reading: that is the point
          }
        } catch (Exception e) {
          // closed at the end of the test
        }
      });
      writer.setDaemon(true);
      writer.start();
      writer.join(3000);
      assertThat(writer.isAlive()).as("the server stopped reading the client that does not read").isTrue();
      assertServerServes();
    }
    assertServerServes();
  }

  @Test
  void helloThreeSwitchesToResp3() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      Object hello = c.call("HELLO", "3");
      assertThat(hello).isInstanceOfSatisfying(RespClient.Typed.class, t -> assertThat(t.type()).isEqualTo('%'));
      c.call("HSET", "r3", "a", "1");
      assertThat(c.call("HGETALL", "r3")).isEqualTo(new RespClient.Typed('%', List.of("a", "1")));
      assertThat(c.call("GET", "missing")).isNull();
      assertThat(c.call("SMEMBERS", "missing")).isEqualTo(new RespClient.Typed('~', List.of()));
      c.call("ZADD", "r3z", "1.5", "a", "2", "b");
      assertThat(c.call("ZRANGE", "r3z", "0", "-1", "WITHSCORES")).isEqualTo(List.of(
          List.of("a", new RespClient.Typed(',', "1.5")), List.of("b", new RespClient.Typed(',', "2"))));
      assertThat(c.call("ZSCORE", "r3z", "a")).isEqualTo(new RespClient.Typed(',', "1.5"));
    }
  }

  @Test
  void errorsNameTheCommandAsRedisDoes() throws Exception {
    try (RespClient c = new RespClient(comdb.port)) {
      assertThat(c.call("FOO", "a", "b")).isEqualTo(new RespClient.Error("ERR unknown command 'FOO', with args beginning with: 'a' 'b' "));
      assertThat(c.call("GET")).isEqualTo(new RespClient.Error("ERR wrong number of arguments for 'get' command"));
      assertThat(c.call("SELECT", "16")).isEqualTo(new RespClient.Error("ERR DB index is out of range"));
      assertThat(c.call("HELLO", "4")).isEqualTo(new RespClient.Error("NOPROTO unsupported protocol version"));
      assertThat(c.call("COMMAND", "COUNT")).isInstanceOf(Long.class);
      assertThat(c.call("COMMAND", "INFO", "get")).isEqualTo(List.of(List.of("get", 2L, List.of("fast", "readonly"), 1L, 1L, 1L)));
    }
  }
}
