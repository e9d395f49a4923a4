package io.comdb.verticles.http;

import static io.comdb.verticles.Bus.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.verticles.ServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Requests no good client sends, on every route: none gets a 5xx, every error is JSON, and the server carries on. */
@ExtendWith(VertxExtension.class)
class HttpHardeningTest {
  private static final String[] GET_QUERIES = {
      "/bitcask/get?key=", "/bitcask/prefix?prefix=", "/v1/kv?prefix=", "/v1/kv?cursor=", "/v1/kv?limit=", "/v1/kv?encoding=",
      "/memory/get?agentId=a&id=", "/memory/get?agentId=", "/memory/search?agentId=a&query=", "/memory/search?agentId=",
      "/v1/agents/a/memories?limit=", "/v1/agents/a/memories?cursor="};
  private static final String[] BAD_VALUES = {"%ZZ", "%", "%E0%A4", "%00", "-1", "abc", "99999999999999999999"};
  private static final String[] PATHS = {
      "/v1/kv/%ZZ", "/v1/kv/%", "/v1/agents/%ZZ", "/v1/agents/%ZZ/memories", "/v1/agents/a/memories/%ZZ",
      "/v1/agents/a/memories/%ZZ/history", "/%ZZ", "/bitcask/%ZZ"};
  private static final String[] POSTS = {
      "/bitcask/put", "/bitcask/putByByte", "/bitcask/merge", "/v1/txn", "/v1/admin/backup", "/memory/create", "/memory/set",
      "/memory/delete", "/memory/compress", "/memory/newCompressor", "/memory/create-compressor", "/v1/agents/a/memories",
      "/v1/agents/a/memories/search", "/v1/agents/a/compress"};
  private static final String[] BODIES = {"{", "[]", "\"x\"", "null", "{\"key\": [1, {}]}", "\u0000\u0001\u00ff", "{\"a\":1}{\"b\":2}"};

  @TempDir
  Path dir;

  private int start(Vertx vertx) throws Exception {
    return start(vertx, new JsonObject(), new JsonObject());
  }

