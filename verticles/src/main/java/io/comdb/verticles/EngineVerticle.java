package io.comdb.verticles;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineStats;
import io.comdb.engine.WriteBatch;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Redis;
import io.comdb.types.KeySpace;
import io.comdb.types.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The one writer: owns the {@link Engine} and performs every mutation that reaches it over the event bus.
 * Deploy exactly one, as a worker ({@code ThreadingModel.WORKER}): a second deployment in the same Vert.x
 * fails, and the engine's directory lock stops a second one elsewhere.
 *
 * <p>Requests are queued in arrival order and drained together: each write is appended, each read answered
 * in order (so a sender reads its own writes), and under sync {@code always} one fsync covers every write
 * of the drain before any of them is acknowledged (group commit). The queue is bounded by
 * {@code maxPending}; beyond it requests fail with {@link Failure#UNAVAILABLE}.
 *
 * <p>Verticles in the same JVM read without the event bus through {@link #engine(Vertx)}, on their own
 * threads. See {@link EngineConfig} for the configuration.
 */
public final class EngineVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(EngineVerticle.class.getName());
  private static final String LOCAL_MAP = "comdb.engine";
  private static final long EXPIRY_CYCLE_MS = 100;
  private static final int EXPIRED_PER_CYCLE = 1000;
  private static final String KEY = "engine";

  /** The engine, shared with the verticles of this Vert.x instance for reads. */
  private static final class SharedEngine implements Shareable {
    private volatile Engine engine;
    private volatile RedisStore redis;
  }

  private final ArrayDeque<Message<Object>> queue = new ArrayDeque<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final SharedEngine shared = new SharedEngine();
  private EngineConfig config;
  private Engine engine;
  private RedisStore redis;
  private long expiryTimer = -1;
  private Runnable unbindMetrics = () -> {};
  private boolean drainScheduled;
  private boolean stopping;

  /**
   * The engine of the {@link EngineVerticle} deployed in {@code vertx}, for reads ({@code get}, iterators);
   * its writes must go through the event bus.
   *
   * @throws IllegalStateException if none is deployed (yet)
   */
  public static Engine engine(Vertx vertx) {
    LocalMap<String, SharedEngine> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    SharedEngine shared = map.get(KEY);
    Engine engine = shared == null ? null : shared.engine;
    if (engine == null) {
      throw new IllegalStateException("no EngineVerticle is deployed in this Vert.x instance");
    }
    return engine;
  }

  /**
   * The Redis keyspace of the {@link EngineVerticle} deployed in {@code vertx}, for read-only commands;
   * write commands go to {@link Addresses#REDIS_EXEC}.
   *
   * @throws IllegalStateException if none is deployed (yet)
   */
  public static RedisStore redis(Vertx vertx) {
    LocalMap<String, SharedEngine> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    SharedEngine shared = map.get(KEY);
    RedisStore redis = shared == null ? null : shared.redis;
    if (redis == null) {
      throw new IllegalStateException("no EngineVerticle is deployed in this Vert.x instance");
    }
    return redis;
  }

  @Override
  public Future<?> start() {
    try {
      config = EngineConfig.fromJson(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Codecs.register(vertx);
    LocalMap<String, SharedEngine> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
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
          shared.redis = store;
          shared.engine = engine;
          expiryTimer = vertx.setPeriodic(EXPIRY_CYCLE_MS, id -> expireSome());
          Engine opened = engine;
          unbindMetrics = ServerMetrics.bindEngine(vertx, opened);
          for (String address : List.of(Addresses.KV_GET, Addresses.KV_PUT, Addresses.KV_DELETE, Addresses.KV_BATCH,
              Addresses.KV_SCAN, Addresses.ADMIN_STATS, Addresses.REDIS_EXEC)) {
            consumers.add(vertx.eventBus().consumer(address, this::enqueue));
          }
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

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(expiryTimer);
    for (Message<Object> r; (r = queue.poll()) != null; ) {
      r.fail(Failure.UNAVAILABLE.code(), "the engine is stopping");
    }
    List<Future<Void>> unregistered = consumers.stream().map(MessageConsumer::unregister).toList();
    return Future.all(unregistered)
        .compose(v -> vertx.executeBlocking(() -> {
          vertx.sharedData().<String, SharedEngine>getLocalMap(LOCAL_MAP).remove(KEY, shared);
          unbindMetrics.run();
          if (engine != null) {
            engine.close();
          }
          return null;
        }));
  }

  private void enqueue(Message<Object> request) {
    if (stopping) {
      request.fail(Failure.UNAVAILABLE.code(), "the engine is stopping");
      return;
    }
    if (queue.size() >= config.maxPending()) {
      request.fail(Failure.UNAVAILABLE.code(), "the engine has " + queue.size() + " requests queued (maxPending)");
      return;
    }
    queue.add(request);
    if (!drainScheduled) {
      drainScheduled = true;
      context.runOnContext(v -> drain());
    }
  }

  /** Applies every queued request in order; acknowledges the writes after one fsync under sync always. */
  private void drain() {
    drainScheduled = false;
    List<Message<Object>> written = new ArrayList<>();
    List<Object> replies = new ArrayList<>();
    for (Message<Object> r; (r = queue.poll()) != null; ) {
      try {
        Object reply = apply(r.body());
        if (isWrite(r.body())) {
          written.add(r);
          replies.add(reply);
        } else {
          r.reply(reply);
        }
      } catch (IOException | RuntimeException e) {
        r.fail(Failure.of(e).code(), String.valueOf(e.getMessage()));
      }
    }
    if (written.isEmpty()) {
      return;
    }
    if (config.fsyncPerDrain()) {
      try {
        engine.sync();
      } catch (IOException | RuntimeException e) {
        for (Message<Object> r : written) {
          r.fail(Failure.of(e).code(), "fsync failed: " + e.getMessage());
        }
        return;
      }
    }
    for (int i = 0; i < written.size(); i++) {
      written.get(i).reply(replies.get(i));
    }
  }

  private static boolean isWrite(Object body) {
    return body instanceof Kv.Put || body instanceof Kv.Delete || body instanceof Kv.Batch
        || body instanceof Redis.Exec || body instanceof Redis.Transaction;
  }

  /** A key of the key-value API: keys starting with byte 0x00 hold Redis and memory data, and are refused. */
  static byte[] userKey(byte[] key) {
    if (key != null && KeySpace.isReserved(key)) {
      throw new IllegalArgumentException("keys beginning with byte 0x00 are reserved for ComDB's own data");
    }
    return key;
  }

  /** The active expiry cycle: deletes keys whose time has passed, a bounded number per run. */
  private void expireSome() {
    if (stopping) {
      return;
    }
    try {
      if (redis.expireCycle(EXPIRED_PER_CYCLE) > 0 && config.fsyncPerDrain()) {
        engine.sync();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the expiry cycle failed: {0}", e.toString());
    }
  }

  private Object apply(Object body) throws IOException {
    if (body instanceof Kv.Get get) {
      return new Kv.Value(engine.get(userKey(get.key())));
    }
    if (body instanceof Kv.Put put) {
      engine.put(userKey(put.key()), put.value());
      return new Kv.Done();
    }
    if (body instanceof Kv.Delete delete) {
      return new Kv.Deleted(engine.delete(userKey(delete.key())));
    }
    if (body instanceof Kv.Batch batch) {
      WriteBatch writes = engine.newWriteBatch();
      for (Kv.Write w : batch.writes()) {
        userKey(w.key());
        if (w.value() == null) {
          writes.delete(w.key());
        } else {
          writes.put(w.key(), w.value());
        }
      }
      writes.commit();
      return new Kv.Done();
    }
    if (body instanceof Redis.Exec exec) {
      return new Redis.Result(RedisExecutor.exec(redis, exec));
    }
    if (body instanceof Redis.Transaction tx) {
      return new Redis.Result(RedisExecutor.transaction(redis, tx));
    }
    if (body instanceof Kv.Scan scan) {
      return Scans.page(engine, scan);
    }
    if (body instanceof Admin.StatsRequest) {
      EngineStats s = engine.stats();
      return new Admin.Stats(s.liveKeys(), s.dataFiles(), s.diskBytes(), s.reclaimableBytes(), s.lastSequence());
    }
    throw new IllegalArgumentException("not a ComDB request: " + (body == null ? "null" : body.getClass().getName()));
  }
}
