package io.comdb.verticles.line;

import static io.comdb.verticles.Bus.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.verticles.ServerVerticle;
import io.comdb.verticles.http.HttpVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ChromoDB's line protocol on a started server, over real sockets. */
@ExtendWith(VertxExtension.class)
class LineProtocolTest {
  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private int start(Vertx vertx, JsonObject line, JsonObject security) throws Exception {
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dir.resolve("data").toString()).put("sync", "always"))
        .put("http", new JsonObject().put("port", 0))
        .put("resp", new JsonObject().put("enabled", false))
        .put("line", line.put("port", 0))
        .put("security", security);
    await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    return LineProtocolVerticle.port(vertx);
  }

  private int start(Vertx vertx) throws Exception {
    return start(vertx, new JsonObject(), new JsonObject().put("password", "somepassword"));
  }

  @Test
  void aChromoDbSessionGetsChromoDbsAnswers(Vertx vertx) throws Exception {
    int port = start(vertx);
    try (LineClient client = LineClient.login(port, "default", "somepassword")) {
      assertThat(client.line()).isEqualTo("AUTH OK");
      assertThat(client.command("PUT->keyname->value")).isEqualTo("PUT SUCCESS");
      assertThat(client.command("GET->keyname")).isEqualTo("value");
      assertThat(client.command("PUT->keyname->2")).isEqualTo("PUT SUCCESS");
      assertThat(client.command("GET->keyname")).isEqualTo("2");
      assertThat(client.command("DEL->keyname")).isEqualTo("DEL SUCCESS");
      assertThat(client.command("GET->keyname")).isEqualTo("key not found");
      assertThat(client.command("MEM")).matches("Current memory usage: [0-9]+ bytes");
      assertThat(client.command("DISK")).matches("DISK USAGE: [1-9][0-9]* bytes");
      // Any case, LF or CRLF, keys and values trimmed; a value may hold the arrow.
      assertThat(client.send("put-> spaced key ->  a -> b \n").line()).isEqualTo("PUT SUCCESS");
      assertThat(client.send("Get->spaced key\n").line()).isEqualTo("a -> b");
      assertThat(client.command("mem")).startsWith("Current memory usage: ");
      // What ChromoDB answers to malformed and unknown commands.
      assertThat(client.command("PUT->only-a-key")).isEqualTo("bad sequence");
      assertThat(client.command("PUT->->value")).isEqualTo("bad sequence");
      assertThat(client.command("GET")).isEqualTo("bad sequence");
      assertThat(client.command("DEL->")).isEqualTo("bad sequence");
      assertThat(client.command("MEM->x")).isEqualTo("bad sequence");
      assertThat(client.command("SELECT * FROM t")).isEqualTo("nonexistent command");
      assertThat(client.command("")).isEqualTo("nonexistent command");
    }
  }

  @Test
  void chromoDbsReadmeSessionWorksWithAConfiguredUser(Vertx vertx) throws Exception {
    JsonObject users = new JsonObject()
        .put("alex", new JsonObject().put("password", io.comdb.verticles.Users.hash("somepassword")).put("role", "write"))
        .put("viewer", new JsonObject().put("password", io.comdb.verticles.Users.hash("look")).put("role", "read"));
    int port = start(vertx, new JsonObject(), new JsonObject().put("users", users));
    try (LineClient client = new LineClient(port)) {
      // Byte for byte what ChromoDB's README has a client send, and what ChromoDB answers.
      client.send("YWxleFwwc29tZXBhc3N3b3Jk\r\n");
      assertThat(client.line()).isEqualTo("AUTH OK");
      assertThat(client.command("PUT->keyname->value")).isEqualTo("PUT SUCCESS");
      assertThat(client.command("GET->keyname")).isEqualTo("value");
      assertThat(client.command("PUT->keyname->2")).isEqualTo("PUT SUCCESS");
      assertThat(client.command("GET->keyname")).isEqualTo("2");
      assertThat(client.command("DEL->keyname")).isEqualTo("DEL SUCCESS");
    }
    try (LineClient viewer = LineClient.login(port, "viewer", "look")) {
      assertThat(viewer.line()).isEqualTo("AUTH OK");
      assertThat(viewer.command("PUT->keyname->3")).isEqualTo("no permission: user viewer may only read");
      assertThat(viewer.command("DEL->keyname")).isEqualTo("no permission: user viewer may only read");
      assertThat(viewer.command("GET->keyname")).isEqualTo("key not found");
    }
    for (String[] wrong : new String[][] {{"alex", "wrong"}, {"default", "somepassword"}, {"viewer", "somepassword"}}) {
      try (LineClient client = LineClient.login(port, wrong[0], wrong[1])) {
        assertThat(client.line()).as(String.join("/", wrong)).isEqualTo("Invalid authentication. Bye!");
      }
    }
  }

  @Test
  void itSharesTheKeyspaceOfTheKeyValueApi(Vertx vertx) throws Exception {
    int port = start(vertx);
    String base = "http://127.0.0.1:" + HttpVerticle.port(vertx);
    try (LineClient client = LineClient.login(port, "default", "somepassword")) {
      assertThat(client.line()).isEqualTo("AUTH OK");
      assertThat(client.command("PUT->k->from the line")).isEqualTo("PUT SUCCESS");
      HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(base + "/bitcask/get?key=k"))
          .header("Authorization", "Bearer somepassword").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(got.body()).isEqualTo("\"from the line\"\n");
      http.send(HttpRequest.newBuilder(URI.create(base + "/v1/kv/h")).header("Authorization", "Bearer somepassword")
          .PUT(HttpRequest.BodyPublishers.ofString("from http")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(client.command("GET->h")).isEqualTo("from http");
    }
  }

  @Test
  void wrongCredentialsAreToldSoAndTheConnectionIsClosed(Vertx vertx) throws Exception {
    int port = start(vertx);
    for (String first : new String[] {
        LineClient.base64("default\\0wrong"), LineClient.base64("nobody\\0somepassword"), LineClient.base64("no separator"),
        "not base64 at all!", ""}) {
      try (LineClient client = new LineClient(port)) {
        client.send(first + "\r\n");
        assertThat(client.line()).as(first).isEqualTo("Invalid authentication. Bye!");
        assertThat(client.line()).isNull();
      }
    }
    // A NUL byte separates too.
    try (LineClient client = new LineClient(port)) {
      client.send(LineClient.base64("default\0somepassword") + "\n");
      assertThat(client.line()).isEqualTo("AUTH OK");
      assertThat(client.command("GET->missing")).isEqualTo("key not found");
    }
  }

  @Test
  void anOpenServerTakesAnyCredentials(Vertx vertx) throws Exception {
    int port = start(vertx, new JsonObject(), new JsonObject());
    try (LineClient client = LineClient.login(port, "alex", "somepassword")) {
      assertThat(client.line()).isEqualTo("AUTH OK");
      assertThat(client.command("PUT->a->1")).isEqualTo("PUT SUCCESS");
    }
  }

  @Test
  void pipelinedCommandsAreAnsweredInOrderAndReadTheirOwnWrites(Vertx vertx) throws Exception {
    int port = start(vertx);
    try (LineClient client = LineClient.login(port, "default", "somepassword")) {
      assertThat(client.line()).isEqualTo("AUTH OK");
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 3000; i++) {
        batch.append("PUT->p").append(i % 7).append("->").append(i).append("\r\nGET->p").append(i % 7).append("\r\n");
      }
      client.send(batch.toString());
      for (int i = 0; i < 3000; i++) {
        assertThat(client.line()).isEqualTo("PUT SUCCESS");
        assertThat(client.line()).isEqualTo(Integer.toString(i));
      }
    }
  }

  @Test
  void aClientThatEndsItsInputGetsEveryAnswerThenTheConnectionCloses(Vertx vertx) throws Exception {
    int port = start(vertx, new JsonObject(), new JsonObject());
    try (LineClient client = new LineClient(port)) {
      // ChromoDB's README example credentials, as `printf ... | nc` sends them.
      client.send("YWxleFwwc29tZXBhc3N3b3Jk\r\nPUT->keyname->value\r\nGET->keyname\r\nDEL->keyname\r\nGET->keyname\r\nDISK\r\n");
      client.endInput();
      assertThat(client.line()).isEqualTo("AUTH OK");
      assertThat(client.line()).isEqualTo("PUT SUCCESS");
      assertThat(client.line()).isEqualTo("value");
      assertThat(client.line()).isEqualTo("DEL SUCCESS");
      assertThat(client.line()).isEqualTo("key not found");
      assertThat(client.line()).as("counts the writes before it").matches("DISK USAGE: [1-9][0-9]+ bytes");
      assertThat(client.line()).isNull();
    }
  }

  @Test
  void aLineOverTheLimitClosesThatClientOnly(Vertx vertx) throws Exception {
    int port = start(vertx, new JsonObject().put("maxLineBytes", 1024), new JsonObject().put("password", "somepassword"));
    try (LineClient other = LineClient.login(port, "default", "somepassword");
        LineClient client = LineClient.login(port, "default", "somepassword")) {
      assertThat(other.line()).isEqualTo("AUTH OK");
      assertThat(client.line()).isEqualTo("AUTH OK");
      client.send("PUT->big->" + "x".repeat(4096) + "\r\n");
      assertThat(client.line()).isEqualTo("line too long (line.maxLineBytes is 1024)");
      assertThat(client.line()).isNull();
      assertThat(other.command("PUT->small->" + "y".repeat(900))).isEqualTo("PUT SUCCESS");
      assertThat(other.command("GET->big")).isEqualTo("key not found");
    }
  }

  @Test
  void connectionsAreBoundedAndIdleOnesClosed(Vertx vertx) throws Exception {
    int port = start(vertx, new JsonObject().put("maxClients", 2).put("idleSeconds", 1), new JsonObject().put("password", "somepassword"));
    try (LineClient first = LineClient.login(port, "default", "somepassword");
        LineClient second = LineClient.login(port, "default", "somepassword")) {
      assertThat(first.line()).isEqualTo("AUTH OK");
      assertThat(second.line()).isEqualTo("AUTH OK");
      try (LineClient third = new LineClient(port)) {
        assertThat(third.line()).isEqualTo("too many connections (line.maxClients)");
        assertThat(third.line()).isNull();
      }
      first.timeout(15_000);
      second.timeout(15_000);
      assertThat(first.line()).as("closed once idle").isNull();
      assertThat(second.line()).as("closed once idle").isNull();
    }
    // The server counts them out as it closes them: a moment after, there is room again.
    long deadline = System.nanoTime() + 5_000_000_000L;
    String answer;
    do {
      try (LineClient again = LineClient.login(port, "default", "somepassword")) {
        answer = again.line();
      }
    } while (!"AUTH OK".equals(answer) && System.nanoTime() < deadline);
    assertThat(answer).isEqualTo("AUTH OK");
  }
}
