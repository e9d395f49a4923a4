package io.comdb.verticles.line;

import io.comdb.config.ComDbConfig;
import io.comdb.verticles.KvClient;
import io.comdb.verticles.ServerPorts;
import io.comdb.verticles.Tls;
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
 * ChromoDB's line protocol ({@code PUT->key->value}, {@code GET->key}, {@code DEL->key}, {@code MEM},
 * {@code DISK}) on an event loop, on the keyspace of the key-value API: a value put here is the value of
 * {@code GET /v1/kv/key}, and the other way round. Deploy one instance per core after the engine verticle;
 * they share the port. Its configuration is the whole {@link ComDbConfig} as JSON; it uses the {@code line}
 * and {@code security} sections. Each accepted socket becomes a {@link LineConnection}.
 */
public final class LineProtocolVerticle extends VerticleBase {
  private static final Buffer TOO_MANY_CLIENTS = Buffer.buffer("too many connections (line.maxClients)\r\n");
  private final List<NetServer> servers = new ArrayList<>();

  @Override
  public Future<?> start() {
    ComDbConfig config;
    KvClient kv;
    try {
      config = ComDbConfig.fromJson(config());
      kv = new KvClient(vertx, context, Writer.Source.LINE);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Codecs.register(vertx);
    LineServer shared = LineServer.of(vertx, config);
    NetServerOptions options = new NetServerOptions()
        .setHost(config.line().host())
        .setIdleTimeout(config.line().idleSeconds())
        .setTcpNoDelay(true);
    Handler<NetSocket> accept = socket -> {
      if (!shared.admit()) {
        socket.end(TOO_MANY_CLIENTS.copy());
        return;
      }
      LineConnection connection = new LineConnection(socket, context, kv, shared);
      shared.register(connection);
      vertx.setTimer(LineServer.AUTH_GRACE_MS, t -> {
        if (!connection.authenticated()) {
          connection.expire();
        }
      });
    };
    return Tls.listen(vertx, options, config.line().port(), config.line().tlsPort(), config.tls(), accept, "line", "The line protocol")
        .onSuccess(servers::addAll);
  }

  @Override
  public Future<?> stop() {
    return Future.all(servers.stream().map(NetServer::shutdown).toList());
  }

  /** The port the line-protocol verticles of {@code vertx} listen on, or -1. */
  public static int port(Vertx vertx) {
    return ServerPorts.of(vertx, "line");
  }

  /** The port of their TLS listener, or -1. */
  public static int tlsPort(Vertx vertx) {
    return ServerPorts.of(vertx, "line-tls");
  }
}
