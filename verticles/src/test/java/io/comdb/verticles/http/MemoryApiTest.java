package io.comdb.verticles.http;

import static io.comdb.verticles.Bus.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.comdb.verticles.ServerVerticle;
import io.comdb.verticles.api.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Both agent-memory APIs of a started server, through a real client over a real socket. */
@ExtendWith(VertxExtension.class)
class MemoryApiTest {
  private static final List<String> TEXTS = List.of(
      "In the field of artificial intelligence, training deep learning models requires a large amount of data and GPUs.",
      "Natural Language Processing is an important branch of artificial intelligence; Transformer models such as BERT and GPT.",
      "Cloud computing lets users access computing resources, storage, and applications over the internet.",
      "Blockchain technology is a decentralized distributed ledger used in cryptocurrencies such as Bitcoin.",
      "The Internet of Things connects physical devices such as sensors in smart homes and smart cities.",
      "Quantum computing uses qubits that exist in multiple states simultaneously.",
      "Edge computing moves computation from the cloud to devices closer to the data source.",
      "Data science combines statistics, computer science and domain knowledge to extract insights from data.",
      "DevOps emphasizes collaboration and automation between development and operations teams.",
      "Reinforcement learning trains agents through trial and error and reward mechanisms.");

  @TempDir
  Path dir;
  private HttpServer llm;
  private String server;

  @AfterEach
  void stopLlm() {
    if (llm != null) {
      llm.stop(0);
    }
  }

