package io.comdb.verticles.http;

import io.comdb.verticles.Users;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * {@code POST /mcp}: agent memory as Model Context Protocol tools, over MCP's streamable HTTP transport in
 * its stateless form (each POST carries one JSON-RPC message and gets its answer as one JSON body; there is
 * no session and no server-initiated stream, so {@code GET} and {@code DELETE} answer 405). The protocol
 * itself (initialize, tools/list, tools/call, ping, input validation against each tool's JSON schema) is
 * the official Java SDK's stateless server ({@code McpServer.async}); this class is its transport on Vert.x Web and
 * the five tools, each a request to the memory API on the event bus:
 *
 * <pre>
 * add_memory       {agentId?, text, metadata?, createdAt?}  → {id}; creates the agent's space if missing
 * search_memories  {agentId?, query, k?, mode?, filter?}     → {results}
 * list_memories    {agentId?, limit?, cursor?}               → {memories, nextCursor}
 * get_memory       {agentId?, id}                            → the memory
 * delete_memory    {agentId?, id}                            → {deleted}
 * </pre>
 *
 * The agent is the {@code X-ComDB-Agent} header when the client sends one (an MCP client configured per
 * agent), which a tool argument may not contradict; otherwise the {@code agentId} argument. Credentials are
 * the HTTP API's: reading tools need the read role, {@code add_memory} and {@code delete_memory} write. A
 * tool that fails answers a result with {@code isError} and ComDB's error text, as MCP asks.
 */
final class McpEndpoint implements McpStatelessServerTransport {
  /** The header that scopes a client to one agent. */
  static final String AGENT_HEADER = "X-ComDB-Agent";
  private static final String AGENT_KEY = "comdb.agent";
  private static final String ROLE_KEY = "comdb.role";
  private static final System.Logger LOG = System.getLogger(McpEndpoint.class.getName());

  private final HttpVerticle server;
  private final McpJsonMapper json = McpJsonDefaults.getMapper();
  private volatile McpStatelessServerHandler handler;

  McpEndpoint(HttpVerticle server) {
    this.server = server;
    McpServer.async(this) // the server it builds sets itself as this transport's handler
        .serverInfo("comdb", "0.1.0")
        .instructions("Long-term memory for an AI agent: add what is worth remembering, search it when it may help.")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .jsonMapper(json)
        .validateToolInputs(true)
        .toolCall(tool("add_memory", "Stores one memory for the agent and returns its id.",
            Map.of("text", Map.of("type", "string", "description", "what to remember"),
                "metadata", Map.of("type", "object", "description", "optional JSON fields, usable as search filters"),
                "createdAt", Map.of("type", "integer", "minimum", 0, "description", "when it happened, epoch milliseconds (default: now)")),
            List.of("text")), (context, call) -> run(context, call, Users.Access.WRITE, this::add))
        .toolCall(tool("search_memories", "The agent's memories that best match a query, best first.",
            Map.of("query", Map.of("type", "string", "description", "what to look for, in words"),
                "k", Map.of("type", "integer", "minimum", 1, "maximum", 100, "description", "how many results (default 10)"),
                "mode", Map.of("type", "string", "enum", List.of("bm25", "dense", "hybrid"), "description", "ranking (default: the server's)"),
                "filter", Map.of("type", "object", "description", "metadata fields that must match, and createdFrom/createdTo")),
            List.of("query")), (context, call) -> run(context, call, Users.Access.READ,
                args -> server.ask(Addresses.MEMORY_SEARCH, args)))
        .toolCall(tool("list_memories", "The agent's memories, newest first, a page at a time.",
            Map.of("limit", Map.of("type", "integer", "minimum", 1, "maximum", 1000, "description", "page size (default 100)"),
                "cursor", Map.of("type", "string", "description", "nextCursor of the previous page")),
            List.of()), (context, call) -> run(context, call, Users.Access.READ, args -> server.ask(Addresses.MEMORY_LIST, args)))
        .toolCall(tool("get_memory", "One of the agent's memories, by id.",
            Map.of("id", Map.of("type", "string", "description", "the memory's id")),
            List.of("id")), (context, call) -> run(context, call, Users.Access.READ, args -> server.ask(Addresses.MEMORY_GET, args)))
        .toolCall(tool("delete_memory", "Deletes one of the agent's memories, by id.",
            Map.of("id", Map.of("type", "string", "description", "the memory's id")),
            List.of("id")), (context, call) -> run(context, call, Users.Access.WRITE, args -> server.ask(Addresses.MEMORY_DELETE, args)))
        .build();
  }

  /** A tool whose input schema has {@code properties}, plus the optional {@code agentId}. */
  private static McpSchema.Tool tool(String name, String description, Map<String, Object> properties, List<String> required) {
    Map<String, Object> all = new HashMap<>(properties);
    all.put("agentId", Map.of("type", "string", "minLength", 1, "maxLength", 512,
        "description", "the agent whose memories these are; not needed when the client sends the " + AGENT_HEADER + " header"));
    Map<String, Object> schema = Map.of("type", "object", "properties", all, "required", required, "additionalProperties", false);
    return McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).build();
  }

  void mount(Router router) {
    router.post("/mcp").setName("mcp").handler(HttpVerticle.guard(this::post));
    router.route("/mcp").setName("mcp").handler(ctx -> {
      ctx.response().putHeader("Allow", "POST");
      HttpReplies.error(ctx, 405, "this MCP endpoint is stateless: POST one JSON-RPC message per request; it opens no event stream");
    });
  }

  private void post(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && !accept.contains("application/json") && !accept.contains("*/*")) {
      HttpReplies.error(ctx, 406, "the MCP endpoint answers application/json: accept it");
      return;
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, ctx.body().asString());
    } catch (IOException | RuntimeException e) {
      rpcError(ctx, 400, McpSchema.ErrorCodes.PARSE_ERROR, "the body is not a JSON-RPC 2.0 message");
      return;
    }
    McpStatelessServerHandler mcpHandler = handler;
    Map<String, Object> scope = new HashMap<>();
    String agent = ctx.request().getHeader(AGENT_HEADER);
    if (agent != null) {
      scope.put(AGENT_KEY, agent);
    }
    Users.User user = HttpVerticle.user(ctx);
    if (user != null) {
      scope.put(ROLE_KEY, user.role());
    }
    McpTransportContext context = McpTransportContext.create(scope);
    if (message instanceof McpSchema.JSONRPCRequest request) {
      mcpHandler.handleRequest(context, request).subscribe(
          response -> reply(ctx, response),
          e -> {
            LOG.log(System.Logger.Level.WARNING, "MCP request " + request.method() + " failed", e);
            reply(ctx, new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), null,
                new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR, "the request failed: " + request.method(), null)));
          });
    } else if (message instanceof McpSchema.JSONRPCNotification notification) {
      mcpHandler.handleNotification(context, notification).subscribe(v -> { }, e -> { });
      ctx.response().setStatusCode(202).end();
    } else {
      ctx.response().setStatusCode(202).end(); // a response to a request this server never sends
    }
  }

  private void reply(RoutingContext ctx, McpSchema.JSONRPCResponse response) {
    if (ctx.response().ended()) {
      return;
    }
    try {
      ctx.response().putHeader("Content-Type", "application/json").end(json.writeValueAsString(response));
    } catch (IOException e) {
      rpcError(ctx, 500, McpSchema.ErrorCodes.INTERNAL_ERROR, "the answer could not be encoded");
    }
  }

  private static void rpcError(RoutingContext ctx, int status, int code, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("jsonrpc", "2.0").putNull("id")
        .put("error", new JsonObject().put("code", code).put("message", message)).encode());
  }

  /** Runs one tool: its arguments with the agent in scope, checked against the user's role. */
  private Mono<McpSchema.CallToolResult> run(McpTransportContext context, McpSchema.CallToolRequest call, Users.Access needed,
      Function<JsonObject, Future<JsonObject>> tool) {
    JsonObject args = new JsonObject(call.arguments() == null ? new HashMap<>() : new HashMap<>(call.arguments()));
    if (context.get(ROLE_KEY) instanceof Users.Role role && !role.permits(needed)) {
      return Mono.just(failed(call.name() + " needs the " + needed.name().toLowerCase(java.util.Locale.ROOT) + " role"));
    }
    Object scoped = context.get(AGENT_KEY);
    if (scoped != null) {
      if (args.getValue("agentId") != null && !scoped.equals(args.getValue("agentId"))) {
        return Mono.just(failed("this client is scoped to agent '" + scoped + "' by its " + AGENT_HEADER + " header"));
      }
      args.put("agentId", scoped);
    } else if (!(args.getValue("agentId") instanceof String)) {
      return Mono.just(failed("agentId is required: give it, or send the " + AGENT_HEADER + " header"));
    }
    Future<McpSchema.CallToolResult> result = tool.apply(args).map(this::succeeded)
        .otherwise(e -> failed(e instanceof ReplyException reply && Failure.of(reply.failureCode()) != null
            ? reply.getMessage() : "the tool failed"));
    return Mono.fromCompletionStage(result.toCompletionStage());
  }

  private Future<JsonObject> add(JsonObject args) {
    return server.ask(Addresses.MEMORY_ADD, args)
        .recover(e -> e instanceof ReplyException reply && Failure.of(reply.failureCode()) == Failure.NOT_FOUND
            ? server.ask(Addresses.MEMORY_SPACE_PUT, new JsonObject().put("agentId", args.getString("agentId")))
                .compose(created -> server.ask(Addresses.MEMORY_ADD, args))
            : Future.failedFuture(e))
        .map(ids -> new JsonObject().put("id", ids.getJsonArray("ids", new JsonArray()).getString(0)));
  }

  private McpSchema.CallToolResult succeeded(JsonObject answer) {
    try {
      Map<String, Object> structured = json.readValue(answer.encode(), new TypeRef<Map<String, Object>>() {});
      return McpSchema.CallToolResult.builder().addTextContent(answer.encode()).structuredContent(structured).isError(false).build();
    } catch (IOException e) {
      return failed("the answer could not be encoded");
    }
  }

  private static McpSchema.CallToolResult failed(String message) {
    return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.empty();
  }
}
