package io.comdb.verticles.http;

import static io.comdb.verticles.http.HttpReplies.json;

import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Memories;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * ComDB's agent-memory routes, as its Go server answered them and its {@code comdb_client} reads them.
 * Bodies are JSON; answers are JSON followed by a newline.
 *
 * <pre>
 * POST /memory/create            {"agentId","totalSize"}  the space: {"agentId","capacity","count",...,"totalSize"}
 * POST /memory/set               {"agentId","value"}      "OK"; a new agent gets a space of search.defaultCapacity
 * GET  /memory/get?agentId=                               "timeNear:0,value:...\ntimeNear:1,value:..." newest first
 * GET  /memory/search?agentId=&amp;searchItem=                "best match, next match, ..." (10 at most); "" if none
 * POST /memory/delete            {"agentId"}              "OK"
 * POST /memory/compress          {"agentId","endpoint"}   {"status":"success","success":true|false}
 * POST /memory/newCompressor     {"agentId","endpoint"}   {"status":"success"}: the agent's compression endpoint
 * POST /memory/create-compressor {"agentId","endpoint"}   the same
 * </pre>
 *
 * An unknown agent reads as an empty space ({@code ""}); the clean API ({@link AgentsApi}) answers 404.
 */
final class MemoryCompatApi {
  private static final int SEARCH_RESULTS = 10;
  private static final int PAGE = 1000;

  private final HttpVerticle server;

  MemoryCompatApi(HttpVerticle server) {
    this.server = server;
  }

  void mount(Router router) {
    router.post("/memory/create").setName("memory.create").handler(HttpVerticle.guard(this::create));
    router.post("/memory/set").setName("memory.set").handler(HttpVerticle.guard(this::set));
    router.get("/memory/get").setName("memory.get").handler(HttpVerticle.guard(this::get));
    router.get("/memory/search").setName("memory.search").handler(HttpVerticle.guard(this::search));
    router.post("/memory/delete").setName("memory.delete").handler(HttpVerticle.guard(this::delete));
    router.post("/memory/compress").setName("memory.compress").handler(HttpVerticle.guard(this::compress));
    router.post("/memory/newCompressor").setName("memory.newCompressor").handler(HttpVerticle.guard(this::compressor));
    router.post("/memory/create-compressor").setName("memory.create-compressor").handler(HttpVerticle.guard(this::compressor));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = body(ctx, "{\"agentId\": \"...\", \"totalSize\": n}");
    Long totalSize = Memories.integer(body, "totalSize");
    if (totalSize == null) {
      throw new HttpReplies.BadRequest("totalSize is required: the most memories the space keeps");
    }
    JsonObject request = new JsonObject().put("agentId", Memories.agentId(body)).put("capacity", totalSize);
    server.request(ctx, Addresses.MEMORY_SPACE_PUT, request, space -> json(ctx, ((JsonObject) space).put("totalSize", totalSize)));
  }

  private void set(RoutingContext ctx) {
    JsonObject body = body(ctx, "{\"agentId\": \"...\", \"value\": \"...\"}");
    JsonObject request = new JsonObject()
        .put("agentId", Memories.agentId(body))
        .put("text", Memories.string(body, "value", true))
        .put("createSpace", true);
    server.request(ctx, Addresses.MEMORY_ADD, request, ids -> json(ctx, "OK"));
  }

  private void get(RoutingContext ctx) {
    String agentId = param(ctx, "agentId");
    List<String> lines = new ArrayList<>();
    page(agentId, null, lines).onComplete(ar -> {
      if (ar.succeeded() || notFound(ar.cause())) {
        json(ctx, String.join("\n", lines));
      } else {
        HttpReplies.fail(ctx, ar.cause());
      }
    });
  }

  /** Appends the lines of the memories after {@code cursor}, then of the next pages. */
  private Future<Void> page(String agentId, String cursor, List<String> lines) {
    JsonObject request = new JsonObject().put("agentId", agentId).put("limit", PAGE).put("cursor", cursor);
    return server.ask(Addresses.MEMORY_LIST, request).compose(page -> {
      for (Object m : page.getJsonArray("memories")) {
        lines.add("timeNear:" + lines.size() + ",value:" + ((JsonObject) m).getString("text"));
      }
      String next = page.getString("nextCursor");
      return next == null ? Future.succeededFuture() : page(agentId, next, lines);
    });
  }

  private void search(RoutingContext ctx) {
    JsonObject request = new JsonObject()
        .put("agentId", param(ctx, "agentId"))
        .put("query", param(ctx, "searchItem"))
        .put("k", SEARCH_RESULTS);
    server.ask(Addresses.MEMORY_SEARCH, request).onComplete(ar -> {
      if (ar.succeeded()) {
        List<String> texts = new ArrayList<>();
        for (Object hit : ar.result().getJsonArray("results")) {
          texts.add(((JsonObject) hit).getString("text"));
        }
        json(ctx, String.join(", ", texts));
      } else if (notFound(ar.cause())) {
        json(ctx, "");
      } else {
        HttpReplies.fail(ctx, ar.cause());
      }
    });
  }

  private void delete(RoutingContext ctx) {
    JsonObject body = body(ctx, "{\"agentId\": \"...\"}");
    server.request(ctx, Addresses.MEMORY_SPACE_DELETE, new JsonObject().put("agentId", Memories.agentId(body)), done -> json(ctx, "OK"));
  }

  /** Compresses; a failure of the LLM or an unknown agent answers {@code success: false} with the reason. */
  private void compress(RoutingContext ctx) {
    JsonObject body = body(ctx, "{\"agentId\": \"...\", \"endpoint\": \"http://...\"}");
    JsonObject request = new JsonObject()
        .put("agentId", Memories.agentId(body))
        .put("endpoint", Memories.string(body, "endpoint", false));
    server.ask(Addresses.MEMORY_COMPRESS, request).onComplete(ar -> {
      JsonObject answer = new JsonObject().put("status", "success");
      if (ar.succeeded()) {
        json(ctx, answer.put("success", ar.result().getInteger("replaced") > 0));
      } else if (ar.cause() instanceof ReplyException e && e.failureCode() != Failure.INVALID_ARGUMENT.code()) {
        json(ctx, answer.put("success", false).put("error", e.getMessage()));
      } else {
        HttpReplies.fail(ctx, ar.cause());
      }
    });
  }

  private void compressor(RoutingContext ctx) {
    JsonObject body = body(ctx, "{\"agentId\": \"...\", \"endpoint\": \"http://...\"}");
    JsonObject request = new JsonObject()
        .put("agentId", Memories.agentId(body))
        .put("endpoint", Memories.string(body, "endpoint", true))
        .put("createSpace", true);
    server.request(ctx, Addresses.MEMORY_COMPRESSOR, request, space -> json(ctx, new JsonObject().put("status", "success")));
  }

  private static boolean notFound(Throwable e) {
    return e instanceof ReplyException reply && reply.failureCode() == Failure.NOT_FOUND.code();
  }

  static JsonObject body(RoutingContext ctx, String expected) {
    return BitcaskApi.jsonObject(ctx.body().buffer(), "a JSON object " + expected);
  }

  private static String param(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      throw new HttpReplies.BadRequest("the query parameter '" + name + "' is required");
    }
    return value;
  }
}
