package io.comdb.verticles;

import io.comdb.search.MemoryService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The memory indexes in {@code /metrics}:
 *
 * <pre>
 * comdb_memory_spaces_open                      spaces open now (index, ages and heat in memory)
 * comdb_memory_index_catching_up                spaces whose index is catching up with its records now
 * comdb_memory_index_reindexed_memories_total   memories indexed from their records since start
 * comdb_memory_index_rebuilt_total              indexes deleted and rebuilt since start
 * </pre>
 */
final class MemoryMetrics {
  private MemoryMetrics() {}

  /** Registers the gauges; returns what removes them. */
  static Runnable bind(Vertx vertx, MemoryService memories) {
    MeterRegistry registry = ServerMetrics.registry(vertx);
    List<Meter> meters = List.of(
        Gauge.builder("comdb.memory.spaces.open", memories, m -> m.indexStats().openSpaces())
            .description("memory spaces open now").register(registry),
        Gauge.builder("comdb.memory.index.catching.up", memories, m -> m.indexStats().catchingUp())
            .description("memory spaces whose index is catching up with its records").register(registry),
        FunctionCounter.builder("comdb.memory.index.reindexed.memories", memories, m -> m.indexStats().reindexed())
            .description("memories indexed from their records since start").register(registry),
        FunctionCounter.builder("comdb.memory.index.rebuilt", memories, m -> m.indexStats().rebuilt())
            .description("memory indexes deleted and rebuilt since start").register(registry));
    return () -> meters.forEach(registry::remove);
  }
}
