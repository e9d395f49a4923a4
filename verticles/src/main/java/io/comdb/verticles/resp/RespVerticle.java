package io.comdb.verticles.resp;

import io.comdb.config.ComDbConfig;
import io.comdb.types.RedisView;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.ServerPorts;
import io.comdb.verticles.Tls;
import io.comdb.verticles.WriterClient;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Writer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis-protocol server on an event loop. Deploy one instance per core after the engine verticle;
 * they share the port. Each instance runs read-only commands on the engine's read view and sends the
 * writes of all its connections to the writer, one message per pass of its event loop
 * ({@link WriterClient}). Its configuration is the whole {@link ComDbConfig} as JSON; it uses the
 * {@code resp} and {@code security} sections. Each accepted socket becomes a {@link RespConnection}.
 */
public final class RespVerticle extends VerticleBase {
  private static final Buffer MAX_CLIENTS_REACHED = Buffer.buffer("-ERR max number of clients reached\r\n");
  private final List<NetServer> servers = new ArrayList<>();

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
        .setTcpNoDelay(true);
    Handler<NetSocket> accept = socket -> {
      if (!shared.admit()) {
        socket.end(MAX_CLIENTS_REACHED.copy()); // Redis's answer beyond maxclients, then it closes
        return;
      }
      RespConnection connection = new RespConnection(shared.newId(), shared, socket, context, view, writer);
      shared.register(connection);
    };
    return Tls.listen(vertx, options, config.resp().port(), config.resp().tlsPort(), config.tls(), accept, "resp", "RESP")
        .onSuccess(servers::addAll);
  }

  @Override
  public Future<?> stop() {
    return Future.all(servers.stream().map(NetServer::shutdown).toList());
  }

  /** The port the RESP verticles of {@code vertx} listen on, or -1. */
  public static int port(Vertx vertx) {
    return ServerPorts.of(vertx, "resp");
  }

  /** The port of their TLS listener, or -1. */
  public static int tlsPort(Vertx vertx) {
    return ServerPorts.of(vertx, "resp-tls");
  }
}