  private int start(Vertx vertx, JsonObject http, JsonObject security) throws Exception {
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dir.resolve("data").toString()))
        .put("http", http.put("port", 0))
        .put("security", security)
        .put("resp", new JsonObject().put("enabled", false))
        .put("line", new JsonObject().put("enabled", false));
    await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    return HttpVerticle.port(vertx);
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  }

  private static String post(String target, String body) {
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + "Content-Length: " + body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1).length + "\r\n\r\n" + body;
  }

  /** The error text of a JSON error body; empty when the body is no such thing. */
  private static String jsonError(String body) {
    try {
      String error = new JsonObject(body).getString("error");
      return error == null ? "" : error;
    } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
      return "";
    }
  }

  @Test
  void noMalformedRequestGetsA5xxAndEveryErrorIsJson(Vertx vertx) throws Exception {
    int port = start(vertx);
    List<String> requests = new ArrayList<>();
    for (String query : GET_QUERIES) {
      for (String value : BAD_VALUES) {
        requests.add(get(query + value));
        requests.add("DELETE " + query.replace("/bitcask/get", "/bitcask/delete") + value + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      }
    }
    for (String path : PATHS) {
      for (String method : new String[] {"GET", "PUT", "DELETE", "POST"}) {
        requests.add(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      }
    }
    for (String target : POSTS) {
      for (String body : BODIES) {
        requests.add(post(target, body));
      }
    }
    // Framing and the request line: what the HTTP layer answers before any route runs.
    requests.add("GET /v1/stats HTTP/1.1\r\nConnection: close\r\n\r\n"); // no Host
    requests.add("GET /v1/stats HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n");
    requests.add("GET /v1/stats FOO/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    requests.add("PUT /v1/kv/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\nxyz");
    requests.add("PUT /v1/kv/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\nxyz");
    requests.add("PUT /v1/kv/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nxyzw");
    requests.add("PUT /v1/kv/a HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxyz\r\n0\r\n\r\n");
    requests.add("GET /v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n");
    requests.add("GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    requests.add("GET /v1/stats HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n");
    requests.add("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n"); // a TLS ClientHello
    for (String request : requests) {
      RawHttp.Response response = RawHttp.send(port, request);
      String what = request.substring(0, Math.min(request.length(), 120));
      assertThat(response.status()).as("answered, and not with a 5xx: %s -> %s", what, response.body()).isBetween(200, 499);
      if (response.status() >= 400) {
        assertThat(jsonError(response.body())).as("a JSON error: %s -> %s", what, response.body()).isNotEmpty();
      }
    }
    RawHttp.Response fine = RawHttp.send(port, get("/v1/stats"));
    assertThat(fine.status()).isEqualTo(200);
    assertThat(requests).hasSizeGreaterThan(200);
  }

  private static String request(String method, String target, String... headers) {
    StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nConnection: close\r\nContent-Length: 1\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request.append("\r\nx").toString();
  }

  @Test
  void aRequestForAnotherHostIsRefusedWhileBoundToLoopback(Vertx vertx) throws Exception {
    int port = start(vertx);
    for (String host : new String[] {"localhost", "localhost:" + port, "127.0.0.1:" + port, "127.1.2.3", "[::1]:" + port, "app.localhost"}) {
      assertThat(RawHttp.send(port, request("GET", "/v1/stats", "Host: " + host)).status()).as(host).isEqualTo(200);
    }
    for (String host : new String[] {"evil.example", "evil.example:" + port, "127.0.0.1.evil.example", "10.0.0.1", "[::2]", ""}) {
      RawHttp.Response refused = RawHttp.send(port, request("PUT", "/v1/kv/rebound", "Host: " + host));
      assertThat(refused.status()).as(host).isEqualTo(403);
      assertThat(jsonError(refused.body())).isNotEmpty();
    }
    assertThat(RawHttp.send(port, request("GET", "/v1/kv/rebound", "Host: localhost")).status()).as("nothing was written").isEqualTo(404);
  }

  @Test
  void aWebPageMayReadButNotWriteUnlessItsOriginIsAllowed(Vertx vertx) throws Exception {
    int port = start(vertx, new JsonObject().put("allowedOrigins", new io.vertx.core.json.JsonArray().add("https://app.example")),
        new JsonObject());
    RawHttp.Response refused = RawHttp.send(port, request("PUT", "/v1/kv/k", "Host: localhost", "Origin: https://evil.example"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(jsonError(refused.body())).contains("http.allowedOrigins");
    assertThat(RawHttp.send(port, request("POST", "/bitcask/merge", "Host: localhost", "Origin: null")).status()).isEqualTo(403);
    assertThat(RawHttp.send(port, request("PUT", "/v1/kv/k", "Host: localhost", "Origin: https://app.example")).status()).isEqualTo(204);
    assertThat(RawHttp.send(port, request("PUT", "/v1/kv/k", "Host: localhost")).status()).as("no Origin: not a browser").isEqualTo(204);
    assertThat(RawHttp.send(port, request("GET", "/v1/kv/k", "Host: localhost", "Origin: https://evil.example")).status()).isEqualTo(200);
  }

  @Test
  void healthShowsFiguresOnlyToThoseWithThePassword(Vertx vertx) throws Exception {
    int port = start(vertx, new JsonObject(), new JsonObject().put("password", "s3cret"));
    RawHttp.Response anyone = RawHttp.send(port, request("GET", "/health", "Host: localhost"));
    assertThat(anyone.status()).isEqualTo(200);
    assertThat(new JsonObject(anyone.body())).isEqualTo(new JsonObject().put("status", "UP"));
    RawHttp.Response admin = RawHttp.send(port, request("GET", "/health", "Host: localhost", "Authorization: Bearer s3cret"));
    assertThat(new JsonObject(admin.body()).getJsonObject("engine").getLong("liveKeys")).isZero();
  }
}
