package io.comdb.verticles.http;

import static io.comdb.verticles.http.HttpReplies.json;

import io.comdb.verticles.api.Addresses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The versioned agent-memory API; each route is one {@code comdb.memory.*} request (see
 * {@link io.comdb.verticles.api.Memories} for the fields). Unknown agents and memories answer 404.
 *
 * <pre>
 * PUT    /v1/agents/{agentId}                    {"capacity"?, "compressor"?}  the space (capacity 0 or none: unlimited)
 * GET    /v1/agents/{agentId}                    the space: {"agentId","capacity","count","createdAt","compressor"}
 * DELETE /v1/agents/{agentId}                    {"deleted":true}, with every memory
 * POST   /v1/agents/{agentId}/memories           {"text","metadata"?,"createdAt"?}: 201 {"id"};
 *                                                {"memories":[...]}: 201 {"ids":[...]}
 * GET    /v1/agents/{agentId}/memories?limit=&amp;cursor=   {"memories":[...],"nextCursor"} newest first
 * POST   /v1/agents/{agentId}/memories/search    {"query","k"?,"filter"?,"recency"?,"minScore"?,"mode"?}
 *                                                {"results":[{"id","text","score","createdAt","metadata"}]}
 * GET    /v1/agents/{agentId}/memories/{id}      the memory
 * PATCH  /v1/agents/{agentId}/memories/{id}      {"text"?,"metadata"?}: the memory as changed
 * DELETE /v1/agents/{agentId}/memories/{id}      {"deleted":true}
 * GET    /v1/agents/{agentId}/memories/{id}/history  {"memories":[...]}: those a compressed memory replaced
 * POST   /v1/agents/{agentId}/compress           {"endpoint"?}: {"replaced","id"}
 * </pre>
 */
final class AgentsApi {
  private static final String AGENT = "/v1/agents/:agentId";
  private static final String MEMORY = AGENT + "/memories/:id";

  private final HttpVerticle server;

  AgentsApi(HttpVerticle server) {
    this.server = server;
  }

  void mount(Router router) {
    router.put(AGENT).setName("agents.put").handler(HttpVerticle.guard(ctx -> forward(ctx, Addresses.MEMORY_SPACE_PUT, optionalBody(ctx))));
    router.get(AGENT).setName("agents.get").handler(HttpVerticle.guard(ctx -> forward(ctx, Addresses.MEMORY_SPACE_GET, new JsonObject())));
    router.delete(AGENT).setName("agents.delete").handler(HttpVerticle.guard(this::deleteSpace));
    router.post(AGENT + "/memories/search").setName("memories.search")
        .handler(HttpVerticle.guard(ctx -> forward(ctx, Addresses.MEMORY_SEARCH, body(ctx))));
    router.post(AGENT + "/memories").setName("memories.add").handler(HttpVerticle.guard(this::add));
    router.get(AGENT + "/memories").setName("memories.list").handler(HttpVerticle.guard(this::list));
    router.get(MEMORY + "/history").setName("memories.history")
        .handler(HttpVerticle.guard(ctx -> forward(ctx, Addresses.MEMORY_HISTORY, new JsonObject())));
    router.get(MEMORY).setName("memories.get").handler(HttpVerticle.guard(ctx -> forward(ctx, Addresses.MEMORY_GET, new JsonObject())));
    router.patch(MEMORY).setName("memories.update").handler(HttpVerticle.guard(ctx -> forward(ctx, Addresses.MEMORY_UPDATE, body(ctx))));
    router.delete(MEMORY).setName("memories.delete").handler(HttpVerticle.guard(this::deleteMemory));
    router.post(AGENT + "/compress").setName("agents.compress")
        .handler(HttpVerticle.guard(ctx -> forward(ctx, Addresses.MEMORY_COMPRESS, optionalBody(ctx))));
  }

  /** Sends {@code request} with the path's agentId (and memory id) and answers the reply as it is. */
  private void forward(RoutingContext ctx, String address, JsonObject request) {
    server.request(ctx, address, withPath(ctx, request), reply -> json(ctx, reply));
  }

  private void add(RoutingContext ctx) {
    JsonObject body = body(ctx);
    boolean batch = body.containsKey("memories");
    server.request(ctx, Addresses.MEMORY_ADD, withPath(ctx, body), reply -> {
      JsonObject ids = (JsonObject) reply;
      json(ctx, 201, batch ? ids : new JsonObject().put("id", ids.getJsonArray("ids").getString(0)));
    });
  }

  private void list(RoutingContext ctx) {
    JsonObject request = new JsonObject().put("cursor", ctx.queryParams().get("cursor"));
    String limit = ctx.queryParams().get("limit");
    if (limit != null) {
      try {
        request.put("limit", Long.parseLong(limit));
      } catch (NumberFormatException e) {
        throw new HttpReplies.BadRequest("limit must be an integer, got '" + limit + "'");
      }
    }
    forward(ctx, Addresses.MEMORY_LIST, request);
  }

  private void deleteSpace(RoutingContext ctx) {
    server.request(ctx, Addresses.MEMORY_SPACE_DELETE, withPath(ctx, new JsonObject()), reply -> deleted(ctx, (JsonObject) reply, "memory space"));
  }

  private void deleteMemory(RoutingContext ctx) {
    server.request(ctx, Addresses.MEMORY_DELETE, withPath(ctx, new JsonObject()), reply -> deleted(ctx, (JsonObject) reply, "memory"));
  }

  private static void deleted(RoutingContext ctx, JsonObject reply, String what) {
    if (reply.getBoolean("deleted")) {
      json(ctx, reply);
    } else {
      HttpReplies.error(ctx, 404, "no such " + what);
    }
  }

  private static JsonObject withPath(RoutingContext ctx, JsonObject request) {
    request.put("agentId", ctx.pathParam("agentId"));
    String id = ctx.pathParam("id");
    if (id != null) {
      request.put("id", id);
    }
    return request;
  }

  private static JsonObject body(RoutingContext ctx) {
    return BitcaskApi.jsonObject(ctx.body().buffer(), "a JSON object");
  }

  private static JsonObject optionalBody(RoutingContext ctx) {
    return ctx.body().buffer() == null || ctx.body().buffer().length() == 0 ? new JsonObject() : body(ctx);
  }
}
