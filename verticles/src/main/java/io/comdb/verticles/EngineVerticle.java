package io.comdb.verticles;

import io.comdb.cluster.Slots;
import io.comdb.engine.Engine;
import io.comdb.engine.EngineStats;
import io.comdb.engine.EngineMaintenance;
import io.comdb.engine.ReadView;
import io.comdb.engine.SyncMode;
import io.comdb.engine.WriteGroup;
import io.comdb.types.RedisStore;
import io.comdb.types.RedisView;
import io.comdb.types.Reply;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Redis;
import io.comdb.verticles.api.Writer;
import io.comdb.verticles.cluster.ClusterNode;
import io.comdb.verticles.cluster.Replication;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The one writer: owns the {@link Engine} and performs every mutation of every API, on one thread, in the
 * order requests reach it over the event bus: the key-value API and its transactions, every Redis write
 * command and MULTI/EXEC (and the serving of blocked pops, and the active expiry cycle), agent memory's
 * batches, and the swap at the end of a merge. Deploy exactly one, as a worker
 * ({@code ThreadingModel.WORKER}, a pool of one thread): a second deployment in the same Vert.x fails, and
 * the engine's directory lock stops a second one elsewhere.
 *
 * <p><b>Drains.</b> Requests queue in arrival order and are drained together: each drain is one
 * {@link WriteGroup}. Every request is applied in order (so a sender reads its own writes, and a
 * protocol verticle's {@link Writer.Pass} of many commands costs one message), then the group ends, and
 * only once its writes are durable is any request of the drain answered: under sync {@code always} one
 * fsync covers the drain. That is ComDB's group commit; there is no other. Under {@code always} the fsync
 * is waited for on a thread of its own ({@code comdb-sync}), which answers the drains in order, so the
 * writer applies the next drain while the disk syncs this one: an fsync then covers everything applied
 * during the one before. The queue is bounded by {@code maxPending} commands ({@link WriterQueue}); beyond
 * it requests fail with {@link Failure#BUSY} and change nothing.
 *
 * <p><b>Readers.</b> Verticles in the same Vert.x read without the event bus, on their own threads,
 * through {@link #reads(Vertx)} and {@link #redis(Vertx)}: views with no write methods. Workers get
 * {@link #maintenance(Vertx)}. See {@link EngineConfig} for the configuration.
 */
public final class EngineVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(EngineVerticle.class.getName());
  private static final String LOCAL_MAP = "comdb.engine";
  private static final String KEY = "engine";
  private static final long EXPIRY_CYCLE_MS = 100;
  private static final int EXPIRED_PER_CYCLE = 1000;

  /** What this verticle shares with the other verticles of its Vert.x instance. */
  private static final class Shared implements Shareable {
    volatile ReadView reads;
    volatile RedisView redis;
    volatile EngineMaintenance maintenance;
    volatile WriterQueue queue;
    /** Set when the writer starts stopping: it takes no more work. */
    volatile boolean stopping;
  }

  /** A request waiting for the writer; {@code commands} of them are counted in the {@link WriterQueue}. */
  private record Queued(Message<Object> message, Writer.Source source, int commands) {}

  /** An answer held until the drain's writes are durable. */
  private record Answer(Queued request, Object reply, boolean wrote) {}

  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final Shared shared = new Shared();
  private EngineConfig config;
  private Engine engine;
  private RedisStore redis;
  private WriterQueue writerQueue;
  private WriterRequests requests;
  private BlockedPops blocked;
  private WriterMetrics metrics;
  /** This node's place in its cluster: the writer applies only what this node owns now. */
  private ClusterNode cluster;
  private MemoryLimit memoryLimit;
  /** The engine's stats at the start of this drain, when a memory limit is set: what the limit is checked against. */
  private EngineStats drainStats;
  /** Clustered: the copies of this node's writes on their backups, and of others' writes here. */
  private Replication replication;
  /** Under sync always: waits for each drain's fsync and answers it, drains in order; null otherwise. */
  private WorkerExecutor syncer;
  private long expiryTimer = -1;
  private Runnable unbindEngineMetrics = () -> {};
  private boolean drainScheduled;

  /**
   * The read-only view of the engine of the {@link EngineVerticle} deployed in {@code vertx}; writes go
   * through the event bus.
   *
   * @throws IllegalStateException if none is deployed (yet)
   */
  public static ReadView reads(Vertx vertx) {
    return shared(vertx, s -> s.reads);
  }

  /** The Redis keyspace for read-only commands; write commands go to the writer. */
  public static RedisView redis(Vertx vertx) {
    return shared(vertx, s -> s.redis);
  }

  /** The server is stopping: scripts running on the writer or readers stop now and commit nothing. */
  static void abortScripts(Vertx vertx) {
    Shared shared = vertx.sharedData().<String, Shared>getLocalMap(LOCAL_MAP).get(KEY);
    if (shared != null && shared.redis != null) {
      shared.redis.abortScripts();
    }
  }

  /** Merge, backup, hint files and fsync, for the worker verticles; a merge's swap runs on the writer. */
  public static EngineMaintenance maintenance(Vertx vertx) {
    return shared(vertx, s -> s.maintenance);
  }

  /** The bound of the writer's queue, for the senders of this Vert.x instance ({@link WriterClient}). */
  static WriterQueue queue(Vertx vertx) {
    return shared(vertx, s -> s.queue);
  }

  /** Whether an engine verticle in {@code vertx} takes work: deployed, and not stopping. */
  static boolean accepting(Vertx vertx) {
    Shared shared = vertx.sharedData().<String, Shared>getLocalMap(LOCAL_MAP).get(KEY);
    return shared != null && shared.reads != null && !shared.stopping;
  }

  private static <T> T shared(Vertx vertx, java.util.function.Function<Shared, T> field) {
    LocalMap<String, Shared> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    Shared shared = map.get(KEY);
    T value = shared == null ? null : field.apply(shared);
    if (value == null) {
      throw new IllegalStateException("no EngineVerticle is deployed in this Vert.x instance");
    }
    return value;
  }

  @Override
  public Future<?> start() {
    try {
      config = EngineConfig.fromJson(config(), ClusterNode.of(vertx).partitionGroups()); // joined before this deploys
      memoryLimit = MemoryLimit.of(vertx, config.maxMemoryBytes()); // first, so that every verticle sees the configured limit
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Codecs.register(vertx);
    LocalMap<String, Shared> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    if (map.putIfAbsent(KEY, shared) != null) {
      return Future.failedFuture(new IllegalStateException("an EngineVerticle is already deployed in this Vert.x instance"));
    }
    return vertx.executeBlocking(() -> Engine.open(config.options()))
        .compose(opened -> {
          engine = opened;
          return vertx.executeBlocking(() -> new RedisStore(opened, System::currentTimeMillis));
        })
        .compose(store -> {
          redis = store;
          writerQueue = new WriterQueue(config.maxPending());
          cluster = ClusterNode.of(vertx);
          if (cluster.clustered()) {
            redis.serveOnly(key -> cluster.table().isLocal(Slots.of(key)));
          }
          replication = new Replication(vertx, cluster, redis, engine.readView());
          requests = new WriterRequests(engine, redis, cluster::servesStored);
          blocked = new BlockedPops(vertx, redis);
          metrics = new WriterMetrics(ServerMetrics.registry(vertx), writerQueue, engine.readView());
          if (engine.options().syncMode().kind() == SyncMode.Kind.ALWAYS) {
            syncer = vertx.createSharedWorkerExecutor("comdb-sync", 1);
          }
          unbindEngineMetrics = ServerMetrics.bindEngine(vertx, engine.readView());
          shared.queue = writerQueue;
          shared.redis = redis.view();
          shared.maintenance = engine.maintenance();
          shared.reads = engine.readView();
          expiryTimer = vertx.setPeriodic(EXPIRY_CYCLE_MS, id -> expireSome());
          // Clustered, the API's addresses are the router's, and this node's engine takes them at its own.
          for (String address : List.of(Addresses.KV_GET, Addresses.KV_PUT, Addresses.KV_DELETE, Addresses.KV_BATCH,
              Addresses.KV_TXN, Addresses.KV_SCAN, Addresses.ADMIN_STATS, Addresses.REDIS_EXEC, Addresses.REDIS_BLOCK)) {
            consumers.add(vertx.eventBus().consumer(cluster.local(address), m -> enqueue(m, Writer.Source.BUS, false)));
          }
          consumers.add(vertx.eventBus().localConsumer(Addresses.WRITER_PASS, m ->
              enqueue(m, m.body() instanceof Writer.Pass pass ? pass.source() : Writer.Source.BUS, true)));
          consumers.add(vertx.eventBus().localConsumer(Addresses.WRITER_COMMIT, m -> enqueue(m, Writer.Source.MEMORY, true)));
          consumers.add(vertx.eventBus().localConsumer(Addresses.WRITER_TASK, m -> enqueue(m, Writer.Source.BUS, true)));
          if (cluster.clustered()) {
            consumers.add(vertx.eventBus().consumer(cluster.local(Addresses.REPLICA_APPLY), m -> enqueue(m, Writer.Source.REPLICA, false)));
            consumers.add(vertx.eventBus().localConsumer(Addresses.WRITER_REPLICA, m -> enqueue(m, Writer.Source.REPLICA, false)));
            // Other nodes' protocol verticles send the requests of a pass for this node's slots; room is taken here.
            consumers.add(vertx.eventBus().consumer(cluster.local(Addresses.WRITER_PASS), m ->
                enqueue(m, m.body() instanceof Writer.Pass pass ? pass.source() : Writer.Source.BUS, false)));
            // Connections on other nodes watch this node's keys here; the stamps are this node's.
            consumers.add(vertx.eventBus().consumer(cluster.local(Addresses.REDIS_WATCH), m -> {
              if (m.body() instanceof Redis.Watch watch) {
                m.reply(new Redis.Result(watch(watch)));
              }
            }));
          }
          consumers.add(vertx.eventBus().consumer(cluster.local(Addresses.REDIS_UNBLOCK), m -> {
            if (m.body() instanceof Redis.Unblock unblock) {
              blocked.unblock(unblock.id());
            }
          }));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        })
        .onFailure(e -> {
          map.remove(KEY, shared);
          if (engine != null) {
            try {
              engine.close();
            } catch (IOException | RuntimeException closing) {
              e.addSuppressed(closing);
            }
          }
        });
  }

  /** A connection on another node watches (or stops watching) keys of this node: their stamps, or OK. */
  private Reply watch(Redis.Watch watch) {
    io.comdb.types.RedisView view = redis.view();
    List<Reply> stamps = new ArrayList<>(watch.keys().size());
    for (byte[] key : watch.keys()) {
      if (watch.unwatch()) {
        view.unwatch(watch.db(), key);
      } else {
        stamps.add(Reply.integer(view.watch(watch.db(), key)));
      }
    }
    return watch.unwatch() ? Reply.OK : Reply.array(stamps);
  }

  @Override
  public Future<?> stop() {
    shared.stopping = true;
    vertx.cancelTimer(expiryTimer);
    for (Queued q; (q = queue.poll()) != null; ) {
      if (q.message.body() instanceof Writer.Task task) {
        task.done().completeExceptionally(new IllegalStateException("the engine is stopping"));
      }
      q.message.fail(Failure.UNAVAILABLE.code(), "the engine is stopping");
      writerQueue.release(q.commands);
    }
    if (blocked != null) {
      blocked.failAll(Failure.UNAVAILABLE.code(), "the engine is stopping");
    }
    List<Future<Void>> unregistered = consumers.stream().map(MessageConsumer::unregister).toList();
    return Future.all(unregistered)
        // the drains still waiting for their fsync are answered first (the syncer runs in order)
        .compose(v -> syncer == null ? Future.succeededFuture() : syncer.executeBlocking(() -> null, true))
        .compose(v -> syncer == null ? Future.succeededFuture() : syncer.close())
        .compose(v -> vertx.executeBlocking(() -> {
          vertx.sharedData().<String, Shared>getLocalMap(LOCAL_MAP).remove(KEY, shared);
          unbindEngineMetrics.run();
          if (metrics != null) {
            metrics.close();
          }
          if (engine != null) {
            engine.close();
          }
          return null;
        }));
  }

  private void enqueue(Message<Object> request, Writer.Source source, boolean reservedBySender) {
    int commands = WriterRequests.commands(request.body());
    if (shared.stopping) {
      if (request.body() instanceof Writer.Task task) {
        task.done().completeExceptionally(new IllegalStateException("the engine is stopping"));
      }
      request.fail(Failure.UNAVAILABLE.code(), "the engine is stopping");
      if (reservedBySender) {
        writerQueue.release(commands);
      }
      return;
    }
    if (!reservedBySender && !writerQueue.tryReserve(commands)) {
      request.fail(Failure.BUSY.code(), busyMessage(writerQueue));
      return;
    }
    queue.add(new Queued(request, source, commands));
    if (!drainScheduled) {
      drainScheduled = true;
      context.runOnContext(v -> drain());
    }
  }

  /** The text of {@link Failure#BUSY}, the same on every API. */
  static String busyMessage(WriterQueue queue) {
    return "the engine's writer has " + queue.max() + " commands queued, as many as it takes (engine.maxPending); try again";
  }

  /**
   * Applies every queued request in order in one write group, serves the blocked pops those writes woke,
   * ends the group, and answers once its writes are durable (under sync always: after the fsync, waited for
   * on the syncer's thread while this one goes on with the next drain).
   */
  private void drain() {
    drainScheduled = false;
    if (queue.isEmpty()) {
      return; // stop() took them
    }
    List<Queued> round = new ArrayList<>(queue);
    queue.clear();
    List<Answer> answers = new ArrayList<>(round.size());
    int commands = 0;
    drainStats = memoryLimit.max() > 0 ? engine.stats() : null;
    WriteGroup group = engine.beginGroup();
    if (replication.replicates()) {
      group.recordChanges();
    }
    for (Queued q : round) {
      commands += q.commands;
      metrics.applied(q.source, q.commands);
      Object body = q.message.body();
      Writer.Failed refused = body instanceof Writer.Pass || body instanceof Writer.Task ? null : refusal(body);
      try {
        if (refused != null) {
          answers.add(new Answer(q, refused, false));
        } else if (body instanceof Writer.Pass pass) {
          List<Object> results = new ArrayList<>(pass.requests().size());
          for (Object request : pass.requests()) {
            results.add(applyOne(request, group));
          }
          answers.add(new Answer(q, new Writer.Answers(results), true));
        } else if (body instanceof Redis.Block block) {
          long start = System.nanoTime();
          Reply reply = blocked.block(block, q.message, group, blocked::written);
          if (reply != null) {
            answers.add(new Answer(q, new Redis.Result(reply, (System.nanoTime() - start) / 1000), true));
          } else {
            writerQueue.release(q.commands); // it waits outside the queue; BlockedPops answers it
          }
        } else if (body instanceof Writer.Task task) {
          runTask(task);
          writerQueue.release(q.commands);
        } else if (Replication.handles(body)) {
          answers.add(new Answer(q, replication.apply(body, group), true));
        } else {
          answers.add(new Answer(q, requests.apply(body, group, blocked::written), WriterRequests.writes(body)));
        }
      } catch (IOException | RuntimeException e) {
        answers.add(new Answer(q, failed(e), false));
      }
    }
    blocked.serve(group, (message, reply) -> answers.add(new Answer(new Queued(message, Writer.Source.RESP, 0), reply, true)));
    try {
      replication.stampVersions(group);
    } catch (IOException | RuntimeException e) {
      // The drain's writes are applied, and still go to the backups; a copy that missed them may win a restart.
      LOG.log(System.Logger.Level.ERROR, "counting up partition versions failed", e);
    }
    long written = group.end();
    metrics.drained(round.size(), commands);
    // Clustered, the drain's changes go to their backups meanwhile; it is answered once they have them.
    // Copies from other nodes are answered once durable, without waiting for this drain's own copies to go
    // out: an owner waiting for its backup's answer must not wait for the backup's copies to it in turn.
    List<Answer> copies = new ArrayList<>();
    answers.removeIf(a -> a.request.source == Writer.Source.REPLICA && copies.add(a));
    if (!copies.isEmpty()) {
      answerWhenDurable(copies, written, null);
    }
    replication.replicate(group.changes()).onComplete(copied -> answerWhenDurable(answers, written, copied.failed() ? copied.cause() : null));
  }

  /** Answers on the syncer's thread, in order, when there is one (sync always); else now. */
  private void answerWhenDurable(List<Answer> answers, long written, Throwable notCopied) {
    if (syncer == null) {
      answer(answers, written, notCopied);
    } else {
      syncer.executeBlocking(() -> {
        answer(answers, written, notCopied);
        return null;
      }, true);
    }
  }

  /**
   * Answers a drain once its writes, up to {@code written}, are durable; a failed fsync fails its writes,
   * and so does a backup that did not take them ({@code notCopied}).
   */
  private void answer(List<Answer> answers, long written, Throwable notCopied) {
    IOException notDurable = null;
    try {
      engine.awaitDurable(written);
    } catch (IOException | RuntimeException e) {
      notDurable = e instanceof IOException io ? io : new IOException(e);
      LOG.log(System.Logger.Level.ERROR, "fsync failed: the writes of this drain are not acknowledged, and the engine takes no more", e);
    }
    for (Answer a : answers) {
      writerQueue.release(a.request.commands); // before the answer: an answered command is no longer queued
      if (a.reply instanceof Writer.Failed f) {
        a.request.message.fail(f.code(), f.message());
      } else if (notDurable != null && a.wrote) {
        a.request.message.fail(Failure.STORAGE_ERROR.code(), "fsync failed; the write may not be stored: " + notDurable.getMessage());
      } else if (notCopied != null && a.wrote) {
        a.request.message.fail(Failure.UNAVAILABLE.code(), notCopied.getMessage());
      } else {
        a.request.message.reply(a.reply);
      }
    }
  }

  /** One request of a pass: its answer, or its failure as a {@link Writer.Failed} (the others go on). */
  private Object applyOne(Object request, WriteGroup group) {
    Writer.Failed refused = refusal(request);
    if (refused != null) {
      return refused;
    }
    try {
      return requests.apply(request, group, blocked::written);
    } catch (IOException | RuntimeException e) {
      return failed(e);
    }
  }

  /** Why the writer must not apply {@code request} now (the cluster's reasons, then the memory limit's), or null. */
  private Writer.Failed refusal(Object request) {
    Writer.Failed refused = cluster.refusal(request);
    if (refused != null || drainStats == null) {
      return refused;
    }
    try {
      return memoryLimit.refusal(request, drainStats, engine);
    } catch (IOException | RuntimeException e) {
      return failed(e);
    }
  }

  /**
   * A request's failure as its sender gets it. The texts of the failures ComDB expects (bad input, limits,
   * the disk) are written for clients; anything else is a bug, logged with its stack trace and answered
   * with a text that carries none of the exception's.
   */
  private static Writer.Failed failed(Throwable e) {
    Failure failure = Failure.of(e);
    boolean expected = e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException;
    if (!expected || failure == Failure.STORAGE_ERROR || failure == Failure.CORRUPT_DATA) {
      LOG.log(System.Logger.Level.ERROR, "a request to the writer failed", e);
    }
    String message = e instanceof NumberFormatException ? "a number was expected" // its own text names Java's parser
        : expected ? String.valueOf(e.getMessage()) : "the writer failed on this request (an internal error, logged by the server)";
    return new Writer.Failed(failure.code(), message);
  }

  /** A worker's task (a merge's swap): runs now, between two requests, and completes its own future. */
  private static void runTask(Writer.Task task) {
    try {
      task.task().run();
      task.done().complete(null);
    } catch (IOException | RuntimeException e) {
      task.done().completeExceptionally(e);
    }
  }

  /** The active expiry cycle: deletes keys whose time has passed, a bounded number per run, as one group. */
  private void expireSome() {
    if (shared.stopping) {
      return;
    }
    try (WriteGroup group = engine.beginGroup()) {
      if (replication.replicates()) {
        group.recordChanges();
      }
      redis.expireCycle(group, EXPIRED_PER_CYCLE);
      replication.stampVersions(group);
      // The backups delete what expired too; nobody waits for it (a backup deletes expired keys when it takes over).
      replication.replicate(group.changes());
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the expiry cycle failed: {0}", e.toString());
    }
  }
}
