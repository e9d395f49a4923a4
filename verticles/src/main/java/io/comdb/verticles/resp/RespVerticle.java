package io.comdb.verticles.resp;

import io.comdb.config.ComDbConfig;
import io.comdb.types.RedisView;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.ServerPorts;
import io.comdb.verticles.WriterClient;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Writer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * The Redis-protocol server on an event loop. Deploy one instance per core after the engine verticle;
 * they share the port. Each instance runs read-only commands on the engine's read view and sends the
 * writes of all its connections to the writer, one message per pass of its event loop
 * ({@link WriterClient}). Its configuration is the whole {@link ComDbConfig} as JSON; it uses the
 * {@code resp} and {@code security} sections. Each accepted socket becomes a {@link RespConnection}.
 */
public final class RespVerticle extends VerticleBase {
  private static final Buffer MAX_CLIENTS_REACHED = Buffer.buffer("-ERR max number of clients reached\r\n");
  private NetServer server;

  @Override
  public Future<?> start() {
    ComDbConfig config;
    RedisView view;
    WriterClient writer;
    try {
      config = ComDbConfig.fromJson(config());
      view = EngineVerticle.redis(vertx);
      writer = new WriterClient(vertx, context, Writer.Source.RESP);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Codecs.register(vertx);
    PubSub.serve(vertx);
    RespServer shared = RespServer.of(vertx, config);
    NetServerOptions options = new NetServerOptions()
        .setHost(config.resp().host())
        .setPort(config.resp().port())
        .setTcpNoDelay(true);
    return vertx.createNetServer(options)
        .connectHandler(socket -> {
          if (!shared.admit()) {
            socket.end(MAX_CLIENTS_REACHED.copy()); // Redis's answer beyond maxclients, then it closes
            return;
          }
          RespConnection connection = new RespConnection(shared.newId(), shared, socket, context, view, writer);
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
