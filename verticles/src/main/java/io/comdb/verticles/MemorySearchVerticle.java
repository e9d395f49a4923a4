package io.comdb.verticles;

import io.comdb.config.ComDbConfig;
import io.comdb.config.SearchSection;
import io.comdb.search.CompressionPolicy;
import io.comdb.search.Compressor;
import io.comdb.search.Embedder;
import io.comdb.search.Memory;
import io.comdb.search.MemoryOptions;
import io.comdb.search.MemoryPage;
import io.comdb.search.MemoryService;
import io.comdb.search.NotFoundException;
import io.comdb.search.SearchHit;
import io.comdb.search.SpaceInfo;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Memories;
import io.comdb.engine.WriteBatch;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Writer;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Agent memory on the event bus: answers {@code comdb.memory.*} ({@link Addresses}) with a
 * {@link MemoryService} that reads the engine of the {@link EngineVerticle} through its read view and writes
 * every change (add, update, delete, eviction, compression's replacement, a space's settings) as one batch
 * to the engine's writer ({@link Addresses#WRITER_COMMIT}), which answers once it is as durable as the sync
 * mode promises. Deploy it after the engine verticle. A space's index, persisted under the data directory,
 * is opened when the space is first used and caught up with the engine's records ({@link MemoryService}).
 *
 * <p>Deploy one, as a worker. Requests run on a pool of their own ({@code comdb-memory-ops}), several at
 * once (searches in parallel; changes to one space in turn, by the service's lock), so that an LLM call
 * that takes a minute holds one thread, not the API. A change waits on its thread for the writer's answer,
 * which arrives on this verticle's own context: that is why the requests do not run on the context's pool,
 * which a burst of waiting changes could otherwise fill, leaving no thread for the answers they wait for.
 *
 * <p>Its configuration is the whole {@link ComDbConfig} as JSON; it uses the {@code search} section.
 */
public final class MemorySearchVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(MemorySearchVerticle.class.getName());
  private static final int PAGE = 100;

  /** One operation of the API. */
  private interface Operation {
    Object apply(JsonObject body) throws IOException;
  }

  /** A write that takes longer than this is reported as failed (the writer may still apply it). */
  private static final long WRITE_TIMEOUT_MS = 60_000;
  private static final DeliveryOptions WRITE_DELIVERY = new DeliveryOptions().setSendTimeout(WRITE_TIMEOUT_MS);

  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  /** Clustered: spaces whose records replication changed; each is reloaded before it is next served. */
  private final java.util.Set<String> stale = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private SearchSection config;
  private MemoryService memories;
  private WorkerExecutor ops;
  private WriterQueue writerQueue;
  private Runnable meters = () -> {};

  @Override
  public Future<?> start() {
    try {
      config = ComDbConfig.fromJson(config()).search();
      writerQueue = EngineVerticle.queue(vertx);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ops = vertx.createSharedWorkerExecutor("comdb-memory-ops", 2 * Runtime.getRuntime().availableProcessors());
    return ops.executeBlocking(this::open).compose(service -> {
      memories = service;
      Map<String, Operation> operations = Map.ofEntries(
          Map.entry(Addresses.MEMORY_SPACE_PUT, this::putSpace),
          Map.entry(Addresses.MEMORY_SPACE_GET, body -> space(body)),
          Map.entry(Addresses.MEMORY_SPACE_DELETE, body -> deleted(memories.deleteSpace(Memories.agentId(body)))),
          Map.entry(Addresses.MEMORY_ADD, this::add),
          Map.entry(Addresses.MEMORY_LIST, this::list),
          Map.entry(Addresses.MEMORY_GET, body -> memories.get(Memories.agentId(body), Memories.id(body)).toJson()),
          Map.entry(Addresses.MEMORY_UPDATE, body -> memories.update(Memories.agentId(body), Memories.id(body),
              Memories.text(body), Memories.metadata(body)).toJson()),
          Map.entry(Addresses.MEMORY_DELETE, body -> deleted(memories.delete(Memories.agentId(body), Memories.id(body)))),
          Map.entry(Addresses.MEMORY_HISTORY, body -> new JsonObject().put("memories",
              json(memories.history(Memories.agentId(body), Memories.id(body))))),
          Map.entry(Addresses.MEMORY_SEARCH, this::search),
          Map.entry(Addresses.MEMORY_COMPRESS, this::compress),
          Map.entry(Addresses.MEMORY_COMPRESS_COLD, this::compressCold),
          Map.entry(Addresses.MEMORY_COMPRESSOR, body -> memories.setCompressor(Memories.agentId(body),
              Memories.string(body, "endpoint", false), createCapacity(body)).toJson()));
      // Clustered, the plain addresses are the router's: a space is served by the node that owns its agent id.
      ClusterNode node = ClusterNode.of(vertx);
      operations.forEach((address, operation) ->
          consumers.add(vertx.eventBus().consumer(node.local(address), message -> run(operation, message))));
      consumers.add(vertx.eventBus().localConsumer(Addresses.MEMORY_AGENTS, message -> run(body -> new JsonObject()
          .put("agents", new JsonArray(new ArrayList<Object>(memories.agents()))), message)));
      meters = MemoryMetrics.bind(vertx, memories);
      consumers.add(vertx.eventBus().localConsumer(Addresses.MEMORY_STALE, message -> {
        if (message.body() instanceof JsonArray agents) {
          agents.forEach(agent -> stale.add(String.valueOf(agent)));
        }
      }));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }).onFailure(e -> ops.close());
  }

  private MemoryService open() {
    Embedder embedder = config.dense().equals("off") ? null : Embedder.load(config.dense());
    MemoryOptions options = MemoryOptions.builder()
        .embedder(embedder)
        .maxTextBytes(config.maxMemoryBytes())
        .neighbourWeight(config.neighbourWeight())
        .openSpaces(config.openSpaces())
        .maxCompressed(config.compressBatch())
        .compressMinAge(Duration.ofMillis(config.compressMinAgeMs()))
        .heatHalfLife(Duration.ofMillis(config.heatHalfLifeMs()))
        .compressPrompt(config.compressPrompt())
        .llm(new Compressor.Settings(Duration.ofMillis(config.compressTimeoutMs()), config.compressRetries(),
            Duration.ofMillis(500), config.compressModel(), config.compressEndpoint()))
        .build();
    LOG.log(System.Logger.Level.INFO, "memory search: dense {0}; spaces open when first used, at most {1} at once",
        config.dense(), config.openSpaces());
    return MemoryService.open(EngineVerticle.reads(vertx), this::write, options);
  }

  /**
   * Writes one change's records through the engine's writer and waits for its answer (on a thread of
   * {@code ops}; the answer arrives on this verticle's context).
   */
  private long write(WriteBatch batch) throws IOException {
    List<Kv.Write> writes = new ArrayList<>(batch.size());
    batch.forEach((key, value) -> writes.add(new Kv.Write(key, value)));
    if (!writerQueue.tryReserve(1)) {
      throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failure.BUSY.code(), EngineVerticle.busyMessage(writerQueue));
    }
    try {
      Message<Kv.Done> done = vertx.eventBus().<Kv.Done>request(Addresses.WRITER_COMMIT, new Writer.Commit(writes), WRITE_DELIVERY)
          .toCompletionStage().toCompletableFuture().get(WRITE_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
      return done.body().sequence();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
        writerQueue.release(1); // it never reached the writer, which frees what it answers
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("the engine's writer failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the engine's writer", e);
    } catch (TimeoutException e) {
      throw new IOException("the engine's writer did not answer in " + WRITE_TIMEOUT_MS + " ms; the change may or may not be stored");
    }
  }

  @Override
  public Future<?> stop() {
    meters.run();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .compose(v -> ops.executeBlocking(() -> {
          if (memories != null) {
            memories.close();
          }
          return null;
        }))
        .eventually(() -> ops.close());
  }

  /** Runs {@code operation} on the worker pool, unordered, and answers its result or its mapped failure. */
  private void run(Operation operation, Message<Object> message) {
    if (!(message.body() instanceof JsonObject body)) {
      message.fail(Failure.INVALID_ARGUMENT.code(), "a comdb.memory request is a JSON object");
      return;
    }
    Writer.Failed refused = ClusterNode.of(vertx).refusal(body);
    if (refused != null) {
      message.fail(refused.code(), refused.message());
      return;
    }
    ops.executeBlocking(() -> {
      if (body.getValue("agentId") instanceof String agent && stale.remove(agent)) {
        memories.reload(agent); // a cluster's copies changed its records since it was indexed here
      }
      return operation.apply(body);
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        Throwable e = ar.cause();
        Failure failure = Failure.of(e);
        if (failure == Failure.STORAGE_ERROR) {
          // An exception nobody expected: its text is the JVM's, for the log, not for the client.
          LOG.log(System.Logger.Level.ERROR, "memory request failed", e);
          message.fail(failure.code(), "the memory request failed on the server (see its log)");
          return;
        }
        message.fail(failure.code(), String.valueOf(e.getMessage()));
      }
    });
  }

  private JsonObject putSpace(JsonObject body) throws IOException {
    String agentId = Memories.agentId(body);
    Long capacity = Memories.integer(body, "capacity");
    String compressor = Memories.string(body, "compressor", false);
    if (compressor != null) {
      Compressor.checkEndpoint(compressor);
    }
    CompressionPolicy compression = body.containsKey("compression") ? CompressionPolicy.fromJson(Memories.object(body, "compression")) : null;
    SpaceInfo space = memories.putSpace(agentId, capacity == null ? 0 : capacity);
    if (body.containsKey("compressor")) {
      space = memories.setCompressor(agentId, compressor, null);
    }
    if (compression != null) {
      space = memories.setCompression(agentId, compression);
    }
    return space.toJson();
  }

  private JsonObject space(JsonObject body) throws IOException {
    String agentId = Memories.agentId(body);
    return memories.space(agentId)
        .orElseThrow(() -> new NotFoundException("agent '" + agentId + "' has no memory space"))
        .toJson();
  }

  /** {@code createSpace: true} creates a missing space with the configured default capacity. */
  private Long createCapacity(JsonObject body) {
    return Boolean.TRUE.equals(body.getValue("createSpace")) ? config.defaultCapacity() : null;
  }

  private JsonObject add(JsonObject body) throws IOException {
    List<String> ids = memories.add(Memories.agentId(body), Memories.newMemories(body), createCapacity(body));
    return new JsonObject().put("ids", new JsonArray(new ArrayList<>(ids)));
  }

  private JsonObject list(JsonObject body) throws IOException {
    Long limit = Memories.integer(body, "limit");
    MemoryPage page = memories.list(Memories.agentId(body), limit == null ? PAGE : (int) Math.max(0, Math.min(limit, Integer.MAX_VALUE)),
        Memories.string(body, "cursor", false));
    return new JsonObject().put("memories", json(page.memories())).put("nextCursor", page.nextCursor());
  }

  private JsonObject search(JsonObject body) throws IOException {
    List<SearchHit> hits = memories.search(Memories.agentId(body), Memories.searchQuery(body));
    JsonArray results = new JsonArray();
    for (SearchHit hit : hits) {
      results.add(hit.memory().toJson().put("score", hit.score()));
    }
    return new JsonObject().put("results", results);
  }

  private JsonObject compress(JsonObject body) throws IOException {
    MemoryService.Compression done = memories.compress(Memories.agentId(body), Memories.string(body, "endpoint", false));
    return new JsonObject().put("replaced", done.replaced()).put("id", done.id());
  }

  private JsonObject compressCold(JsonObject body) throws IOException {
    Double ratio = Memories.number(body, "coldRatio");
    if (ratio == null || !(ratio > 0 && ratio <= 1)) {
      throw new IllegalArgumentException("coldRatio must be a number above 0, up to 1");
    }
    MemoryService.Compression done = memories.compressIfCold(Memories.agentId(body), ratio);
    return new JsonObject().put("replaced", done.replaced()).put("id", done.id());
  }

  private static JsonObject deleted(boolean existed) {
    return new JsonObject().put("deleted", existed);
  }

  private static JsonArray json(List<Memory> list) {
    JsonArray array = new JsonArray();
    list.forEach(m -> array.add(m.toJson()));
    return array;
  }
}
