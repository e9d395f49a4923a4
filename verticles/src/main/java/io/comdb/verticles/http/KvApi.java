package io.comdb.verticles.http;

import static io.comdb.verticles.http.HttpReplies.json;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.engine.EngineStats;
import io.comdb.engine.Versioned;
import io.comdb.types.KeySpace;
import io.comdb.verticles.MemoryLimit;
import io.comdb.verticles.Scans;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Kv;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;

/**
 * The versioned JSON API, described by {@code /openapi.json}. Keys in paths are percent-encoded bytes, so
 * any key can be named; values travel as raw bytes.
 *
 * <pre>
 * GET    /v1/kv/{key}                          200 the value's bytes, header ComDB-Version; 404 if missing
 * PUT    /v1/kv/{key}                          the body is the value; 204, header ComDB-Sequence
 * DELETE /v1/kv/{key}                          200 {"deleted":true|false}, header ComDB-Sequence
 * GET    /v1/kv?prefix=&amp;limit=&amp;cursor=&amp;encoding=  {"entries":[{"key","value"}],"next":cursor|null}
 * POST   /v1/admin/merge                       the merge's figures, or why it was skipped
 * POST   /v1/admin/backup  {"directory":"/path"}  {"directory":...,"millis":n}
 * GET    /v1/stats                             the engine's figures
 * </pre>
 */
final class KvApi {
  /** The version of the value a GET returns: what a transaction's version compare compares. */
  static final String VERSION_HEADER = "ComDB-Version";
  /** The sequence number of a write's record (-1: it wrote nothing); durable under sync always. */
  static final String SEQUENCE_HEADER = "ComDB-Sequence";
  private static final String KEY_PATH = "/v1/kv/";
  private static final int DEFAULT_LIMIT = 100;

  private final HttpVerticle server;

  KvApi(HttpVerticle server) {
    this.server = server;
  }

  void mount(Router router) {
    // The scan first: "/v1/kv/*" matches "/v1/kv" too.
    router.get("/v1/kv").setName("kv.scan").blockingHandler(HttpVerticle.guard(this::scan), false);
    router.get(KEY_PATH + "*").setName("kv.get").handler(HttpVerticle.guard(this::get));
    router.put(KEY_PATH + "*").setName("kv.put").handler(this::put);
    router.delete(KEY_PATH + "*").setName("kv.delete").handler(this::delete);
    router.post("/v1/admin/merge").setName("admin.merge").handler(ctx -> server.merge(ctx));
    router.post("/v1/admin/backup").setName("admin.backup").handler(this::backup);
    router.get("/v1/stats").setName("stats").handler(this::stats);
  }

  private void get(RoutingContext ctx) {
    byte[] key = key(ctx);
    Future<Versioned> lookup = KeySpace.isReserved(key) ? Future.succeededFuture() : server.versioned(key);
    lookup.onFailure(e -> HttpReplies.fail(ctx, e)).onSuccess(found -> {
      if (found == null) {
        HttpReplies.error(ctx, 404, "no such key");
        return;
      }
      ctx.response()
          .putHeader("Content-Type", "application/octet-stream")
          .putHeader(VERSION_HEADER, Long.toString(found.version()))
          .end(Buffer.buffer(found.value()));
    });
  }

  private void put(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    byte[] value = body == null ? new byte[0] : body.getBytes();
    server.write(ctx, new Kv.Put(key(ctx), value), done -> ctx.response()
        .setStatusCode(204)
        .putHeader(SEQUENCE_HEADER, Long.toString(((Kv.Done) done).sequence()))
        .end());
  }

  private void delete(RoutingContext ctx) {
    server.write(ctx, new Kv.Delete(key(ctx)), reply -> {
      Kv.Deleted deleted = (Kv.Deleted) reply;
      ctx.response().putHeader(SEQUENCE_HEADER, Long.toString(deleted.sequence()));
      json(ctx, new JsonObject().put("deleted", deleted.existed()));
    });
  }

