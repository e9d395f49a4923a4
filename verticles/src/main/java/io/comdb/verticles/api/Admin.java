package io.comdb.verticles.api;

import java.util.List;

/** Administrative requests and replies. */
public final class Admin {
  private Admin() {}

  /** Asks for {@link Stats}. */
  public record StatsRequest() {
    static final WireCodec<StatsRequest> CODEC = new WireCodec<>(StatsRequest.class, (m, w) -> {}, r -> new StatsRequest());
  }

  /** The engine's sizes and sequence numbers (see {@code io.comdb.engine.EngineStats}). */
  public record Stats(long liveKeys, int dataFiles, long diskBytes, long reclaimableBytes, long lastSequence, long durableSequence) {
    static final WireCodec<Stats> CODEC = new WireCodec<>(Stats.class,
        (m, w) -> w.number(m.liveKeys).integer(m.dataFiles).number(m.diskBytes).number(m.reclaimableBytes).number(m.lastSequence)
            .number(m.durableSequence),
        r -> new Stats(r.number(), r.integer(), r.number(), r.number(), r.number(), r.number()));
  }

  /** Merges now, whatever the reclaimable ratio. */
  public record Merge() {
    static final WireCodec<Merge> CODEC = new WireCodec<>(Merge.class, (m, w) -> {}, r -> new Merge());
  }

  /** Merges if one is due: the reclaimable ratio has reached the threshold, within the merge window. */
  public record MergeIfDue() {
    static final WireCodec<MergeIfDue> CODEC = new WireCodec<>(MergeIfDue.class, (m, w) -> {}, r -> new MergeIfDue());
  }

  /** What a merge did; also published on {@link Addresses#ADMIN_MERGED} after every merge. */
  public record Merged(int inputFiles, int outputFiles, long bytesBefore, long bytesAfter, long liveRecords, long millis) {
    static final WireCodec<Merged> CODEC = new WireCodec<>(Merged.class,
        (m, w) -> w.integer(m.inputFiles).integer(m.outputFiles).number(m.bytesBefore).number(m.bytesAfter).number(m.liveRecords).number(m.millis),
        r -> new Merged(r.integer(), r.integer(), r.number(), r.number(), r.number(), r.number()));
  }

  /** Why no merge ran. */
  public record MergeSkipped(String reason) {
    static final WireCodec<MergeSkipped> CODEC = new WireCodec<>(MergeSkipped.class, (m, w) -> w.string(m.reason), r -> new MergeSkipped(r.string()));
  }

    /**
   * Writes a backup into a new directory {@code name} under the server's {@code engine.backupDir}: a bare
   * name (letters, digits, {@code . _ -}, not starting with a dot), never a path.
   */
  public record Backup(String name) {
    public Backup {
      java.util.Objects.requireNonNull(name, "name");
    }

    static final WireCodec<Backup> CODEC = new WireCodec<>(Backup.class, (m, w) -> w.string(m.name), r -> new Backup(r.string()));
  }

  /** A backup was written: its name, the directory that holds it, how long it took. */
  public record BackedUp(String name, String directory, long millis) {
    static final WireCodec<BackedUp> CODEC = new WireCodec<>(BackedUp.class, (m, w) -> w.string(m.name).string(m.directory).number(m.millis),
        r -> new BackedUp(r.string(), r.string(), r.number()));
  }

  static List<WireCodec<?>> codecs() {
    return List.of(StatsRequest.CODEC, Stats.CODEC, Merge.CODEC, MergeIfDue.CODEC, Merged.CODEC, MergeSkipped.CODEC, Backup.CODEC, BackedUp.CODEC);
  }
}
