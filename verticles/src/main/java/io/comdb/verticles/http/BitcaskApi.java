package io.comdb.verticles.http;

import static io.comdb.verticles.http.HttpReplies.json;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.EngineStats;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.Versioned;
import io.comdb.types.KeySpace;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Kv;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * ComDB's HTTP API as its Go server served it, so the {@code comdb_client} Python package works unchanged.
 * Keys and values are UTF-8 text; answers are JSON followed by a newline.
 *
 * <pre>
 * GET    /health                   200 {"status":"UP",...}
 * POST   /bitcask/put              {"k":"v",...}          200, empty body; all pairs in one batch
 * POST   /bitcask/putByByte        {"k":"&lt;base64&gt;",...}   200, empty body
 * GET    /bitcask/get?key=k        "v" (a missing key: "")
 * DELETE /bitcask/delete?key=k     "OK"
 * GET    /bitcask/listkeys         ["k",...]
 * GET    /bitcask/stat             {"KeyNum":n,"DataFileNum":n,"ReclaimableSize":n,"DiskSize":n}
 * GET    /bitcask/prefix?prefix=p  {"k":"v",...}; no prefix: 400
 * POST   /bitcask/merge            {"inputFiles":n,...} or {"skipped":"why"}
 * </pre>
 */
final class BitcaskApi {
  private final HttpVerticle server;

  BitcaskApi(HttpVerticle server) {
    this.server = server;
  }

  void mount(Router router) {
    router.post("/bitcask/put").setName("bitcask.put").handler(ctx -> put(ctx, false));
    router.post("/bitcask/putByByte").setName("bitcask.putByByte").handler(ctx -> put(ctx, true));
    router.get("/bitcask/get").setName("bitcask.get").handler(HttpVerticle.guard(this::get));
    router.delete("/bitcask/delete").setName("bitcask.delete").handler(this::delete);
    router.get("/bitcask/listkeys").setName("bitcask.listkeys").blockingHandler(this::listKeys, false);
    router.get("/bitcask/stat").setName("bitcask.stat").handler(this::stat);
    router.get("/bitcask/prefix").setName("bitcask.prefix").blockingHandler(HttpVerticle.guard(this::prefix), false);
    router.post("/bitcask/merge").setName("bitcask.merge").handler(ctx -> server.merge(ctx));
  }

  /** Every pair of the object in one batch: all are stored or none. */
  private void put(RoutingContext ctx, boolean base64Values) {
    JsonObject pairs = jsonObject(ctx.body().buffer(), "a JSON object of key to " + (base64Values ? "base64 value" : "string value"));
    List<Kv.Write> writes = new ArrayList<>(pairs.size());
    for (Map.Entry<String, Object> e : pairs) {
      if (!(e.getValue() instanceof String value)) {
        throw new HttpReplies.BadRequest("the value of '" + e.getKey() + "' must be a string, got " + Json.encode(e.getValue()));
      }
      writes.add(new Kv.Write(e.getKey().getBytes(UTF_8), base64Values ? base64(e.getKey(), value) : value.getBytes(UTF_8)));
    }
    if (writes.isEmpty()) {
      ctx.response().end();
      return;
    }
    server.write(ctx, new Kv.Batch(writes), done -> ctx.response().end());
  }

  private void get(RoutingContext ctx) {
    String key = ctx.queryParams().get("key");
    byte[] bytes = key == null ? new byte[0] : key.getBytes(UTF_8);
    Future<Versioned> lookup = bytes.length == 0 || KeySpace.isReserved(bytes) ? Future.succeededFuture() : server.versioned(bytes);
    lookup.onFailure(e -> HttpReplies.fail(ctx, e))
        .onSuccess(found -> json(ctx, found == null ? "" : new String(found.value(), UTF_8)));
  }

  private void delete(RoutingContext ctx) {
    byte[] key = requiredParam(ctx, "key");
    server.write(ctx, new Kv.Delete(key), deleted -> json(ctx, "OK"));
  }

  private void listKeys(RoutingContext ctx) {
    if (server.clustered()) {
      server.scanCluster(new byte[0]).onFailure(e -> HttpReplies.fail(ctx, e)).onSuccess(entries -> {
        JsonArray keys = new JsonArray();
        entries.forEach(e -> keys.add(new String(e.key(), UTF_8)));
        json(ctx, keys);
      });
      return;
    }
    JsonArray keys = new JsonArray();
    try (EngineIterator it = server.reads().iterator(IteratorOptions.all())) {
      for (; it.isValid(); it.next()) {
        byte[] key = it.key();
        if (KeySpace.isReserved(key)) {
          // Redis and memory data sort first (byte 0x00): skip past all of it at once
          it.seek(new byte[] {1});
          if (!it.isValid()) {
            break;
          }
          key = it.key();
        }
        keys.add(new String(key, UTF_8));
      }
    }
    json(ctx, keys);
  }

  private void stat(RoutingContext ctx) {
    EngineStats s = server.reads().stats();
    json(ctx, new JsonObject()
        .put("KeyNum", s.liveKeys())
        .put("DataFileNum", s.dataFiles())
        .put("ReclaimableSize", s.reclaimableBytes())
        .put("DiskSize", s.diskBytes()));
  }

  private void prefix(RoutingContext ctx) throws IOException {
    byte[] prefix = requiredParam(ctx, "prefix");
    if (KeySpace.isReserved(prefix)) {
      json(ctx, new JsonObject());
      return;
    }
    if (server.clustered()) {
      server.scanCluster(prefix).onFailure(e -> HttpReplies.fail(ctx, e)).onSuccess(entries -> {
        JsonObject found = new JsonObject();
        entries.forEach(e -> found.put(new String(e.key(), UTF_8), new String(e.value(), UTF_8)));
        json(ctx, found);
      });
      return;
    }
    JsonObject found = new JsonObject();
    try (EngineIterator it = server.reads().iterator(IteratorOptions.prefix(prefix))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value != null) {
          found.put(new String(it.key(), UTF_8), new String(value, UTF_8));
        }
      }
    }
    json(ctx, found);
  }

  static JsonObject jsonObject(Buffer body, String expected) {
    Object parsed;
    try {
      parsed = body == null || body.length() == 0 ? null : Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new HttpReplies.BadRequest("the body is not valid JSON; expected " + expected);
    }
    if (!(parsed instanceof JsonObject object)) {
      throw new HttpReplies.BadRequest("the body must be " + expected);
    }
    return object;
  }

  static byte[] base64(String key, String value) {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new HttpReplies.BadRequest("the value of '" + key + "' is not base64: " + e.getMessage());
    }
  }

  private static byte[] requiredParam(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      throw new HttpReplies.BadRequest("the query parameter '" + name + "' is required");
    }
    return value.getBytes(UTF_8);
  }

  /** Merge results as JSON, for both APIs. */
  static JsonObject mergeJson(Object outcome) {
    if (outcome instanceof Admin.Merged m) {
      return new JsonObject()
          .put("inputFiles", m.inputFiles())
          .put("outputFiles", m.outputFiles())
          .put("bytesBefore", m.bytesBefore())
          .put("bytesAfter", m.bytesAfter())
          .put("liveRecords", m.liveRecords())
          .put("millis", m.millis());
    }
    return new JsonObject().put("skipped", ((Admin.MergeSkipped) outcome).reason());
  }
}