  private void scan(RoutingContext ctx) throws IOException {
    String prefix = ctx.queryParams().get("prefix");
    String cursor = ctx.queryParams().get("cursor");
    boolean base64 = base64Encoding(ctx.queryParams().get("encoding"));
    Kv.Scan scan = new Kv.Scan(
        prefix == null ? new byte[0] : prefix.getBytes(UTF_8),
        cursor == null ? null : decodeCursor(cursor),
        limit(ctx.queryParams().get("limit")),
        false);
    if (server.clustered()) {
      server.request(ctx, Addresses.KV_SCAN, scan, page -> scanned(ctx, (Kv.Page) page, base64)); // every node's keys
    } else {
      scanned(ctx, Scans.page(server.reads(), scan), base64);
    }
  }

  private static void scanned(RoutingContext ctx, Kv.Page page, boolean base64) {
    JsonArray entries = new JsonArray();
    for (Kv.Entry e : page.entries()) {
      entries.add(new JsonObject().put("key", text(e.key(), base64)).put("value", text(e.value(), base64)));
    }
    json(ctx, new JsonObject()
        .put("entries", entries)
        .put("next", page.next() == null ? null : Base64.getUrlEncoder().withoutPadding().encodeToString(page.next())));
  }

  private void backup(RoutingContext ctx) {
    JsonObject body = BitcaskApi.jsonObject(ctx.body().buffer(), "{\"name\": \"nightly-2026-11-30\"}");
    // "directory" is the field's old name: a bare name is still taken there, a path never.
    Object name = body.containsKey("name") ? body.getValue("name") : body.getValue("directory");
    if (!(name instanceof String text) || text.isEmpty()) {
      throw new HttpReplies.BadRequest("'name' must name the backup; it is written under engine.backupDir");
    }
    server.request(ctx, Addresses.ADMIN_BACKUP, new Admin.Backup(text), reply -> {
      Admin.BackedUp done = (Admin.BackedUp) reply;
      json(ctx, new JsonObject().put("name", done.name()).put("directory", done.directory()).put("millis", done.millis()));
    });
  }

  private void stats(RoutingContext ctx) {
    EngineStats s = server.reads().stats();
    json(ctx, new JsonObject()
        .put("liveKeys", s.liveKeys())
        .put("dataFiles", s.dataFiles())
        .put("diskBytes", s.diskBytes())
        .put("reclaimableBytes", s.reclaimableBytes())
        .put("reclaimableRatio", s.reclaimableRatio())
        .put("lastSequence", s.lastSequence())
        .put("durableSequence", s.durableSequence())
        .put("memoryBytes", s.memoryBytes())
        .put("maxMemoryBytes", MemoryLimit.of(server.vertx(), 0).max()));
  }

  /** The key named by the raw (still percent-encoded) path, so keys of any bytes can be named. */
  private static byte[] key(RoutingContext ctx) {
    String path = ctx.request().path();
    String raw = path.length() > KEY_PATH.length() ? path.substring(KEY_PATH.length()) : "";
    if (raw.isEmpty()) {
      throw new HttpReplies.BadRequest("the path must name a key: /v1/kv/{key}");
    }
    return percentDecode(raw);
  }

  static byte[] percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
        if (lo < 0) {
          throw new HttpReplies.BadRequest("bad percent-encoding in the key at " + i);
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(UTF_8);
        out.write(utf8, 0, utf8.length);
      }
    }
    return out.toByteArray();
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= Kv.Scan.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new HttpReplies.BadRequest("limit must be a whole number from 1 to " + Kv.Scan.MAX_LIMIT + ", got '" + text + "'");
  }

  private static byte[] decodeCursor(String cursor) {
    try {
      return Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw new HttpReplies.BadRequest("cursor is not one this server gave out");
    }
  }

  /** Whether an {@code encoding} parameter (absent, {@code utf8} or {@code base64}) asks for base64. */
  static boolean base64Encoding(Object encoding) {
    return switch (String.valueOf(encoding)) {
      case "null", "utf8" -> false;
      case "base64" -> true;
      default -> throw new HttpReplies.BadRequest("encoding must be utf8 or base64");
    };
  }

  /** Bytes as JSON text in the request's encoding. */
  static String text(byte[] bytes, boolean base64) {
    return base64 ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, UTF_8);
  }
}
