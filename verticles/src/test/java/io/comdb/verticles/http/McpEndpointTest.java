package io.comdb.verticles.http;

import static io.comdb.verticles.Bus.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.verticles.ServerVerticle;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** POST /mcp spoken by the MCP Java SDK's own client over a real socket, and by hand for what is malformed. */
@ExtendWith(VertxExtension.class)
class McpEndpointTest {
  @TempDir
  Path dir;

  private Http start(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dir.resolve("data").toString()))
        .put("http", new JsonObject().put("port", 0))
        .put("resp", new JsonObject().put("port", 0))
        .put("line", new JsonObject().put("port", 0));
    await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    return new Http(HttpVerticle.port(vertx));
  }

  private static McpSyncClient client(Http http, String agentHeader) {
    HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + http.port())
        .endpoint("/mcp");
    if (agentHeader != null) {
      transport.requestBuilder(HttpRequest.newBuilder().header(McpEndpoint.AGENT_HEADER, agentHeader));
    }
    return McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(20)).build();
  }

  private static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  private static JsonObject structured(McpSchema.CallToolResult result) {
    assertThat(result.isError()).as(text(result)).isFalse();
    return new JsonObject(text(result));
  }

  private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
    return client.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  @Test
  void anMcpClientInitializesListsAndCallsEveryTool(Vertx vertx) throws Exception {
    Http http = start(vertx);
    try (McpSyncClient client = client(http, null)) {
      McpSchema.InitializeResult init = client.initialize();
      assertThat(init.serverInfo().name()).isEqualTo("comdb");
      assertThat(init.capabilities().tools()).isNotNull();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
          .containsExactlyInAnyOrder("add_memory", "search_memories", "list_memories", "get_memory", "delete_memory");

      String tea = structured(call(client, "add_memory", Map.of("agentId", "ada", "text", "Ada drinks green tea every morning"))).getString("id");
      String paris = structured(call(client, "add_memory", Map.of("agentId", "ada", "text", "Ada moved to Paris in 2024",
          "metadata", Map.of("topic", "home")))).getString("id");
      JsonObject found = structured(call(client, "search_memories", Map.of("agentId", "ada", "query", "where does Ada live", "k", 1)));
      assertThat(found.getJsonArray("results").getJsonObject(0).getString("id")).isEqualTo(paris);
      JsonObject listed = structured(call(client, "list_memories", Map.of("agentId", "ada")));
      assertThat(listed.getJsonArray("memories").stream().map(m -> ((JsonObject) m).getString("id")).toList()).containsExactly(paris, tea);
      assertThat(structured(call(client, "get_memory", Map.of("agentId", "ada", "id", tea))).getString("text"))
          .isEqualTo("Ada drinks green tea every morning");
      assertThat(structured(call(client, "delete_memory", Map.of("agentId", "ada", "id", tea))).getBoolean("deleted")).isTrue();

      // bad calls: a tool error the agent can read, never a broken session
      McpSchema.CallToolResult gone = call(client, "get_memory", Map.of("agentId", "ada", "id", tea));
      assertThat(gone.isError()).isTrue();
      assertThat(text(gone)).contains("has no memory");
      assertThat(call(client, "add_memory", Map.of("agentId", "ada")).isError()).as("text is required").isTrue();
      assertThat(call(client, "search_memories", Map.of("query", "tea")).isError()).as("no agent").isTrue();
      assertThat(call(client, "search_memories", Map.of("agentId", "ada", "query", "tea", "k", 5000)).isError()).isTrue();
    }
    // the same agent's memories through the HTTP API
    assertThat(new JsonObject(http.get("/v1/agents/ada").body()).getInteger("count")).isEqualTo(1);
  }

  @Test
  void aClientScopedByHeaderSeesOnlyItsAgent(Vertx vertx) throws Exception {
    Http http = start(vertx);
    try (McpSyncClient client = client(http, "bob")) {
      client.initialize();
      structured(call(client, "add_memory", Map.of("text", "Bob plays chess on Sundays")));
      assertThat(structured(call(client, "search_memories", Map.of("query", "chess"))).getJsonArray("results")).hasSize(1);
      McpSchema.CallToolResult other = call(client, "list_memories", Map.of("agentId", "ada"));
      assertThat(other.isError()).isTrue();
      assertThat(text(other)).contains("scoped to agent 'bob'");
    }
  }

  @Test
  void malformedMessagesGetJsonRpcErrorsAndOtherMethodsA405(Vertx vertx) throws Exception {
    Http http = start(vertx);
    HttpResponse<String> garbage = http.send("POST", "/mcp", HttpRequest.BodyPublishers.ofString("{not json", StandardCharsets.UTF_8), "application/json");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(garbage.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32700);
    HttpResponse<String> unknown = http.send("POST", "/mcp", HttpRequest.BodyPublishers.ofString(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"no/such\"}", StandardCharsets.UTF_8), "application/json");
    assertThat(unknown.statusCode()).isEqualTo(200);
    JsonObject error = new JsonObject(unknown.body());
    assertThat(error.getInteger("id")).isEqualTo(7);
    assertThat(error.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
    HttpResponse<String> stream = http.get("/mcp");
    assertThat(stream.statusCode()).isEqualTo(405);
    assertThat(stream.headers().firstValue("Allow")).contains("POST");
    for (String body : List.of("[]", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}")) {
      HttpResponse<String> bad = http.send("POST", "/mcp", HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), "application/json");
      assertThat(bad.statusCode()).as(body).isIn(200, 400);
      assertThat(new JsonObject(bad.body()).containsKey("error") || new JsonObject(bad.body()).getJsonObject("result").getBoolean("isError"))
          .as(bad.body()).isTrue();
      assertThat(bad.body()).doesNotContain("Exception");
    }
  }
}
