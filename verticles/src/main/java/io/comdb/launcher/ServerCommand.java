package io.comdb.launcher;

import io.comdb.cluster.HazelcastSetup;
import io.comdb.config.ComDbConfig;
import io.comdb.config.ConfigException;
import io.comdb.config.ConfigLoader;
import io.comdb.verticles.ServerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code comdb server}: runs the server in the foreground through Vert.x's application launcher, with
 * {@link ServerVerticle} as the main verticle. Each flag overrides its environment variable, which
 * overrides the configuration file, which overrides the defaults ({@link ConfigLoader}).
 *
 * <p>SIGTERM and Ctrl-C stop it in order: the HTTP servers stop accepting and finish their requests, the
 * engine fsyncs, closes (marking a clean shutdown) and releases its lock; then the process exits 0.
 */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the ComDB server in the foreground (the default command).")
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (env COMDB_DATA_DIR, default ./data).")
  String dataDir;

  @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port, 0 for any free one (env COMDB_HTTP_PORT, default 9090).")
  Integer httpPort;

  @Option(names = "--resp-port", paramLabel = "PORT", description = "Redis-protocol port (env COMDB_RESP_PORT, default 6380).")
  Integer respPort;

  @Option(names = "--line-port", paramLabel = "PORT", description = "ChromoDB line-protocol port, 0 for any free one (env COMDB_LINE_PORT, default 7676).")
  Integer linePort;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain of the TLS listeners (env COMDB_TLS_CERT).")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key (env COMDB_TLS_KEY).")
  String tlsKey;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "CA certificates: clients must then present a certificate one signed (env COMDB_TLS_CA).")
  String tlsCa;

  @Option(names = "--http-tls-port", paramLabel = "PORT", description = "HTTPS port, 0 for any free one (env COMDB_HTTP_TLS_PORT, default off).")
  Integer httpTlsPort;

  @Option(names = "--resp-tls-port", paramLabel = "PORT", description = "Redis-protocol TLS port, as Redis's tls-port (env COMDB_RESP_TLS_PORT, default off).")
  Integer respTlsPort;

  @Option(names = "--line-tls-port", paramLabel = "PORT", description = "Line-protocol TLS port (env COMDB_LINE_TLS_PORT, default off).")
  Integer lineTlsPort;

  @Option(names = "--memory-limit", paramLabel = "SIZE", description = "Keydir memory past which writes that add keys are refused: 750mb, 2gb (env COMDB_ENGINE_MAX_MEMORY_BYTES, default none).")
  String memoryLimit;

  @Option(names = "--sync", paramLabel = "MODE", description = "always | interval | none (env COMDB_SYNC, default interval: every 1000 ms).")
  String sync;

  @Option(names = "--cluster", description = "Join a cluster over Hazelcast (env COMDB_CLUSTER_ENABLED); see docs/cluster.md.")
  Boolean cluster;

  @Option(names = "--cluster-host", paramLabel = "ADDRESS", description = "Address the cluster's traffic binds and announces (env COMDB_CLUSTER_HOST, default 127.0.0.1).")
  String clusterHost;

  @Option(names = "--cluster-port", paramLabel = "PORT", description = "Hazelcast's port, or the next free one (env COMDB_CLUSTER_PORT, default 5701).")
  Integer clusterPort;

  @Option(names = "--cluster-members", paramLabel = "HOST[:PORT],...", description = "Members to join over TCP (env COMDB_CLUSTER_MEMBERS, default 127.0.0.1).")
  String clusterMembers;

  @Option(names = "--conf", paramLabel = "FILE", description = "JSON configuration file (env COMDB_CONF); see docs/configuration.md.")
  Path conf;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Vertx vertx;
  private ComDbConfig config;

  @Override
  public Integer call() throws InterruptedException {
    try {
      config = ConfigLoader.load(confFile(), System.getenv(), overrides());
    } catch (ConfigException e) {
      System.err.println("comdb: bad configuration: " + e.getMessage());
      return 2;
    }
    String[] args = config.cluster().enabled()
        ? new String[] {ServerVerticle.class.getName(), "-cluster", "-conf", config.toJson().encode()}
        : new String[] {ServerVerticle.class.getName(), "-conf", config.toJson().encode()};
    int code = new VertxApplication(args, new Hooks()).launch();
    if (code != 0) {
      return code;
    }
    // Our handlers replace the JVM's: a plain SIGTERM would exit 143 from inside the shutdown hooks.
    Signal.handle(new Signal("TERM"), signal -> stop());
    Signal.handle(new Signal("INT"), signal -> stop());
    stopped.await();
    return 0;
  }

  private Path confFile() {
    if (conf != null) {
      return conf;
    }
    String env = System.getenv(ConfigLoader.CONF_ENV);
    return env == null || env.isEmpty() ? null : Path.of(env);
  }

  /** The flags given, by the dotted field each sets. */
  private Map<String, Object> overrides() {
    Map<String, Object> overrides = new HashMap<>();
    Object[][] flags = {
        {"engine.dataDir", dataDir}, {"engine.sync", sync}, {"http.port", httpPort}, {"resp.port", respPort},
        {"line.port", linePort}, {"engine.maxMemoryBytes", memoryLimit}, {"tls.cert", tlsCert}, {"tls.key", tlsKey}, {"tls.ca", tlsCa}, {"http.tlsPort", httpTlsPort},
        {"resp.tlsPort", respTlsPort}, {"line.tlsPort", lineTlsPort}, {"cluster.enabled", cluster}, {"cluster.host", clusterHost}, {"cluster.port", clusterPort},
        {"cluster.members", clusterMembers}};
    for (Object[] flag : flags) {
      if (flag[1] != null) {
        overrides.put((String) flag[0], flag[1]);
      }
    }
    return overrides;
  }

  /** Undeploys the server in order, closes Vert.x, then lets {@link #call} return. */
  private void stop() {
    Vertx v = vertx;
    if (v == null) {
      stopped.countDown();
      return;
    }
    System.err.println("comdb: stopping");
    ServerVerticle.stopInOrder(v).eventually(v::close).onComplete(ar -> {
      if (ar.failed()) {
        System.err.println("comdb: stopping failed: " + ar.cause());
      }
      stopped.countDown();
    });
  }

  /**
   * Puts Micrometer's Prometheus registry into Vert.x, prefers Netty's native (epoll) transport, clusters it
   * over Hazelcast as the cluster section says, and keeps hold of the Vert.x instance.
   */
  private final class Hooks implements VertxApplicationHooks {
    @Override
    public VertxBuilder createVertxBuilder(VertxOptions options) {
      options.setPreferNativeTransport(true);
      options.setMetricsOptions(new MicrometerMetricsOptions()
          .setEnabled(true)
          .setJvmMetricsEnabled(true)
          // Per-message meters, looked up by address on every message: a tenth of a cluster node's event-loop time.
          .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
      if (!config.cluster().enabled()) {
        return Vertx.builder().with(options);
      }
      options.getEventBusOptions().setHost(config.cluster().host());
      if (config.tls().enabled()) {
        HazelcastSetup.secureEventBus(options.getEventBusOptions(), config.tls());
      }
      return Vertx.builder().with(options).withClusterManager(HazelcastSetup.clusterManager(config.cluster()));
    }

    @Override
    public void afterVertxStarted(HookContext context) {
      vertx = context.vertx();
      ServerVerticle.onShutdownRequest(vertx, ServerCommand.this::stop); // Redis's SHUTDOWN stops as SIGTERM does
    }

    @Override
    public void afterFailureToDeployVerticle(HookContext context, Throwable error) {
      System.err.println("comdb: the server did not start: " + error.getMessage());
    }
  }
}
