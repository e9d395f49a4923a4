package io.comdb.verticles.http;

import io.comdb.config.ComDbConfig;
import io.comdb.engine.EngineStats;
import io.comdb.engine.ReadView;
import io.comdb.engine.Versioned;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.KvClient;
import io.comdb.verticles.Users;
import io.comdb.verticles.ServerPorts;
import io.comdb.verticles.Tls;
import io.comdb.verticles.ServerMetrics;
import io.comdb.verticles.WriterClient;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Writer;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP API on an event loop: ComDB's {@code /bitcask/*} routes ({@link BitcaskApi}), the versioned
 * {@code /v1} API ({@link KvApi}), agent memory ({@link MemoryCompatApi}, {@link AgentsApi}; requests to the
 * {@link io.comdb.verticles.MemorySearchVerticle}), {@code /health}, {@code /metrics} (Prometheus) and {@code /openapi.json}.
 * Deploy one instance per core after {@link EngineVerticle}; they share the port. Reads go straight to the
 * engine's read view; writes go to the engine's writer, those of one pass of the event loop in one message
 * ({@link WriterClient}), and are answered once they are applied (and, under sync always, fsynced).
 *
 * <p>Its configuration is the whole {@link ComDbConfig} as JSON; it uses the {@code http} and
 * {@code security} sections.
 */
public final class HttpVerticle extends VerticleBase {
  /** The routing context's key of the signed-in user. */
  private static final String USER = "comdb.user";
  /** Merges and backups take as long as the data is large, compressions as long as their LLM; the rest answers in milliseconds. */
  private static final DeliveryOptions LONG_DELIVERY = new DeliveryOptions().setSendTimeout(3_600_000);

  /** A handler that may throw; what it throws is answered through {@link HttpReplies#fail}. */
  interface Action {
    void handle(RoutingContext ctx) throws Exception;
  }

  private ComDbConfig config;
  private KvClient kv;
  private Users users;
  private final List<HttpServer> servers = new ArrayList<>();
  private PrometheusMeterRegistry metrics;
  private byte[] openApi;
  /** By "op status": looking a timer up in the registry on every request costs more than recording. */
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  @Override
  public Future<?> start() {
    try {
      config = ComDbConfig.fromJson(config());
      openApi = readOpenApi();
      kv = new KvClient(vertx, context, Writer.Source.HTTP);
      users = Users.of(config.security());
    } catch (RuntimeException | IOException e) {
      return Future.failedFuture(e);
    }
    Codecs.register(vertx);
    metrics = ServerMetrics.registry(vertx);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setMaxInitialLineLength(3 * config.engine().maxKeySize() + 4096) // keys travel percent-encoded in the request line
        .setCompressionSupported(false)
        // HTTP/1.x only: with h2c on, the first request is read before HttpFraming can look at it.
        .setHttp2ClearTextEnabled(false);
    Handler<HttpServerRequest> requests = withHost(router());
    Future<?> plain = config.http().port() < 0 ? Future.succeededFuture()
        : listen(new HttpServerOptions(options).setPort(config.http().port()), requests, "http");
    Future<?> secure = config.http().tlsPort() < 0 ? Future.succeededFuture()
        : listen(Tls.secure(new HttpServerOptions(options).setPort(config.http().tlsPort()), config.tls()), requests, "http-tls");
    return Future.all(plain, secure).onSuccess(v -> {
      if (config.http().port() >= 0) {
        Tls.warnIfExposed("HTTP", config.http().host(), port(vertx));
      }
    });
  }

