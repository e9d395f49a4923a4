package io.comdb.verticles.resp;

import io.comdb.verticles.Bus;
import io.comdb.verticles.ServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** ComDB's server in this JVM, RESP on a free port, HTTP off: for RESP tests. */
final class ComDbResp implements AutoCloseable {
  final Vertx vertx;
  final int port;

  private ComDbResp(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
  }

  static ComDbResp start(Path dataDir, JsonObject extra) throws Exception {
    Vertx vertx = Vertx.vertx();
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dataDir.toString()))
        .put("http", new JsonObject().put("enabled", false))
        .put("resp", new JsonObject().put("port", 0))
        .put("line", new JsonObject().put("port", 0));
    config.mergeIn(extra, true);
    Bus.await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    return new ComDbResp(vertx, RespVerticle.port(vertx));
  }

  @Override
  public void close() throws Exception {
    Bus.await(ServerVerticle.stopInOrder(vertx).compose(v -> vertx.close()));
  }
}
