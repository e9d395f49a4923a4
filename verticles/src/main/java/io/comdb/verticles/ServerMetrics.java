package io.comdb.verticles;

import io.comdb.engine.ReadView;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.cluster.ClusterNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.List;

/**
 * ComDB's meters and the Prometheus registry they live in. When Vert.x was started with Micrometer
 * Prometheus metrics (as the launcher does) this is Vert.x's own registry, so {@code /metrics} shows both;
 * in a Vert.x started without them, ComDB keeps a registry of its own.
 *
 * <pre>
 * comdb_http_requests_seconds{op,status}   HTTP requests and latencies per operation
 * comdb_engine_disk_bytes                  bytes of data files
 * comdb_engine_reclaimable_bytes           bytes a merge would reclaim
 * comdb_engine_live_keys                   keys in the keydir
 * comdb_engine_memory_bytes                what the keydir holds in memory, estimated
 * comdb_engine_max_memory_bytes            engine.maxMemoryBytes (0: no limit)
 * comdb_merge_runs_total                   merges finished
 * comdb_engine_last_sequence               sequence number of the newest record
 * comdb_engine_durable_sequence            sequence number up to which every record is fsync'd
 * comdb_writer_*                           the writer's work: see WriterMetrics
 * </pre>
 */
public final class ServerMetrics {
  private static final String LOCAL_MAP = "comdb.metrics";

  private static final class Holder implements Shareable {
    final PrometheusMeterRegistry registry;

    Holder(PrometheusMeterRegistry registry) {
      this.registry = registry;
    }
  }

  private ServerMetrics() {}

  /** The registry ComDB's meters go to in this Vert.x instance. */
  public static PrometheusMeterRegistry registry(Vertx vertx) {
    if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry vertxRegistry) {
      return vertxRegistry;
    }
    LocalMap<String, Holder> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    return map.computeIfAbsent("registry", k -> new Holder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))).registry;
  }

  /**
   * Registers the engine's gauges and counts merges as {@link MergeWorkerVerticle} announces them.
   *
   * @return what removes them again, when the engine closes
   */
  static Runnable bindEngine(Vertx vertx, ReadView engine) {
    MeterRegistry registry = registry(vertx);
    List<Meter> meters = List.of(
        Gauge.builder("comdb.engine.disk.bytes", engine, e -> e.stats().diskBytes()).baseUnit("bytes").register(registry),
        Gauge.builder("comdb.engine.reclaimable.bytes", engine, e -> e.stats().reclaimableBytes()).baseUnit("bytes").register(registry),
        Gauge.builder("comdb.engine.live.keys", engine, e -> e.stats().liveKeys()).register(registry),
        Gauge.builder("comdb.engine.memory.bytes", engine, e -> e.stats().memoryBytes()).baseUnit("bytes")
            .description("what the keydir holds in memory, estimated (engine.maxMemoryBytes bounds it)").register(registry),
        Gauge.builder("comdb.engine.max.memory.bytes", MemoryLimit.of(vertx, 0), MemoryLimit::max).baseUnit("bytes")
            .description("engine.maxMemoryBytes, 0 when unlimited").register(registry),
        Gauge.builder("comdb.engine.last.sequence", engine, e -> e.stats().lastSequence()).register(registry),
        Gauge.builder("comdb.engine.durable.sequence", engine, e -> e.stats().durableSequence()).register(registry));
    Counter merges = Counter.builder("comdb.merge.runs").description("merges finished").register(registry);
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(ClusterNode.of(vertx).local(Addresses.ADMIN_MERGED), m -> merges.increment());
    return () -> {
      consumer.unregister();
      meters.forEach(registry::remove);
    };
  }
}
