package io.comdb.verticles;

import io.comdb.config.TlsSection;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS for a listener, from the {@code tls} section's PEM files, through Vert.x's own TLS: each listener
 * with a {@code tlsPort} runs a second server there (Redis's {@code tls-port} model), beside its plain one
 * unless that one's port is -1.
 */
public final class Tls {
  private static final System.Logger LOG = System.getLogger(Tls.class.getName());

  private Tls() {}

  /**
   * {@code options} made TLS: the certificate and key, and, with {@code tls.ca}, client certificates
   * required. The handshake and the records run in BoringSSL (netty-tcnative) where it loads, the JDK's
   * TLS otherwise.
   */
  public static <T extends NetServerOptions> T secure(T options, TlsSection tls) {
    options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key()));
    if (OpenSSLEngineOptions.isAvailable()) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    if (tls.ca() != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(tls.ca())).setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  /**
   * Listens with {@code options} on {@code port} in plain text and on {@code tlsPort} with TLS (either -1:
   * not that one), each accepted socket to {@code accept}; records the ports as {@code name} and
   * {@code name-tls} ({@link ServerPorts}), and warns of a plain listener beyond loopback.
   */
  public static Future<List<NetServer>> listen(Vertx vertx, NetServerOptions options, int port, int tlsPort, TlsSection tls,
      Handler<NetSocket> accept, String name, String what) {
    List<Future<NetServer>> servers = new ArrayList<>();
    if (port >= 0) {
      servers.add(listen(vertx, new NetServerOptions(options).setPort(port), accept, name)
          .onSuccess(s -> warnIfExposed(what, options.getHost(), s.actualPort())));
    }
    if (tlsPort >= 0) {
      servers.add(listen(vertx, secure(new NetServerOptions(options).setPort(tlsPort), tls), accept, name + "-tls"));
    }
    return Future.all(servers).map(all -> all.<NetServer>list());
  }

  private static Future<NetServer> listen(Vertx vertx, NetServerOptions options, Handler<NetSocket> accept, String name) {
    return vertx.createNetServer(options).connectHandler(accept).listen()
        .onSuccess(s -> ServerPorts.record(vertx, name, s.actualPort()));
  }

  /** A plain-text listener on an address other than loopback: logged, naming the port. */
  public static void warnIfExposed(String listener, String host, int port) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      LOG.log(System.Logger.Level.WARNING, "{0} listens on {1}:{2,number,#} without TLS: passwords and data cross the network "
          + "in plain text; set tls.cert, tls.key and a tlsPort (docs/security.md)", listener, host, port);
    }
  }
}
