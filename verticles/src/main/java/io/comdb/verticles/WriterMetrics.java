package io.comdb.verticles;

import io.comdb.engine.ReadView;
import io.comdb.verticles.api.Writer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's meters ({@code /metrics}), counted on the writer's thread:
 *
 * <pre>
 * comdb_writer_commands_total{source}   commands applied, by source: resp, http, memory, bus
 * comdb_writer_batches_total            messages drained (a protocol verticle's pass is one)
 * comdb_writer_drains_total             drains: runs of queued work, each one write group
 * comdb_writer_drain_commands           histogram: commands per drain
 * comdb_writer_drain_batches            histogram: messages per drain
 * comdb_writer_fsyncs_total             fsyncs of the engine's log (sync always: at most one per drain)
 * comdb_writer_queue_depth              commands queued or being applied, not yet answered
 * comdb_writer_refused_total            commands refused because the queue was full (engine.maxPending)
 * </pre>
 */
final class WriterMetrics {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<Writer.Source, Counter> commands = new EnumMap<>(Writer.Source.class);
  private final Counter batches;
  private final Counter drains;
  private final DistributionSummary drainCommands;
  private final DistributionSummary drainBatches;

  /** {@code engine} and {@code queue} must stay reachable: function meters hold their state weakly. */
  WriterMetrics(MeterRegistry registry, WriterQueue queue, ReadView engine) {
    this.registry = registry;
    for (Writer.Source source : Writer.Source.values()) {
      commands.put(source, add(Counter.builder("comdb.writer.commands").description("commands applied by the writer")
          .tag("source", source.label()).register(registry)));
    }
    batches = add(Counter.builder("comdb.writer.batches").description("messages drained by the writer").register(registry));
    drains = add(Counter.builder("comdb.writer.drains").description("drains of the writer's queue").register(registry));
    add(FunctionCounter.builder("comdb.writer.fsyncs", engine, e -> e.stats().fsyncs())
        .description("fsyncs of the engine's log").register(registry));
    drainCommands = add(DistributionSummary.builder("comdb.writer.drain.commands").description("commands per drain")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096).register(registry));
    drainBatches = add(DistributionSummary.builder("comdb.writer.drain.batches").description("messages per drain")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry));
    add(Gauge.builder("comdb.writer.queue.depth", queue, WriterQueue::depth)
        .description("commands queued for the writer or being applied").register(registry));
    add(FunctionCounter.builder("comdb.writer.refused", queue, WriterQueue::refused)
        .description("commands refused: the writer's queue was full").register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  void applied(Writer.Source source, int count) {
    commands.get(source).increment(count);
  }

  /** A drain of {@code messages} messages holding {@code commands} commands. */
  void drained(int messages, int commands) {
    drains.increment();
    batches.increment(messages);
    drainBatches.record(messages);
    drainCommands.record(commands);
  }


  void close() {
    meters.forEach(registry::remove);
  }
}
