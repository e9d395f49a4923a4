package io.comdb.verticles.resp;

import io.comdb.config.ComDbConfig;
import io.comdb.types.RedisStore;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.ServerPorts;
import io.comdb.verticles.api.Codecs;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * The Redis-protocol server on an event loop. Deploy one instance per core after the engine verticle;
 * they share the port. Its configuration is the whole {@link ComDbConfig} as JSON; it uses the {@code resp}
 * and {@code security} sections. Each accepted socket becomes a {@link RespConnection}.
 */
public final class RespVerticle extends VerticleBase {
  private NetServer server;

  @Override
  public Future<?> start() {
    ComDbConfig config;
    RedisStore store;
    try {
      config = ComDbConfig.fromJson(config());
      store = EngineVerticle.redis(vertx);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Codecs.register(vertx);
    RespServer shared = RespServer.of(vertx, config);
    shared.listen(store);
    SyncBatch syncBatch = config.engine().sync().equals("always") ? new SyncBatch(context) : null;
    NetServerOptions options = new NetServerOptions()
        .setHost(config.resp().host())
        .setPort(config.resp().port())
        .setTcpNoDelay(true);
    return vertx.createNetServer(options)
        .connectHandler(socket -> {
          RespConnection connection = new RespConnection(shared.newId(), shared, socket, context, syncBatch);
          shared.register(connection);
        })
        .listen()
        .onSuccess(s -> {
          server = s;
          ServerPorts.record(vertx, "resp", s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown();
  }

  /** The port the RESP verticles of {@code vertx} listen on, or -1. */
  public static int port(Vertx vertx) {
    return ServerPorts.of(vertx, "resp");
  }
}
