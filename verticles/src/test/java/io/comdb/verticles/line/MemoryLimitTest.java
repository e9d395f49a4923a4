package io.comdb.verticles.line;

import static io.comdb.verticles.Bus.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.verticles.ServerVerticle;
import io.comdb.verticles.http.HttpVerticle;
import io.comdb.verticles.resp.RespVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * engine.maxMemoryBytes on every API: past it, writes that add keys are refused with each protocol's error,
 * while reads, overwrites and deletes go on; deleting brings the server back under it.
 */
@ExtendWith(VertxExtension.class)
class MemoryLimitTest {
  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  private HttpResponse<String> put(String key, String value) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/kv/" + key)).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> delete(String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/kv/" + key)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One RESP command, inline, on a fresh connection: the reply's first line. */
  private static String resp(int port, String command) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  @Test
  void pastTheLimitWritesThatAddKeysAreRefusedOnEveryApiAndTheRestGoesOn(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dir.resolve("data").toString()).put("maxMemoryBytes", "64kb"))
        .put("http", new JsonObject().put("port", 0))
        .put("resp", new JsonObject().put("port", 0))
        .put("line", new JsonObject().put("port", 0));
    await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    base = "http://127.0.0.1:" + HttpVerticle.port(vertx);
    int resp = RespVerticle.port(vertx);
    int written = 0;
    while (put("key-" + written, "v").statusCode() == 204) {
      written++;
      assertThat(written).as("the limit is reached").isLessThan(5000);
    }
    // 64 KiB of keydir at about 40 bytes a key plus its 5 to 8 bytes.
    assertThat(written).isBetween(1000, 1600);
    HttpResponse<String> refused = put("one-more", "v");
    assertThat(refused.statusCode()).isEqualTo(507);
    assertThat(new JsonObject(refused.body()).getString("error")).contains("maxmemory");
    assertThat(resp(resp, "SET fresh v")).isEqualTo("-OOM command not allowed when used memory > 'maxmemory'.");
    assertThat(resp(resp, "GET key-1")).isEqualTo("$-1"); // another keyspace: Redis keys are not KV keys
    assertThat(resp(resp, "INFO memory")).startsWith("$");
    try (LineClient line = LineClient.login(LineProtocolVerticle.port(vertx), "any", "one")) {
      assertThat(line.line()).isEqualTo("AUTH OK");
      assertThat(line.command("PUT->fresh->v")).startsWith("command not allowed when used memory > 'maxmemory'");
      assertThat(line.command("PUT->key-7->overwritten")).isEqualTo("PUT SUCCESS");
      assertThat(line.command("GET->key-7")).isEqualTo("overwritten");
      assertThat(line.command("MEM")).matches("Current memory usage: [0-9]{5,} bytes");
    }
    assertThat(put("key-3", "overwrite").statusCode()).isEqualTo(204);
    JsonObject stats = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/stats")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(stats.getLong("maxMemoryBytes")).isEqualTo(65536);
    assertThat(stats.getLong("memoryBytes")).isGreaterThan(65536);
    // Deletes work, and bring the keydir under the limit: writes are taken again.
    for (int i = 0; i < written / 2; i++) {
      assertThat(delete("key-" + i).statusCode()).isEqualTo(200);
    }
    assertThat(put("one-more", "v").statusCode()).isEqualTo(204);
    assertThat(resp(resp, "SET fresh v")).isEqualTo("+OK");
    // CONFIG SET maxmemory changes it at run time.
    assertThat(resp(resp, "CONFIG SET maxmemory 1kb")).isEqualTo("+OK");
    assertThat(put("another", "v").statusCode()).isEqualTo(507);
    assertThat(resp(resp, "CONFIG SET maxmemory 0")).isEqualTo("+OK");
    assertThat(put("another", "v").statusCode()).isEqualTo(204);
    for (int i = written / 2; i < written; i++) {
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/kv/key-" + i)).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).as("nothing stored was lost").isEqualTo(200);
    }
  }
}
