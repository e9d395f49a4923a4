package io.comdb.verticles;

import io.comdb.config.ComDbConfig;
import io.comdb.verticles.cluster.ClusterNode;
import io.comdb.verticles.cluster.ReplicaVerticle;
import io.comdb.verticles.line.LineProtocolVerticle;
import io.comdb.verticles.cluster.RouterVerticle;
import io.comdb.verticles.http.HttpVerticle;
import io.comdb.verticles.resp.RespVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The whole server, as one verticle to deploy: the launcher's main verticle, and what another Vert.x
 * application deploys by class name ({@code io.comdb.verticles.ServerVerticle}) with a {@link ComDbConfig}
 * as JSON. It deploys, in order, the {@link EngineVerticle}, the {@link MergeWorkerVerticle} and
 * {@link HintRebuildWorkerVerticle} workers, the {@link MemorySearchVerticle} and its {@link CompressionWorkerVerticle}, the {@link HttpVerticle}s and the {@link RespVerticle}s.
 *
 * <p>Vert.x undeploys a verticle's children all at once, before the verticle's own stop. So that the HTTP
 * servers stop accepting and finish their requests before the engine syncs and closes, stop the server
 * with {@link #stopInOrder}, which undeploys them in the reverse order of deployment, and only then close
 * Vert.x or undeploy this verticle.
 */
public final class ServerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(ServerVerticle.class.getName());

  private static final String LOCAL_MAP = "comdb.server";

  /** Deployment ids, in the order deployed; shared so that {@link #stopInOrder} finds them. */
  private static final class Deployed implements Shareable {
    final List<String> ids = new CopyOnWriteArrayList<>();
    /** The stop under way, if one is: a second request (SHUTDOWN, then SIGTERM) joins it. */
    Future<Void> stopping;
  }

  private final Deployed deployed = new Deployed();

  /** What a SHUTDOWN command runs, registered by whoever owns the process. */
  private record ShutdownAction(Runnable action) implements Shareable {}

  /**
   * Registers what stops the whole process when a client asks (Redis's SHUTDOWN): {@code comdb server}
   * registers its SIGTERM path. Without one, SHUTDOWN stops only this server's verticles
   * ({@link #stopInOrder}), leaving the embedding application running.
   */
  public static void onShutdownRequest(Vertx vertx, Runnable action) {
    vertx.sharedData().getLocalMap(LOCAL_MAP).put("shutdown", new ShutdownAction(action));
  }

  /** Stops the server as SIGTERM does, or its verticles when no process owner registered a stop. */
  public static Future<Void> requestShutdown(Vertx vertx) {
    Object registered = vertx.sharedData().getLocalMap(LOCAL_MAP).get("shutdown");
    if (registered instanceof ShutdownAction a) {
      a.action().run();
      return Future.succeededFuture();
    }
    return stopInOrder(vertx);
  }

  /**
   * Undeploys what the {@code ServerVerticle} of {@code vertx} deployed, last first: the HTTP servers
   * (each finishing its requests), the workers, then the engine (fsync, close, lock released).
   */
  public static Future<Void> stopInOrder(Vertx vertx) {
    Deployed deployed = vertx.sharedData().<String, Deployed>getLocalMap(LOCAL_MAP).get("deployed");
    Future<Void> stopped = Future.succeededFuture();
    if (deployed == null) {
      return stopped;
    }
    synchronized (deployed) {
      if (deployed.stopping == null) {
        // A script that never ends would hold the writer, and so the stop, forever: it stops uncommitted.
        EngineVerticle.abortScripts(vertx);
        deployed.stopping = undeployInReverse(vertx, deployed);
      }
      return deployed.stopping;
    }
  }

  private static Future<Void> undeployInReverse(Vertx vertx, Deployed deployed) {
    Future<Void> stopped = Future.succeededFuture();
    List<String> ids = new ArrayList<>(deployed.ids);
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      stopped = stopped.compose(v -> {
        deployed.ids.remove(id);
        return vertx.deploymentIDs().contains(id) ? vertx.undeploy(id) : Future.succeededFuture();
      });
    }
    return stopped;
  }

  @Override
  public Future<?> start() {
    ComDbConfig config;
    try {
      config = ComDbConfig.fromJson(config());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (vertx.sharedData().getLocalMap(LOCAL_MAP).putIfAbsent("deployed", deployed) != null) {
      return Future.failedFuture(new IllegalStateException("a ServerVerticle is already deployed in this Vert.x instance"));
    }
    if (config.cluster().enabled() && !vertx.isClustered()) {
      vertx.sharedData().getLocalMap(LOCAL_MAP).remove("deployed", deployed);
      return Future.failedFuture(new IllegalStateException("cluster.enabled is true but this Vert.x is not clustered: "
          + "start it with -cluster, or with Vertx.builder().withClusterManager(...)"));
    }
    JsonObject engine = config.engine().toJson();
    // Clustered: join first, so that the verticles serve their own node's addresses from the start.
    Future<?> started = vertx.isClustered()
        ? vertx.executeBlocking(() -> ClusterNode.join(vertx, config.cluster(), java.nio.file.Path.of(config.engine().dataDir())))
        : Future.succeededFuture();
    started = started.compose(v -> deploy(EngineVerticle.class.getName(), worker("comdb-engine", engine)))
        .compose(v -> deploy(MergeWorkerVerticle.class.getName(), worker("comdb-merge", engine)))
        .compose(v -> deploy(HintRebuildWorkerVerticle.class.getName(), worker("comdb-hints", engine)));
    if (config.search().enabled()) {
      started = started.compose(v -> deploy(MemorySearchVerticle.class.getName(),
          worker("comdb-memory", config.toJson()).setWorkerPoolSize(2 * Runtime.getRuntime().availableProcessors())))
          .compose(v -> deploy(CompressionWorkerVerticle.class.getName(), worker("comdb-compress", config.toJson())));
    }
    if (vertx.isClustered()) {
      started = started
          .compose(v -> deploy(ReplicaVerticle.class.getName(), new DeploymentOptions().setConfig(config.toJson())))
          .compose(v -> deploy(RouterVerticle.class.getName(), new DeploymentOptions().setConfig(config.toJson())));
    }
    if (config.http().enabled()) {
      started = started.compose(v -> deploy(HttpVerticle.class.getName(),
          new DeploymentOptions().setConfig(config.toJson()).setInstances(config.http().instanceCount())));
    }
    if (config.resp().enabled()) {
      started = started.compose(v -> deploy(RespVerticle.class.getName(),
          new DeploymentOptions().setConfig(config.toJson()).setInstances(config.resp().instanceCount())));
    }
    if (config.line().enabled()) {
      started = started.compose(v -> deploy(LineProtocolVerticle.class.getName(),
          new DeploymentOptions().setConfig(config.toJson()).setInstances(config.line().instanceCount())));
    }
    return started
        .onFailure(e -> stopInOrder(vertx).onComplete(v -> {
          vertx.sharedData().getLocalMap(LOCAL_MAP).remove("deployed", deployed);
          ClusterNode.leave(vertx);
        }))
        .onSuccess(v -> {
          ClusterNode node = ClusterNode.of(vertx);
          node.announce(new ClusterNode.Endpoint(config.resp().host(), RespVerticle.port(vertx), config.http().host(), HttpVerticle.port(vertx)));
          LOG.log(Level.INFO, "ComDB is up: data in {0}, HTTP on {1}:{2,number,#}, RESP on {3}:{4,number,#}, "
                  + "line protocol on {5}:{6,number,#}, sync {7}{8}",
              config.engine().dataDir(), config.http().host(), HttpVerticle.port(vertx), config.resp().host(), RespVerticle.port(vertx),
              config.line().host(), LineProtocolVerticle.port(vertx),
              config.engine().sync() + tlsPorts(),
              node.clustered() ? ", cluster node " + node.id() + " of " + node.table().members().size() : "");
        });
  }

  /** ", TLS: HTTP 9443, RESP 6443, line 7443" for the TLS listeners there are, or nothing. */
  private String tlsPorts() {
    StringBuilder ports = new StringBuilder();
    for (Object[] listener : new Object[][] {
        {"HTTP", HttpVerticle.tlsPort(vertx)}, {"RESP", RespVerticle.tlsPort(vertx)}, {"line", LineProtocolVerticle.tlsPort(vertx)}}) {
      if ((int) listener[1] >= 0) {
        ports.append(ports.length() == 0 ? ", TLS: " : ", ").append(listener[0]).append(' ').append(listener[1]);
      }
    }
    return ports.toString();
  }

  @Override
  public Future<?> stop() {
    vertx.sharedData().getLocalMap(LOCAL_MAP).remove("deployed", deployed);
    ClusterNode.leave(vertx);
    return Future.succeededFuture(); // Vert.x has undeployed the children already
  }

  private Future<Void> deploy(String verticle, DeploymentOptions options) {
    return vertx.deployVerticle(verticle, options).map(id -> {
      deployed.ids.add(id);
      return null;
    });
  }

  private static DeploymentOptions worker(String pool, JsonObject config) {
    return new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER)
        .setWorkerPoolName(pool)
        .setWorkerPoolSize(1)
        .setConfig(config);
  }
}