  private Http start(Vertx vertx, JsonObject search) throws Exception {
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dir.resolve("data").toString()))
        .put("http", new JsonObject().put("port", 0))
        .put("resp", new JsonObject().put("port", 0))
        .put("line", new JsonObject().put("port", 0))
        .put("search", search);
    server = await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    return new Http(HttpVerticle.port(vertx));
  }

  private static String jsonString(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (String) Json.decodeValue(response.body());
  }

  private static JsonObject json(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return new JsonObject(response.body());
  }

  private static HttpResponse<String> patch(Http http, String path, String json) throws Exception {
    return http.send("PATCH", path, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8), "application/json");
  }

  private static HttpResponse<String> put(Http http, String path, String json) throws Exception {
    return http.send("PUT", path, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8), "application/json");
  }

  /** A stub LLM in ComDB's endpoint format on a real socket, recording what it is asked. */
  private String startLlm(ConcurrentLinkedQueue<JsonObject> requests, String result) throws Exception {
    llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    llm.createContext("/generate", exchange -> {
      requests.add(new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      byte[] body = new JsonObject().put("result", result).encode().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    llm.start();
    return "http://127.0.0.1:" + llm.getAddress().getPort() + "/generate";
  }

  @Test
  void theComDbClientMemoryCallSequence(Vertx vertx) throws Exception {
    Http http = start(vertx, new JsonObject());
    String agent = "114514";
    // create_memory_meta(agentId, 10)
    JsonObject space = json(http.postJson("/memory/create", "{\"agentId\": \"114514\", \"totalSize\": 10}"), 200);
    assertThat(space.getInteger("totalSize")).isEqualTo(10);
    assertThat(space.getInteger("count")).isZero();
    // memory_set x 10
    for (String text : TEXTS) {
      String body = new JsonObject().put("agentId", agent).put("value", text).encode();
      assertThat(jsonString(http.postJson("/memory/set", body))).isEqualTo("OK");
    }
    // memory_get: one line per memory, newest first
    String[] lines = jsonString(http.get("/memory/get?agentId=" + agent)).split("\n");
    assertThat(lines).hasSize(10);
    assertThat(lines[0]).isEqualTo("timeNear:0,value:" + TEXTS.get(9));
    assertThat(lines[9]).isEqualTo("timeNear:9,value:" + TEXTS.get(0));
    // memory_search: the best match first, joined by ", "
    String found = jsonString(http.get("/memory/search?agentId=" + agent + "&searchItem=qubits%20quantum%20mechanics"));
    assertThat(found).startsWith(TEXTS.get(5));
    found = jsonString(http.get("/memory/search?agentId=" + agent + "&searchItem=Transformer%20models%20BERT"));
    assertThat(found).startsWith(TEXTS.get(1) + ", ");
    assertThat(jsonString(http.get("/memory/search?agentId=" + agent + "&searchItem=zebra"))).isEmpty();
    assertThat(jsonString(http.get("/memory/search?agentId=nobody&searchItem=zebra"))).isEmpty();
    // compress_memory(agentId, endpoint): the coldest half goes to the LLM as one prompt
    ConcurrentLinkedQueue<JsonObject> requests = new ConcurrentLinkedQueue<>();
    String endpoint = startLlm(requests, "A summary of technologies.");
    JsonObject compressed = json(http.postJson("/memory/compress",
        new JsonObject().put("agentId", agent).put("endpoint", endpoint).encode()), 200);
    assertThat(compressed).isEqualTo(new JsonObject().put("status", "success").put("success", true));
    List<String> after = new ArrayList<>(Arrays.asList(jsonString(http.get("/memory/get?agentId=" + agent)).split("\n")));
    assertThat(after).hasSize(6).anyMatch(l -> l.endsWith(",value:A summary of technologies."));
    List<String> replaced = TEXTS.stream().filter(t -> after.stream().noneMatch(l -> l.endsWith(",value:" + t))).toList();
    assertThat(replaced).hasSize(5).doesNotContain(TEXTS.get(5), TEXTS.get(1)); // the memories searches found stay
    assertThat(requests).containsExactly(new JsonObject().put("message", promptOf(replaced)));
    // create_compressor; an LLM that is down answers success false, nothing lost
    assertThat(json(http.postJson("/memory/create-compressor",
        new JsonObject().put("agentId", agent).put("endpoint", "http://127.0.0.1:1/none").encode()), 200).getString("status"))
        .isEqualTo("success");
    assertThat(json(http.postJson("/memory/newCompressor",
        new JsonObject().put("agentId", agent).put("endpoint", endpoint).encode()), 200).getString("status")).isEqualTo("success");
    llm.stop(0);
    llm = null;
    JsonObject failed = json(http.postJson("/memory/compress", new JsonObject().put("agentId", agent).encode()), 200);
    assertThat(failed.getBoolean("success")).isFalse();
    assertThat(jsonString(http.get("/memory/get?agentId=" + agent)).split("\n")).hasSize(6);
    // a new agent's first memory gets a space of 10
    assertThat(jsonString(http.postJson("/memory/set", "{\"agentId\": \"fresh\", \"value\": \"hello\"}"))).isEqualTo("OK");
    assertThat(json(http.get("/v1/agents/fresh"), 200).getInteger("capacity")).isEqualTo(10);
    // delete
    assertThat(jsonString(http.postJson("/memory/delete", "{\"agentId\": \"114514\"}"))).isEqualTo("OK");
    assertThat(jsonString(http.get("/memory/get?agentId=" + agent))).isEmpty();
    // bad input
    assertThat(http.postJson("/memory/set", "{\"agentId\": \"x\"}").statusCode()).isEqualTo(400);
    assertThat(http.postJson("/memory/set", "{\"agentId\": \"x\", \"value\": \"\"}").statusCode()).isEqualTo(400);
    assertThat(http.postJson("/memory/create", "not json").statusCode()).isEqualTo(400);
    assertThat(http.get("/memory/search?agentId=x").statusCode()).isEqualTo(400);
  }

  /** The prompt of the compressor, for texts in the order they were stored. */
  private static String promptOf(List<String> texts) {
    StringBuilder b = new StringBuilder("Rewrite these memories of an AI agent as one shorter memory. Keep every name, date, "
        + "number and fact; drop repetition. Answer with the rewritten memory only.\n\nMemories:\n");
    texts.forEach(t -> b.append("- ").append(t).append('\n'));
    return b.toString();
  }

  @Test
  void theVersionedApiManagesSpacesAndMemories(Vertx vertx) throws Exception {
    Http http = start(vertx, new JsonObject().put("maxMemoryBytes", 100));
    assertThat(http.get("/v1/agents/ana").statusCode()).isEqualTo(404);
    assertThat(http.postJson("/v1/agents/ana/memories", "{\"text\": \"x\"}").statusCode()).isEqualTo(404);
    JsonObject space = json(put(http, "/v1/agents/ana", "{}"), 200);
    assertThat(space.getValue("capacity")).isNull(); // unlimited
    assertThat(json(http.postJson("/v1/agents/ana/memories/search", "{\"query\": \"anything\"}"), 200).getJsonArray("results")).isEmpty();

    JsonObject one = json(http.postJson("/v1/agents/ana/memories",
        "{\"text\": \"Ana adopted a cat named Miso\", \"metadata\": {\"topic\": \"pets\"}, \"createdAt\": 1000}"), 201);
    JsonArray ids = json(http.postJson("/v1/agents/ana/memories", "{\"memories\": ["
        + "{\"text\": \"Ana runs a bakery in Lisbon\", \"metadata\": {\"topic\": \"work\"}, \"createdAt\": 2000},"
        + "{\"text\": \"Ana's cat Miso likes tuna\", \"metadata\": {\"topic\": \"pets\"}, \"createdAt\": 3000}]}"), 201).getJsonArray("ids");
    assertThat(ids).hasSize(2);
    String catId = one.getString("id");

    JsonObject page = json(http.get("/v1/agents/ana/memories?limit=2"), 200);
    assertThat(page.getJsonArray("memories")).extracting(m -> ((JsonObject) m).getString("text"))
        .containsExactly("Ana's cat Miso likes tuna", "Ana runs a bakery in Lisbon");
    JsonObject rest = json(http.get("/v1/agents/ana/memories?limit=2&cursor=" + page.getString("nextCursor")), 200);
    assertThat(rest.getJsonArray("memories")).extracting(m -> ((JsonObject) m).getString("id")).containsExactly(catId);
    assertThat(rest.getValue("nextCursor")).isNull();

    JsonArray results = json(http.postJson("/v1/agents/ana/memories/search",
        "{\"query\": \"cat\", \"k\": 5, \"filter\": {\"metadata\": {\"topic\": \"pets\"}, \"createdAt\": {\"lte\": 2500}}}"), 200)
        .getJsonArray("results");
    assertThat(results).hasSize(1);
    JsonObject hit = results.getJsonObject(0);
    assertThat(hit.fieldNames()).containsExactlyInAnyOrder("id", "text", "score", "createdAt", "metadata");
    assertThat(hit.getString("id")).isEqualTo(catId);
    assertThat(hit.getLong("createdAt")).isEqualTo(1000);
    JsonArray recent = json(http.postJson("/v1/agents/ana/memories/search", "{\"query\": \"cat Miso\", \"recency\": 1}"), 200)
        .getJsonArray("results");
    assertThat(recent.getJsonObject(0).getString("text")).isEqualTo("Ana's cat Miso likes tuna");

    JsonObject patched = json(patch(http, "/v1/agents/ana/memories/" + catId, "{\"text\": \"Ana adopted a dog named Miso\"}"), 200);
    assertThat(patched.getJsonObject("metadata").getString("topic")).isEqualTo("pets");
    assertThat(json(http.get("/v1/agents/ana/memories/" + catId), 200).getString("text")).isEqualTo("Ana adopted a dog named Miso");
    assertThat(json(http.get("/v1/agents/ana/memories/" + catId + "/history"), 200).getJsonArray("memories")).isEmpty();
    assertThat(json(http.delete("/v1/agents/ana/memories/" + catId), 200).getBoolean("deleted")).isTrue();
    assertThat(http.delete("/v1/agents/ana/memories/" + catId).statusCode()).isEqualTo(404);
    assertThat(http.get("/v1/agents/ana/memories/" + catId).statusCode()).isEqualTo(404);

    // bad input: a JSON error and a 4xx, nothing stored
    assertThat(json(http.postJson("/v1/agents/ana/memories", "{\"text\": \"\"}"), 400).getString("error")).contains("non-empty");
    assertThat(json(http.postJson("/v1/agents/ana/memories", "{\"text\": \"" + "x".repeat(101) + "\"}"), 413).getString("error"))
        .contains("over the limit");
    assertThat(http.postJson("/v1/agents/ana/memories", "{\"text\": 5}").statusCode()).isEqualTo(400);
    assertThat(http.postJson("/v1/agents/ana/memories", "[1]").statusCode()).isEqualTo(400);
    assertThat(http.postJson("/v1/agents/ana/memories/search", "{\"query\": \"x\", \"k\": 0}").statusCode()).isEqualTo(400);
    assertThat(http.postJson("/v1/agents/ana/memories/search", "{\"query\": \"x\", \"filter\": {\"tags\": 1}}").statusCode()).isEqualTo(400);
    assertThat(http.postJson("/v1/agents/ana/memories/search", "{\"query\": \"x\", \"mode\": \"hybrid\"}").statusCode()).isEqualTo(400);
    assertThat(put(http, "/v1/agents/ana", "{\"capacity\": -1}").statusCode()).isEqualTo(400);
    assertThat(http.get("/v1/agents/ana/memories?limit=abc").statusCode()).isEqualTo(400);
    assertThat(json(http.get("/v1/agents/ana"), 200).getInteger("count")).isEqualTo(2);

    // capacity: the oldest go
    assertThat(json(put(http, "/v1/agents/ana", "{\"capacity\": 1}"), 200).getInteger("count")).isEqualTo(1);
    assertThat(json(http.get("/v1/agents/ana/memories"), 200).getJsonArray("memories").getJsonObject(0).getString("text"))
        .isEqualTo("Ana's cat Miso likes tuna");
    assertThat(json(http.delete("/v1/agents/ana"), 200).getBoolean("deleted")).isTrue();
    assertThat(http.delete("/v1/agents/ana").statusCode()).isEqualTo(404);
  }

  @Test
  void theIndexIsRebuiltAtStartUpAndAnswersTheSame(Vertx vertx) throws Exception {
    Http http = start(vertx, new JsonObject());
    put(http, "/v1/agents/bo", "{}");
    JsonArray memories = new JsonArray();
    TEXTS.forEach(t -> memories.add(new JsonObject().put("text", t)));
    json(http.postJson("/v1/agents/bo/memories", new JsonObject().put("memories", memories).encode()), 201);
    String query = "{\"query\": \"computing devices data\", \"k\": 5}";
    JsonArray before = json(http.postJson("/v1/agents/bo/memories/search", query), 200).getJsonArray("results");
    assertThat(before).hasSize(5);
    await(ServerVerticle.stopInOrder(vertx));
    await(vertx.undeploy(server));
    http = start(vertx, new JsonObject());
    assertThat(json(http.postJson("/v1/agents/bo/memories/search", query), 200).getJsonArray("results")).isEqualTo(before);
  }

  @Test
  void theEventBusServesTheSameOperations(Vertx vertx) throws Exception {
    start(vertx, new JsonObject());
    await(vertx.eventBus().request(Addresses.MEMORY_SPACE_PUT, new JsonObject().put("agentId", "svc").put("capacity", 5)));
    Message<JsonObject> added = await(vertx.eventBus().request(Addresses.MEMORY_ADD,
        new JsonObject().put("agentId", "svc").put("text", "the deploy pipeline uses blue green releases")));
    assertThat(added.body().getJsonArray("ids")).containsExactly("1");
    Message<JsonObject> found = await(vertx.eventBus().request(Addresses.MEMORY_SEARCH,
        new JsonObject().put("agentId", "svc").put("query", "green deploy")));
    assertThat(found.body().getJsonArray("results").getJsonObject(0).getString("id")).isEqualTo("1");
    Throwable missing = vertx.eventBus().request(Addresses.MEMORY_GET, new JsonObject().put("agentId", "svc").put("id", "9"))
        .toCompletionStage().toCompletableFuture().handle((m, e) -> e).get();
    assertThat(missing).hasMessageContaining("no memory '9'");
  }

  /**
   * The compression worker finds a space whose memories went cold and rewrites them through the configured
   * LLM, on its own; the first call fails (a 400, not retried) and leaves the space as it was.
   */
  @Test
  void backgroundCompressionRunsOnItsOwnAndAFailedCallChangesNothing(Vertx vertx) throws Exception {
    ConcurrentLinkedQueue<JsonObject> requests = new ConcurrentLinkedQueue<>();
    llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    llm.createContext("/generate", exchange -> {
      requests.add(new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      boolean first = requests.size() == 1;
      byte[] body = (first ? "{\"error\":\"bad\"}" : new JsonObject().put("result", "Old notes.").encode()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(first ? 400 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    llm.start();
    java.util.concurrent.CompletableFuture<JsonObject> compressed = new java.util.concurrent.CompletableFuture<>();
    vertx.eventBus().<JsonObject>localConsumer(Addresses.MEMORY_COMPRESSED, m -> compressed.complete(m.body()));
    Http http = start(vertx, new JsonObject()
        .put("compressEndpoint", "http://127.0.0.1:" + llm.getAddress().getPort() + "/generate")
        .put("compressRetries", 0)
        .put("compressCheckIntervalMs", 200)
        .put("compressMinAgeMs", 3_600_000) // the space's own minimum age (0) is the one that counts
        .put("heatHalfLifeMs", 50));
    json(put(http, "/v1/agents/bg", "{\"compression\": {\"batch\": 2000}}"), 400); // over 1000
    JsonObject own = json(put(http, "/v1/agents/bg", "{\"compression\": {\"minAgeMs\": 0, \"prompt\": \"Shorten:\"}}"), 200);
    assertThat(own.getJsonObject("compression").getString("prompt")).isEqualTo("Shorten:");
    JsonArray notes = new JsonArray();
    List.of("note one", "note two", "note three", "note four").forEach(t -> notes.add(new JsonObject().put("text", t)));
    json(http.postJson("/v1/agents/bg/memories", new JsonObject().put("memories", notes).encode()), 201);

    JsonObject done = compressed.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(done.getString("agentId")).isEqualTo("bg");
    assertThat(done.getInteger("replaced")).isEqualTo(4);
    assertThat(requests).hasSize(2); // the failed call, then the one that replaced them
    assertThat(requests.peek().getString("message")).startsWith("Shorten:\n\n- note one"); // the space's own prompt
    JsonArray left = json(http.get("/v1/agents/bg/memories"), 200).getJsonArray("memories");
    assertThat(left).hasSize(1);
    assertThat(left.getJsonObject(0).getString("text")).isEqualTo("Old notes.");
    JsonArray history = json(http.get("/v1/agents/bg/memories/" + done.getString("id") + "/history"), 200).getJsonArray("memories");
    assertThat(history.stream().map(m -> ((JsonObject) m).getString("text")).toList())
        .containsExactly("note one", "note two", "note three", "note four");
  }
}
