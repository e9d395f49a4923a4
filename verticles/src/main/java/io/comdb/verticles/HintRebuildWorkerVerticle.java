package io.comdb.verticles;

import io.comdb.config.EngineSection;
import io.comdb.engine.EngineMaintenance;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.lang.System.Logger.Level;

/**
 * Writes the hint files the engine lacks (missing, or found invalid at open), so that the next start-up
 * reads keys instead of whole data files: once right after start-up, then every
 * {@code hintCheckIntervalMs} (0: only the first time), which picks up each file sealed since. Deploy it
 * as a worker ({@code ThreadingModel.WORKER}) after {@link EngineVerticle}; its configuration is the
 * engine's ({@link EngineSection}). Each time it writes some, it publishes how many on
 * {@link Addresses#ADMIN_HINTS_WRITTEN}.
 */
public final class HintRebuildWorkerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(HintRebuildWorkerVerticle.class.getName());

  private EngineMaintenance engine;
  private long timer = -1;

  @Override
  public Future<?> start() {
    long interval;
    try {
      interval = EngineSection.fromJson(config()).hintCheckIntervalMs();
      engine = EngineVerticle.maintenance(vertx);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    context.runOnContext(v -> rebuild());
    if (interval > 0) {
      timer = vertx.setPeriodic(interval, id -> rebuild());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  private void rebuild() {
    try {
      int written = engine.buildHintFiles();
      if (written > 0) {
        LOG.log(Level.INFO, "wrote {0} hint files", written);
        vertx.eventBus().publish(ClusterNode.of(vertx).local(Addresses.ADMIN_HINTS_WRITTEN), written);
      }
    } catch (Exception e) {
      // The engine is closing, or a disk error: the next start-up scans those data files instead.
      LOG.log(Level.WARNING, "writing hint files failed: {0}", e.toString());
    }
  }
}