  private Future<HttpServer> listen(HttpServerOptions options, Handler<HttpServerRequest> requests, String name) {
    return vertx.createHttpServer(options)
        .invalidRequestHandler(HttpVerticle::invalidRequest)
        .connectionHandler(HttpFraming::install)
        .requestHandler(requests)
        .listen()
        .onSuccess(s -> {
          servers.add(s);
          ServerPorts.record(vertx, name, s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return Future.all(servers.stream().map(HttpServer::shutdown).toList());
  }

  /** The port the HTTP verticles of {@code vertx} listen on (the one chosen, when configured with 0), or -1. */
  public static int port(Vertx vertx) {
    return ServerPorts.of(vertx, "http");
  }

  /** The port of their TLS listener, or -1. */
  public static int tlsPort(Vertx vertx) {
    return ServerPorts.of(vertx, "http-tls");
  }

  ReadView reads() {
    return kv.reads();
  }

  Vertx vertx() {
    return vertx;
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::timed);
    router.route().handler(new BrowserGuard(config.http()));
    if (!users.open()) {
      router.route().handler(this::authenticate);
    }
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes());
    router.route().handler(ctx -> {
      // Not a method-restricted route: that would turn every unknown GET path into a 405.
      HttpMethod method = ctx.request().method();
      if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
        bodies.handle(ctx);
      } else {
        ctx.next();
      }
    });
    router.get("/health").setName("health").handler(this::health);
    router.get("/metrics").setName("metrics").handler(ctx ->
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    router.get("/openapi.json").setName("openapi").handler(ctx ->
        ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(openApi)));
    new BitcaskApi(this).mount(router);
    new KvApi(this).mount(router);
    new TxnApi(this).mount(router);
    if (config.search().enabled()) {
      new MemoryCompatApi(this).mount(router);
      new AgentsApi(this).mount(router);
      new McpEndpoint(this).mount(router);
    }
    router.route().failureHandler(ctx -> {
      Throwable failure = ctx.failure();
      if (failure == null) {
        HttpReplies.error(ctx, ctx.statusCode(), statusText(ctx.statusCode()));
      } else {
        HttpReplies.fail(ctx, failure);
      }
    });
    // What the router answers itself, before or around the routes, in JSON too.
    router.errorHandler(400, ctx -> HttpReplies.error(ctx, 400, "malformed request: bad percent-encoding or syntax in the path or query"));
    router.errorHandler(500, ctx -> HttpReplies.fail(ctx, ctx.failure() == null ? new IllegalStateException() : ctx.failure()));
    router.errorHandler(404, ctx -> HttpReplies.error(ctx, 404, "no such route: " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> HttpReplies.error(ctx, 405, "method " + ctx.request().method() + " is not allowed on " + ctx.request().path()));
    return router;
  }

  /** Why a handler failed the request with a bare status (the body handler does, for an over-limit body). */
  private String statusText(int status) {
    return switch (status) {
      case 413 -> "the body is over the limit of " + config.http().maxBodyBytes() + " bytes (http.maxBodyBytes)";
      case 400 -> "bad request";
      default -> "request failed";
    };
  }

  /** Records each request's latency under the name of the route that answered it. */
  private void timed(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(v -> {
      Route route = ctx.currentRoute();
      String op = route == null || route.getName() == null ? "unmatched" : route.getName();
      int status = ctx.response().getStatusCode();
      timers.computeIfAbsent(op + ' ' + status, k -> Timer.builder("comdb.http.requests")
              .tag("op", op)
              .tag("status", Integer.toString(status))
              .register(metrics))
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }

  /**
   * With users or a password configured, every route but {@code /health} wants a user, as Basic
   * credentials (a name that is no configured user stands for {@code default}) or a Bearer token (the
   * {@code default} user's password), whose role allows the request ({@link #access}).
   */
  private void authenticate(RoutingContext ctx) {
    if (ctx.request().path().equals("/health")) {
      ctx.next();
      return;
    }
    // The check may take a worker's turn: the body waits for the body handler meanwhile (Vert.x Web's rule).
    ctx.request().pause();
    signedIn(ctx).onComplete(ar -> {
      HttpMethod method = ctx.request().method();
      if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
        ctx.request().resume(); // no body handler will
      }
      Users.User user = ar.succeeded() ? ar.result() : null;
      if (user == null) {
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"comdb\"");
        HttpReplies.error(ctx, 401, "credentials are required: Authorization: Basic (user and password), or Bearer <password> for the default user");
        return;
      }
      ctx.put(USER, user);
      Users.Access needed = access(ctx.request().method(), ctx.request().path());
      if (!user.role().permits(needed)) {
        HttpReplies.error(ctx, 403, "user " + user.name() + " has the " + user.role().label() + " role; this request needs "
            + needed.name().toLowerCase(java.util.Locale.ROOT));
        return;
      }
      ctx.next();
    });
  }

  /** The user who signed the request in, or null when the server asks for no credentials. */
  static Users.User user(RoutingContext ctx) {
    return ctx.get(USER);
  }

  /**
   * What a request needs: admin for merges and backups, read for GET, HEAD, searches and MCP (whose writing
   * tools check for write themselves), write for the rest.
   */
  static Users.Access access(HttpMethod method, String path) {
    if (path.startsWith("/v1/admin/") || path.equals("/bitcask/merge")) {
      return Users.Access.ADMIN;
    }
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS || path.endsWith("/search")
        || path.equals("/mcp")) {
      return Users.Access.READ;
    }
    return Users.Access.WRITE;
  }

