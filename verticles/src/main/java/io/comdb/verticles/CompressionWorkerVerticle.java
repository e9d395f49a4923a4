package io.comdb.verticles;

import io.comdb.config.ComDbConfig;
import io.comdb.config.SearchSection;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.LocalTime;

/**
 * Compresses memory spaces in the background, as {@link MergeWorkerVerticle} merges: every
 * {@code search.compressCheckIntervalMs} (0: never), inside {@code search.compressWindow} if one is set, it
 * goes through the spaces of this node and asks {@link MemorySearchVerticle} to compress each whose share
 * of cold memories has reached {@code search.compressColdRatio} ({@link Addresses#MEMORY_COMPRESS_COLD}).
 * Rate-limited: one space at a time, at most {@link #MAX_PER_RUN} compressions per run. A space with no
 * LLM endpoint is skipped; a failed LLM call leaves its space as it was and is logged. Each compression is
 * published on {@link Addresses#MEMORY_COMPRESSED}; {@link Addresses#ADMIN_COMPRESS} runs one pass now.
 *
 * <p>Deploy one, as a worker, after the memory verticle. Clustered, each node compresses the spaces it owns.
 */
public final class CompressionWorkerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(CompressionWorkerVerticle.class.getName());
  /** The most spaces one run compresses. */
  static final int MAX_PER_RUN = 100;
  /** An LLM call may take minutes; a compression waits this long for its answer. */
  private static final DeliveryOptions COMPRESS = new DeliveryOptions().setSendTimeout(15 * 60_000);

  private final Clock clock = Clock.systemDefaultZone();
  private SearchSection section;
  private long timer = -1;
  private Future<JsonObject> running;
  private MessageConsumer<Object> admin;

  @Override
  public Future<?> start() {
    try {
      section = ComDbConfig.fromJson(config()).search();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (section.compressCheckIntervalMs() > 0) {
      timer = vertx.setPeriodic(section.compressCheckIntervalMs(), id -> {
        if (section.compressWindow() == null || section.compressWindow().contains(LocalTime.now(clock))) {
          runOnce();
        }
      });
    }
    admin = vertx.eventBus().localConsumer(Addresses.ADMIN_COMPRESS, message -> runOnce().onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        message.fail(Failure.of(ar.cause()).code(), String.valueOf(ar.cause().getMessage()));
      }
    }));
    return admin.completion();
  }

  /** One pass over the spaces; a pass already running is joined, not started twice. */
  private Future<JsonObject> runOnce() {
    if (running == null) {
      running = vertx.eventBus().<JsonObject>request(Addresses.MEMORY_AGENTS, new JsonObject())
          .compose(reply -> compressEach(reply.body().getJsonArray("agents"), 0, new JsonObject()
              .put("spaces", 0).put("compressed", 0).put("replaced", 0).put("failed", 0)))
          .onComplete(ar -> running = null);
    }
    return running;
  }

  private Future<JsonObject> compressEach(JsonArray agents, int at, JsonObject summary) {
    if (at == agents.size() || summary.getInteger("compressed") == MAX_PER_RUN) {
      if (summary.getInteger("compressed") > 0 || summary.getInteger("failed") > 0) {
        LOG.log(System.Logger.Level.INFO, "background compression: {0}", summary.encode());
      }
      return Future.succeededFuture(summary);
    }
    String agentId = agents.getString(at);
    JsonObject request = new JsonObject().put("agentId", agentId).put("coldRatio", section.compressColdRatio());
    String address = ClusterNode.of(vertx).local(Addresses.MEMORY_COMPRESS_COLD);
    return vertx.eventBus().<JsonObject>request(address, request, COMPRESS)
        .map(reply -> {
          summary.put("spaces", summary.getInteger("spaces") + 1);
          int replaced = reply.body().getInteger("replaced");
          if (replaced > 0) {
            summary.put("compressed", summary.getInteger("compressed") + 1).put("replaced", summary.getInteger("replaced") + replaced);
            vertx.eventBus().publish(Addresses.MEMORY_COMPRESSED, reply.body().copy().put("agentId", agentId));
          }
          return summary;
        })
        .recover(e -> {
          Failure failure = e instanceof ReplyException r ? Failure.of(r.failureCode()) : null;
          if (failure != Failure.NOT_OWNER && failure != Failure.NOT_FOUND && failure != Failure.INDEX_REBUILDING) {
            summary.put("failed", summary.getInteger("failed") + 1);
            LOG.log(System.Logger.Level.WARNING, "background compression of agent ''{0}'' failed; its memories are as they were: {1}",
                agentId, e.getMessage());
          }
          return Future.succeededFuture(summary);
        })
        .compose(s -> compressEach(agents, at + 1, s));
  }

  @Override
  public Future<?> stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    return admin.unregister();
  }
}
