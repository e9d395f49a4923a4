package io.comdb.verticles.http;

import static io.comdb.verticles.http.HttpReplies.json;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.verticles.api.Kv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/txn}: a transaction in etcd's shape. If every compare holds, the {@code success}
 * operations run, else the {@code failure} ones; atomically, by the engine's writer, each seeing the writes
 * before it. Keys and values are UTF-8 text, or base64 with {@code "encoding": "base64"}.
 *
 * <pre>
 * {"compare": [{"key": "k", "value": "v"},              value compares: op "=" (default), "!=", "&gt;", "&lt;"
 *              {"key": "k", "exists": true},           existence
 *              {"key": "k", "version": 12, "op": "&gt;"}], version compares (a missing key: version 0)
 *  "success": [{"put": {"key": "k", "value": "v"}}, {"delete": {"key": "k"}}, {"get": {"key": "k"}}],
 *  "failure": [...]}
 * → 200 {"succeeded": true, "responses": [{"put": {}}, {"delete": {"deleted": true}}, {"get": {"value": "v"}}],
 *        "sequence": 42}
 * </pre>
 */
final class TxnApi {
  private static final Set<String> COMPARE_FIELDS = Set.of("key", "value", "exists", "version", "op");

  private final HttpVerticle server;

  TxnApi(HttpVerticle server) {
    this.server = server;
  }

  void mount(Router router) {
    router.post("/v1/txn").setName("kv.txn").handler(HttpVerticle.guard(this::txn));
  }

  private void txn(RoutingContext ctx) {
    JsonObject body = BitcaskApi.jsonObject(ctx.body().buffer(), "a transaction: {\"compare\": [...], \"success\": [...], \"failure\": [...]}");
    for (String field : body.fieldNames()) {
      if (!Set.of("compare", "success", "failure", "encoding").contains(field)) {
        throw new HttpReplies.BadRequest("unknown field '" + field + "'; a transaction has compare, success, failure, encoding");
      }
    }
    Codec codec = new Codec(KvApi.base64Encoding(body.getValue("encoding")));
    List<Kv.Compare> compares = new ArrayList<>();
    for (JsonObject c : objects(body, "compare")) {
      compares.add(compare(c, codec));
    }
    List<Kv.TxnOp> success = ops(body, "success", codec);
    List<Kv.TxnOp> failure = ops(body, "failure", codec);
    Kv.Txn txn;
    try {
      txn = new Kv.Txn(compares, success, failure);
    } catch (IllegalArgumentException e) {
      throw new HttpReplies.BadRequest(e.getMessage());
    }
    server.write(ctx, txn, reply -> {
      Kv.TxnResult result = (Kv.TxnResult) reply;
      JsonArray responses = new JsonArray();
      for (Kv.TxnResponse r : result.responses()) {
        responses.add(switch (r.kind()) {
          case PUT -> new JsonObject().put("put", new JsonObject());
          case DELETE -> new JsonObject().put("delete", new JsonObject().put("deleted", r.existed()));
          case GET -> new JsonObject().put("get", new JsonObject().put("value", r.value() == null ? null : codec.text(r.value())));
        });
      }
      ctx.response().putHeader(KvApi.SEQUENCE_HEADER, Long.toString(result.sequence()));
      json(ctx, new JsonObject().put("succeeded", result.succeeded()).put("responses", responses).put("sequence", result.sequence()));
    });
  }

  private static Kv.Compare compare(JsonObject c, Codec codec) {
    for (String field : c.fieldNames()) {
      if (!COMPARE_FIELDS.contains(field)) {
        throw new HttpReplies.BadRequest("unknown field '" + field + "' in a compare; it has key, one of value, exists, version, and op");
      }
    }
    byte[] key = codec.bytes(c, "key");
    int targets = (c.containsKey("value") ? 1 : 0) + (c.containsKey("exists") ? 1 : 0) + (c.containsKey("version") ? 1 : 0);
    if (targets != 1) {
      throw new HttpReplies.BadRequest("a compare names exactly one of value, exists, version");
    }
    Kv.Op op = op(c.getValue("op"));
    if (c.containsKey("exists")) {
      if (!(c.getValue("exists") instanceof Boolean exists) || c.containsKey("op")) {
        throw new HttpReplies.BadRequest("an existence compare is {\"key\": ..., \"exists\": true|false}, with no op");
      }
      return Kv.Compare.exists(key, exists);
    }
    if (c.containsKey("version")) {
      if (!(c.getValue("version") instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
        throw new HttpReplies.BadRequest("'version' must be a whole number >= 0");
      }
      return Kv.Compare.version(key, op, n.longValue());
    }
    return Kv.Compare.value(key, op, codec.bytes(c, "value"));
  }

  private static Kv.Op op(Object op) {
    if (op == null) {
      return Kv.Op.EQUAL;
    }
    return switch (String.valueOf(op)) {
      case "=", "==" -> Kv.Op.EQUAL;
      case "!=" -> Kv.Op.NOT_EQUAL;
      case ">" -> Kv.Op.GREATER;
      case "<" -> Kv.Op.LESS;
      default -> throw new HttpReplies.BadRequest("'op' must be one of =, !=, >, <; got '" + op + "'");
    };
  }

  private static List<Kv.TxnOp> ops(JsonObject body, String branch, Codec codec) {
    List<Kv.TxnOp> ops = new ArrayList<>();
    for (JsonObject o : objects(body, branch)) {
      if (o.size() != 1) {
        throw new HttpReplies.BadRequest("each operation of '" + branch + "' is one of {\"put\": ...}, {\"delete\": ...}, {\"get\": ...}");
      }
      Map.Entry<String, Object> only = o.iterator().next();
      if (!(only.getValue() instanceof JsonObject args)) {
        throw new HttpReplies.BadRequest("'" + only.getKey() + "' takes an object: {\"key\": ...}");
      }
      byte[] key = codec.bytes(args, "key");
      ops.add(switch (only.getKey()) {
        case "put" -> Kv.TxnOp.put(key, codec.bytes(args, "value"));
        case "delete" -> Kv.TxnOp.delete(key);
        case "get" -> Kv.TxnOp.get(key);
        default -> throw new HttpReplies.BadRequest("unknown operation '" + only.getKey() + "'; use put, delete or get");
      });
    }
    return ops;
  }

  private static List<JsonObject> objects(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new HttpReplies.BadRequest("'" + field + "' must be an array");
    }
    List<JsonObject> objects = new ArrayList<>(array.size());
    for (Object o : array) {
      if (!(o instanceof JsonObject object)) {
        throw new HttpReplies.BadRequest("every element of '" + field + "' must be an object");
      }
      objects.add(object);
    }
    return objects;
  }

  /** Keys and values as text or base64, as the request says. */
  private record Codec(boolean base64) {
    byte[] bytes(JsonObject o, String field) {
      if (!(o.getValue(field) instanceof String text)) {
        throw new HttpReplies.BadRequest("'" + field + "' must be a string" + (base64 ? " (base64)" : ""));
      }
      return base64 ? BitcaskApi.base64(field, text) : text.getBytes(UTF_8);
    }

    String text(byte[] bytes) {
      return KvApi.text(bytes, base64);
    }
  }
}
