package io.comdb.verticles.api;

import java.util.ArrayList;
import java.util.List;

/**
 * How the nodes of a cluster keep each partition's copies: messages between ComDB's own nodes, at
 * node-specific addresses ({@code comdb.node.<id>.comdb.replica.*}). Not an API for consumers.
 */
public final class Replica {
  private Replica() {}

  /**
   * The changes an owner's writer applied to keys of partitions this node backs up, in the order applied,
   * as stored (internal keys included; a null value deletes) → {@link Kv.Done} once applied and durable.
   */
  public record Apply(List<Kv.Write> writes) {
    public Apply {
      writes = List.copyOf(writes);
    }

    static final WireCodec<Apply> CODEC = new WireCodec<>(Apply.class, (m, w) -> writeAll(w, m.writes), r -> new Apply(readAll(r)));
  }

  /**
   * Asks a node that holds {@code partitions} for their stored entries after the key {@code after} (null:
   * from the first), at most {@code limit} of them → {@link Chunk}. {@code requester} must be one of their
   * replicas in the asked node's partition table; before the first page the asked node's writer has
   * applied everything it was sent for them.
   */
  public record Fetch(List<Integer> partitions, byte[] after, int limit, String requester) {
    public Fetch {
      partitions = List.copyOf(partitions);
    }

    static final WireCodec<Fetch> CODEC = new WireCodec<>(Fetch.class, (m, w) -> {
      w.integer(m.partitions.size());
      m.partitions.forEach(w::integer);
      w.bytes(m.after).integer(m.limit).string(m.requester);
    }, r -> {
      int n = r.integer();
      List<Integer> partitions = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        partitions.add(r.integer());
      }
      return new Fetch(partitions, r.bytes(), r.integer(), r.string());
    });
  }

  /** A page of a {@link Fetch}; {@code next} is the {@code after} of the next page, null after the last. */
  public record Chunk(List<Kv.Write> entries, byte[] next) {
    public Chunk {
      entries = List.copyOf(entries);
    }

    static final WireCodec<Chunk> CODEC = new WireCodec<>(Chunk.class, (m, w) -> writeAll(w, m.entries).bytes(m.next),
        r -> new Chunk(readAll(r), r.bytes()));
  }

  /**
   * To this node's writer, while it fills {@code partitions} from another node: {@code begin} starts
   * noting the keys of theirs that live replication writes (a fill never overwrites those), and drops
   * every entry of theirs it holds; {@code !begin} ends the fill → {@link Kv.Done}.
   */
  public record Fill(List<Integer> partitions, boolean begin) {
    static final WireCodec<Fill> CODEC = WireCodec.localOnly(Fill.class);
  }

  /**
   * To this node's writer: entries of partitions being filled, applied but where live writes came first →
   * {@link Kv.Done}. It fails, applying nothing, if one of them is not being filled.
   */
  public record Filled(List<Kv.Write> entries) {
    static final WireCodec<Filled> CODEC = WireCodec.localOnly(Filled.class);
  }

  /** To this node's writer: deletes every entry of {@code partitions}, which this node holds no more → {@link Kv.Done}. */
  public record Drop(List<Integer> partitions) {
    static final WireCodec<Drop> CODEC = WireCodec.localOnly(Drop.class);
  }

  private static Wire.Writer writeAll(Wire.Writer w, List<Kv.Write> writes) {
    w.integer(writes.size());
    for (Kv.Write write : writes) {
      w.bytes(write.key()).bytes(write.value());
    }
    return w;
  }

  private static List<Kv.Write> readAll(Wire.Reader r) {
    int n = r.integer();
    List<Kv.Write> writes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      writes.add(new Kv.Write(r.bytes(), r.bytes()));
    }
    return writes;
  }

  static List<WireCodec<?>> codecs() {
    return List.of(Apply.CODEC, Fetch.CODEC, Chunk.CODEC, Fill.CODEC, Filled.CODEC, Drop.CODEC);
  }
}
