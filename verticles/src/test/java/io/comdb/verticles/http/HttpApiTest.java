package io.comdb.verticles.http;

import static io.comdb.verticles.Bus.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.comdb.verticles.ServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API of a started server, through a real client over a real socket. */
@ExtendWith(VertxExtension.class)
class HttpApiTest {
  @TempDir
  Path dir;

  private Http start(Vertx vertx, JsonObject http, JsonObject security) throws Exception {
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dir.resolve("data").toString()))
        .put("http", http.put("port", 0))
        .put("resp", new JsonObject().put("port", 0))
        .put("line", new JsonObject().put("port", 0))
        .put("security", security);
    await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    return new Http(HttpVerticle.port(vertx));
  }

  private Http start(Vertx vertx) throws Exception {
    return start(vertx, new JsonObject(), new JsonObject());
  }

  @Test
  void theComDbClientCallSequenceGetsTheGoServersAnswers(Vertx vertx) throws Exception {
    Http http = start(vertx);
    // test_connection
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
    // put: requests.post(json={key: value})
    HttpResponse<String> put = http.postJson("/bitcask/put", "{\"czp\": \"ZhangPeiCheng\"}");
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.body()).isEmpty();
    // get: requests.get(params={"key": key}).text
    HttpResponse<String> get = http.get("/bitcask/get?key=czp");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("\"ZhangPeiCheng\"\n");
    assertThat(get.headers().firstValue("Content-Type")).hasValue("application/json");
    // listKey
    assertThat(http.get("/bitcask/listkeys").body()).isEqualTo("[\"czp\"]\n");
    for (int i = 1; i <= 4; i++) {
      assertThat(http.postJson("/bitcask/put", "{\"czp" + i + "\": \"ZhangPeiCheng" + i + "\"}").statusCode()).isEqualTo(200);
    }
    // get_by_prefix
    JsonObject byPrefix = new JsonObject(http.get("/bitcask/prefix?prefix=czp").body());
    assertThat(byPrefix.fieldNames()).containsExactlyInAnyOrder("czp", "czp1", "czp2", "czp3", "czp4");
    assertThat(byPrefix.getString("czp3")).isEqualTo("ZhangPeiCheng3");
    // delete
    HttpResponse<String> delete = http.delete("/bitcask/delete?key=czp1");
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(delete.body()).isEqualTo("\"OK\"\n");
    assertThat(http.get("/bitcask/get?key=czp1").body()).isEqualTo("\"\"\n");
    // Stat
    JsonObject stat = new JsonObject(http.get("/bitcask/stat").body());
    assertThat(stat.getLong("KeyNum")).isEqualTo(4);
    assertThat(stat.fieldNames()).containsExactlyInAnyOrder("KeyNum", "DataFileNum", "ReclaimableSize", "DiskSize");
    assertThat(stat.getLong("ReclaimableSize")).isPositive();
  }

  @Test
  void oneRequestPutsManyPairsAndPutByByteTakesBase64(Vertx vertx) throws Exception {
    Http http = start(vertx);
    assertThat(http.postJson("/bitcask/put", "{\"a\": \"1\", \"b\": \"2\", \"ключ\": \"значение\"}").statusCode()).isEqualTo(200);
    assertThat(http.get("/bitcask/get?key=%D0%BA%D0%BB%D1%8E%D1%87").body()).isEqualTo("\"значение\"\n");
    String base64 = Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 0xff});
    assertThat(http.postJson("/bitcask/putByByte", "{\"bin\": \"" + base64 + "\"}").statusCode()).isEqualTo(200);
    assertThat(http.getBytes("/v1/kv/bin").body()).containsExactly(0, 1, 2, 0xff);
    assertThat(new JsonArray(http.get("/bitcask/listkeys").body()).size()).isEqualTo(4);
  }

  @Test
  void badRequestsGetAJsonErrorAndLeaveTheServerServing(Vertx vertx) throws Exception {
    Http http = start(vertx, new JsonObject().put("maxBodyBytes", 1024), new JsonObject());
    http.postJson("/bitcask/put", "{\"kept\": \"yes\"}");

    assertError(http.postJson("/bitcask/put", "{not json"), 400, "not valid JSON");
    assertError(http.postJson("/bitcask/put", "[\"an\", \"array\"]"), 400, "must be a JSON object");
    assertError(http.postJson("/bitcask/put", "{\"k\": 5}"), 400, "the value of 'k' must be a string");
    assertError(http.postJson("/bitcask/putByByte", "{\"k\": \"***\"}"), 400, "not base64");
    assertError(http.postJson("/bitcask/put", "{\"big\": \"" + "x".repeat(2000) + "\"}"), 413, "over the limit of 1024 bytes");
    assertError(http.get("/bitcask/prefix"), 400, "'prefix' is required");
    assertError(http.delete("/bitcask/delete"), 400, "'key' is required");
    assertError(http.get("/bitcask/put"), 405, "not allowed");
    assertError(http.postJson("/bitcask/get?key=kept", "{}"), 405, "not allowed");
    assertError(http.get("/no/such/route"), 404, "no such route");
    assertError(http.get("/v1/kv?limit=0"), 400, "limit must be");
    assertError(http.get("/v1/kv?cursor=***"), 400, "cursor");
    assertThat(http.raw("GET", "/v1/kv/bad%zz")).isEqualTo("HTTP/1.1 400 Bad Request");
    assertError(http.put("/v1/kv/" + "k".repeat(70_000), new byte[1]), 413, "");

    assertThat(http.get("/bitcask/get?key=kept").body()).isEqualTo("\"yes\"\n");
    assertThat(new JsonArray(http.get("/bitcask/listkeys").body()).getList()).containsExactly("kept");
  }

  private static void assertError(HttpResponse<String> response, int status, String text) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (!text.isEmpty()) {
      JsonObject body = new JsonObject(response.body());
      assertThat(body.getString("error")).contains(text);
      assertThat(body.getInteger("status")).isEqualTo(status);
    }
  }

  @Test
  void v1KeysAreAnyBytesAndValuesTravelRaw(Vertx vertx) throws Exception {
    Http http = start(vertx);
    byte[] value = {0, (byte) 0x80, 10, 13, (byte) 0xff};
    assertThat(http.put("/v1/kv/a%2Fb%00c", value).statusCode()).isEqualTo(204);
    HttpResponse<byte[]> got = http.getBytes("/v1/kv/a%2Fb%00c");
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).containsExactly(value);
    assertThat(http.getBytes("/v1/kv/a%2Fb").statusCode()).isEqualTo(404);
    String page = http.get("/v1/kv?encoding=base64").body();
    assertThat(new JsonObject(page).getJsonArray("entries").getJsonObject(0).getString("key"))
        .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {'a', '/', 'b', 0, 'c'}));
    assertThat(new JsonObject(http.delete("/v1/kv/a%2Fb%00c").body()).getBoolean("deleted")).isTrue();
    assertThat(new JsonObject(http.delete("/v1/kv/a%2Fb%00c").body()).getBoolean("deleted")).isFalse();
    assertThat(http.getBytes("/v1/kv/a%2Fb%00c").statusCode()).isEqualTo(404);
  }

  @Test
  void aTransactionSetsAValueOnlyIfItsVersionIsTheOneRead(Vertx vertx) throws Exception {
    Http http = start(vertx);
    HttpResponse<String> put = http.put("/v1/kv/seats", "10".getBytes(UTF_8));
    long written = Long.parseLong(put.headers().firstValue("ComDB-Sequence").orElseThrow());
    HttpResponse<byte[]> read = http.getBytes("/v1/kv/seats");
    long version = Long.parseLong(read.headers().firstValue("ComDB-Version").orElseThrow());
    assertThat(version).isEqualTo(written);

    String book = "{\"compare\": [{\"key\": \"seats\", \"version\": " + version + "}],"
        + " \"success\": [{\"put\": {\"key\": \"seats\", \"value\": \"9\"}}, {\"put\": {\"key\": \"booking:1\", \"value\": \"ana\"}}],"
        + " \"failure\": [{\"get\": {\"key\": \"seats\"}}]}";
    HttpResponse<String> first = http.postJson("/v1/txn", book);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonObject won = new JsonObject(first.body());
    assertThat(won.getBoolean("succeeded")).isTrue();
    assertThat(won.getLong("sequence")).isPositive();
    assertThat(first.headers().firstValue("ComDB-Sequence")).contains(won.getLong("sequence").toString());
    JsonObject lost = new JsonObject(http.postJson("/v1/txn", book).body());
    assertThat(lost.getBoolean("succeeded")).as("the version moved on").isFalse();
    assertThat(lost.getJsonArray("responses").getJsonObject(0).getJsonObject("get").getString("value")).isEqualTo("9");
    assertThat(lost.getLong("sequence")).isEqualTo(-1);

    String base64 = "{\"encoding\": \"base64\", \"compare\": [{\"key\": \"" + Base64.getEncoder().encodeToString("seats".getBytes(UTF_8))
        + "\", \"value\": \"OQ==\"}, {\"key\": \"bm9wZQ==\", \"exists\": false}], \"success\": [{\"delete\": {\"key\": \"Ym9va2luZzox\"}},"
        + " {\"get\": {\"key\": \"Ym9va2luZzox\"}}]}";
    JsonObject deleted = new JsonObject(http.postJson("/v1/txn", base64).body());
    assertThat(deleted.getBoolean("succeeded")).isTrue();
    assertThat(deleted.getJsonArray("responses").getJsonObject(0).getJsonObject("delete").getBoolean("deleted")).isTrue();
    assertThat(deleted.getJsonArray("responses").getJsonObject(1).getJsonObject("get").getValue("value")).isNull();

    assertError(http.postJson("/v1/txn", "{\"compare\": [{\"key\": \"a\", \"value\": \"x\", \"version\": 1}]}"), 400, "exactly one of");
    assertError(http.postJson("/v1/txn", "{\"compare\": [{\"key\": \"a\", \"value\": \"x\", \"op\": \"~\"}]}"), 400, "'op' must be");
    assertError(http.postJson("/v1/txn", "{\"compare\": [{\"key\": \"a\", \"exists\": true, \"op\": \">\"}]}"), 400, "existence compare");
    assertError(http.postJson("/v1/txn", "{\"success\": [{\"put\": {\"key\": \"a\"}}]}"), 400, "'value' must be a string");
    assertError(http.postJson("/v1/txn", "{\"success\": [{\"rename\": {\"key\": \"a\"}}]}"), 400, "unknown operation");
    assertError(http.postJson("/v1/txn", "{\"success\": {}}"), 400, "must be an array");
    assertError(http.postJson("/v1/txn", "{\"sucess\": []}"), 400, "unknown field 'sucess'");
    assertError(http.postJson("/v1/txn", "{\"encoding\": \"base64\", \"success\": [{\"put\": {\"key\": \"AAE=\", \"value\": \"eA==\"}}]}"),
        400, "reserved");
    assertError(http.postJson("/v1/txn", "not json"), 400, "not valid JSON");
    assertThat(http.getBytes("/v1/kv/seats").body()).as("nothing the bad requests said was applied").containsExactly('9');
  }

  @Test
  void scansPageThroughEveryKeyInOrder(Vertx vertx) throws Exception {
    Http http = start(vertx);
    for (int i = 0; i < 250; i++) {
      http.put(String.format("/v1/kv/item:%03d", i), ("v" + i).getBytes(UTF_8));
    }
    http.put("/v1/kv/other", new byte[] {1});
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = new JsonObject(http.get("/v1/kv?prefix=item:&limit=100" + (cursor == null ? "" : "&cursor=" + cursor)).body());
      page.getJsonArray("entries").forEach(e -> seen.add(((JsonObject) e).getString("key")));
      cursor = page.getString("next");
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(250).isSorted().allMatch(k -> k.startsWith("item:"));
  }

  @Test
  void adminStatsMetricsAndTheOpenApiDocument(Vertx vertx) throws Exception {
    Http http = start(vertx);
    for (int i = 0; i < 20; i++) {
      http.put("/v1/kv/k" + (i % 5), ("value " + i).getBytes(UTF_8));
    }
    JsonObject stats = new JsonObject(http.get("/v1/stats").body());
    assertThat(stats.getLong("liveKeys")).isEqualTo(5);
    assertThat(stats.getLong("reclaimableBytes")).isPositive();

    JsonObject merged = new JsonObject(http.postJson("/v1/admin/merge", "").body());
    assertThat(merged.getLong("liveRecords")).isEqualTo(5);
    assertThat(new JsonObject(http.get("/v1/stats").body()).getLong("reclaimableBytes")).isZero();

    Path backup = dir.resolve("backups").resolve("nightly"); // engine.backupDir: "backups" beside the data directory
    HttpResponse<String> backedUp = http.postJson("/v1/admin/backup", new JsonObject().put("name", "nightly").encode());
    assertThat(backedUp.statusCode()).as(backedUp.body()).isEqualTo(200);
    assertThat(new JsonObject(backedUp.body()).getString("directory")).isEqualTo(backup.toString());
    for (String outside : new String[] {"../../escaped", dir.resolve("escaped").toString(), "nightly"}) {
      HttpResponse<String> refused = http.postJson("/v1/admin/backup", new JsonObject().put("directory", outside).encode());
      assertThat(refused.statusCode()).as(outside).isEqualTo(400);
      assertThat(new JsonObject(refused.body()).getString("error")).isNotEmpty();
    }
    assertThat(dir.resolve("escaped")).doesNotExist();
    try (Engine copy = Engine.open(EngineOptions.builder(backup).build())) {
      assertThat(new String(copy.get("k3".getBytes(UTF_8)), UTF_8)).isEqualTo("value 18");
    }

    String metrics = http.get("/metrics").body();
    assertThat(metrics).contains("comdb_http_requests_seconds_count{op=\"kv.put\",status=\"204\"} 20");
    assertThat(metrics).contains("comdb_engine_live_keys 5.0");
    assertThat(metrics).contains("comdb_merge_runs_total 1.0");

    JsonObject openApi = new JsonObject(http.get("/openapi.json").body());
    assertThat(openApi.getJsonObject("paths").fieldNames()).contains("/v1/kv/{key}", "/v1/kv", "/v1/txn", "/v1/admin/merge", "/v1/admin/backup", "/v1/stats");
    assertThat(new JsonObject(http.get("/health").body()).getString("status")).isEqualTo("UP");
  }

  @Test
  void aPasswordGuardsEveryRouteButHealth(Vertx vertx) throws Exception {
    Http http = start(vertx, new JsonObject(), new JsonObject().put("password", "s3cret"));
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
    assertError(http.get("/bitcask/listkeys"), 401, "credentials are required");
    assertError(http.authorization("Bearer wrong").get("/bitcask/listkeys"), 401, "credentials are required");
    assertThat(http.authorization("Bearer s3cret").get("/bitcask/listkeys").statusCode()).isEqualTo(200);
    String basic = "Basic " + Base64.getEncoder().encodeToString("agent:s3cret".getBytes(UTF_8));
    assertThat(http.authorization(basic).postJson("/bitcask/put", "{\"a\": \"b\"}").statusCode()).isEqualTo(200);
  }

  @Test
  void namedUsersSignInWithBasicAndTheirRoleBoundsTheirRequests(Vertx vertx) throws Exception {
    JsonObject users = new JsonObject()
        .put("reader", new JsonObject().put("password", io.comdb.verticles.Users.hash("r-pw")).put("role", "read"))
        .put("writer", new JsonObject().put("password", io.comdb.verticles.Users.hash("w-pw")).put("role", "write"))
        .put("admin", new JsonObject().put("password", io.comdb.verticles.Users.hash("a-pw")).put("role", "admin"));
    Http http = start(vertx, new JsonObject(), new JsonObject().put("users", users));
    Http reader = new Http(http.port()).authorization(basic("reader", "r-pw"));
    Http writer = new Http(http.port()).authorization(basic("writer", "w-pw"));
    Http admin = new Http(http.port()).authorization(basic("admin", "a-pw"));
    assertError(new Http(http.port()).authorization(basic("reader", "w-pw")).get("/v1/stats"), 401, "credentials are required");
    assertError(new Http(http.port()).authorization("Bearer r-pw").get("/v1/stats"), 401, "credentials are required");
    assertThat(writer.put("/v1/kv/k", "v").statusCode()).isEqualTo(204);
    assertThat(reader.get("/v1/kv/k").body()).isEqualTo("v");
    assertError(reader.put("/v1/kv/k", "w"), 403, "user reader has the read role; this request needs write");
    assertError(writer.postJson("/v1/admin/merge", ""), 403, "user writer has the write role; this request needs admin");
    assertThat(admin.postJson("/v1/admin/merge", "").statusCode()).isEqualTo(200);
    assertThat(new JsonObject(new Http(http.port()).get("/health").body()).fieldNames()).containsExactly("status");
    // MCP: a reader may call the reading tools, not the writing ones; without credentials, nothing
    String add = mcpCall("add_memory", new JsonObject().put("agentId", "ana").put("text", "Ana likes tea"));
    String search = mcpCall("search_memories", new JsonObject().put("agentId", "ana").put("query", "tea"));
    assertThat(new Http(http.port()).postJson("/mcp", search).statusCode()).isEqualTo(401);
    JsonObject refused = new JsonObject(reader.postJson("/mcp", add).body()).getJsonObject("result");
    assertThat(refused.getBoolean("isError")).isTrue();
    assertThat(refused.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("add_memory needs the write role");
    assertThat(new JsonObject(writer.postJson("/mcp", add).body()).getJsonObject("result").getBoolean("isError")).isFalse();
    JsonObject found = new JsonObject(reader.postJson("/mcp", search).body()).getJsonObject("result");
    assertThat(found.getJsonObject("structuredContent").getJsonArray("results")).hasSize(1);
  }

  private static String mcpCall(String tool, JsonObject arguments) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", arguments)).encode();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
  }
}