  /** The user the request's Authorization header signs in, or null; a password hash is checked on a worker thread. */
  private Future<Users.User> signedIn(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      return Future.succeededFuture();
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return users.authenticate(vertx, Users.DEFAULT_USER, header.substring(7).trim());
    }
    if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Future.succeededFuture();
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return Future.succeededFuture();
      }
      // A name that is no configured user is the default user's (Basic with the password, any name, as before users).
      String name = decoded.substring(0, colon);
      return users.authenticate(vertx, users.named(name) ? name : Users.DEFAULT_USER, decoded.substring(colon + 1));
    }
    return Future.succeededFuture();
  }

  /** A request without a Host header cannot be routed (Vert.x Web needs one): a JSON 400 instead. */
  private static Handler<HttpServerRequest> withHost(Router router) {
    return request -> {
      if (request.getHeader("Host") == null) {
        request.response()
            .setStatusCode(400)
            .putHeader("Content-Type", "application/json")
            .end(Json.encode(new JsonObject().put("error", "a request needs a Host header").put("status", 400)) + "\n");
      } else {
        router.handle(request);
      }
    };
  }

  /**
   * What the HTTP layer could not read as a request (bad framing, an unknown version, a line or headers
   * too long): a JSON 4xx, then the connection closes.
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String why = switch (status) {
      case 414 -> "the request line is too long";
      case 431 -> "the request's headers are too large";
      default -> "not a well-formed HTTP/1.0 or HTTP/1.1 request";
    };
    request.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(Json.encode(new JsonObject().put("error", why).put("status", status)) + "\n");
  }

  private void health(RoutingContext ctx) {
    // The figures are for those with the password; anyone may learn whether the server is up.
    (users.open() ? Future.succeededFuture(users.anyone()) : signedIn(ctx)).onComplete(ar -> {
      boolean figures = ar.succeeded() && ar.result() != null;
      EngineStats stats;
      try {
        stats = kv.reads().stats();
      } catch (RuntimeException e) {
        JsonObject down = new JsonObject().put("status", "DOWN");
        HttpReplies.json(ctx, 503, figures ? down.put("engine", new JsonObject().put("state", "closed")) : down);
        return;
      }
      JsonObject up = new JsonObject().put("status", "UP");
      HttpReplies.json(ctx, figures
          ? up.put("engine", new JsonObject().put("state", "open").put("liveKeys", stats.liveKeys()).put("dataFiles", stats.dataFiles()))
          : up);
    });
  }


  /**
   * Sends a write to the engine's writer (in this pass's message) and answers with {@code onDone} once it is
   * applied and, under sync always, fsynced; or with the mapped failure (503 when the writer is busy).
   */
  void write(RoutingContext ctx, Object request, Consumer<Object> onDone) {
    kv.write(request).onComplete(ar -> {
      if (ar.succeeded()) {
        onDone.accept(ar.result());
      } else {
        HttpReplies.fail(ctx, ar.cause());
      }
    });
  }

  /**
   * A key's value and version (null when missing): read here, or, clustered, from the node that owns the
   * key's slot.
   */
  Future<Versioned> versioned(byte[] key) {
    return kv.versioned(key);
  }

  boolean clustered() {
    return kv.cluster().clustered();
  }

  /** Clustered: every entry under {@code prefix} on every node, in key order, a page at a time. */
  Future<List<Kv.Entry>> scanCluster(byte[] prefix) {
    List<Kv.Entry> entries = new ArrayList<>();
    return scanFrom(prefix, null, entries).map(v -> entries);
  }

  private Future<Void> scanFrom(byte[] prefix, byte[] after, List<Kv.Entry> into) {
    return kv.scan(new Kv.Scan(prefix, after, Kv.Scan.MAX_LIMIT, false)).compose(page -> {
      into.addAll(page.entries());
      return page.next() == null ? Future.succeededFuture() : scanFrom(prefix, page.next(), into);
    });
  }

  /**
   * Sends a request to a worker (merge, backup: this node's) or to agent memory (the router finds the
   * space's node) and answers with {@code onDone}, or with the mapped failure.
   */
  void request(RoutingContext ctx, String address, Object request, Consumer<Object> onDone) {
    String to = address.startsWith("comdb.admin.") ? kv.cluster().local(address) : address;
    vertx.eventBus().request(to, request, delivery(address)).onComplete(ar -> {
      if (ar.succeeded()) {
        onDone.accept(ar.result().body());
      } else {
        HttpReplies.fail(ctx, ar.cause());
      }
    });
  }

  /** A {@code comdb.memory.*} request's reply; compressions wait for their LLM as long as its timeouts allow. */
  Future<JsonObject> ask(String address, JsonObject request) {
    return vertx.eventBus().<JsonObject>request(address, request, delivery(address)).map(Message::body);
  }

  private static DeliveryOptions delivery(String address) {
    return address.startsWith("comdb.admin.") || address.equals(Addresses.MEMORY_COMPRESS) ? LONG_DELIVERY : new DeliveryOptions();
  }

  void merge(RoutingContext ctx) {
    request(ctx, Addresses.ADMIN_MERGE, new Admin.Merge(), outcome -> HttpReplies.json(ctx, BitcaskApi.mergeJson(outcome)));
  }

  static Handler<RoutingContext> guard(Action action) {
    return ctx -> {
      try {
        action.handle(ctx);
      } catch (Exception e) {
        HttpReplies.fail(ctx, e);
      }
    };
  }

  private static byte[] readOpenApi() throws IOException {
    try (InputStream in = HttpVerticle.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IOException("openapi.json is missing from the jar");
      }
      return in.readAllBytes();
    }
  }
}
