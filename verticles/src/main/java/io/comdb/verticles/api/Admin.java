package io.comdb.verticles.api;

import java.util.List;

/** Administrative requests and replies. */
public final class Admin {
  private Admin() {}

  /** Asks for {@link Stats}. */
  public record StatsRequest() {
    static final WireCodec<StatsRequest> CODEC = new WireCodec<>(StatsRequest.class, (m, w) -> {}, r -> new StatsRequest());
  }

  /** The engine's sizes (see {@code io.comdb.engine.EngineStats}). */
  public record Stats(long liveKeys, int dataFiles, long diskBytes, long reclaimableBytes, long lastSequence) {
    static final WireCodec<Stats> CODEC = new WireCodec<>(Stats.class,
        (m, w) -> w.number(m.liveKeys).integer(m.dataFiles).number(m.diskBytes).number(m.reclaimableBytes).number(m.lastSequence),
        r -> new Stats(r.number(), r.integer(), r.number(), r.number(), r.number()));
  }

  static List<WireCodec<?>> codecs() {
    return List.of(StatsRequest.CODEC, Stats.CODEC);
  }
}
