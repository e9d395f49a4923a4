package io.comdb.verticles;

import io.comdb.config.ComDbConfig;
import io.comdb.config.SearchSection;
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
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Agent memory on the event bus: answers {@code comdb.memory.*} ({@link Addresses}) with a
 * {@link MemoryService} over the engine of the {@link EngineVerticle} (deploy it after that one). At start
 * it rebuilds every space's index from the engine's records, logging progress.
 *
 * <p>Deploy one, as a worker on its own pool: each request runs on that pool, several at once (searches in
 * parallel; changes to one space in turn, by the service's lock), so that an LLM call that takes a minute
 * holds one thread, not the API. Its memory records are written through the engine's thread-safe write
 * path, like the RESP server's, not through the engine verticle's queue: a change is one write batch
 * followed by an index update, under the space's lock, which the queue could not make atomic.
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

  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private SearchSection config;
  private MemoryService memories;

  @Override
  public Future<?> start() {
    try {
      config = ComDbConfig.fromJson(config()).search();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(this::open).compose(service -> {
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
          Map.entry(Addresses.MEMORY_COMPRESSOR, body -> memories.setCompressor(Memories.agentId(body),
              Memories.string(body, "endpoint", false), createCapacity(body)).toJson()));
      operations.forEach((address, operation) ->
          consumers.add(vertx.eventBus().consumer(address, message -> run(operation, message))));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  private MemoryService open() throws IOException {
    Embedder embedder = config.dense().equals("off") ? null : Embedder.load(config.dense());
    MemoryOptions options = MemoryOptions.builder()
        .embedder(embedder)
        .maxTextBytes(config.maxMemoryBytes())
        .neighbourWeight(config.neighbourWeight())
        .llm(new Compressor.Settings(Duration.ofMillis(config.compressTimeoutMs()), config.compressRetries(),
            Duration.ofMillis(500), config.compressModel(), config.compressEndpoint()))
        .build();
    LOG.log(System.Logger.Level.INFO, "memory search: dense {0}; rebuilding the index", config.dense());
    return MemoryService.open(EngineVerticle.engine(vertx), options);
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .compose(v -> vertx.executeBlocking(() -> {
          if (memories != null) {
            memories.close();
          }
          return null;
        }));
  }

  /** Runs {@code operation} on the worker pool, unordered, and answers its result or its mapped failure. */
  private void run(Operation operation, Message<Object> message) {
    if (!(message.body() instanceof JsonObject body)) {
      message.fail(Failure.INVALID_ARGUMENT.code(), "a comdb.memory request is a JSON object");
      return;
    }
    vertx.executeBlocking(() -> operation.apply(body), false).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        Throwable e = ar.cause();
        Failure failure = Failure.of(e);
        if (failure == Failure.STORAGE_ERROR) {
          LOG.log(System.Logger.Level.ERROR, "memory request failed", e);
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
    SpaceInfo space = memories.putSpace(agentId, capacity == null ? 0 : capacity);
    if (body.containsKey("compressor")) {
      space = memories.setCompressor(agentId, compressor, null);
    }
    return space.toJson();
  }

  private JsonObject space(JsonObject body) {
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

  private static JsonObject deleted(boolean existed) {
    return new JsonObject().put("deleted", existed);
  }

  private static JsonArray json(List<Memory> list) {
    JsonArray array = new JsonArray();
    list.forEach(m -> array.add(m.toJson()));
    return array;
  }
}
