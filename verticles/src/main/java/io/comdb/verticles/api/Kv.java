package io.comdb.verticles.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Key-value requests and replies. Keys and values are bytes; a sender must not change an array after
 * sending it (local delivery does not copy).
 */
public final class Kv {
  private Kv() {}

  /** Reads a key. */
  public record Get(byte[] key) {
    public Get {
      Objects.requireNonNull(key, "key");
    }

    static final WireCodec<Get> CODEC = new WireCodec<>(Get.class, (m, w) -> w.bytes(m.key), r -> new Get(r.bytes()));
  }

  /** A key's value; {@code value} is null when the key is missing. */
  public record Value(byte[] value) {
    static final WireCodec<Value> CODEC = new WireCodec<>(Value.class, (m, w) -> w.bytes(m.value), r -> new Value(r.bytes()));
  }

  /** Stores a value. */
  public record Put(byte[] key, byte[] value) {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    static final WireCodec<Put> CODEC = new WireCodec<>(Put.class, (m, w) -> w.bytes(m.key).bytes(m.value), r -> new Put(r.bytes(), r.bytes()));
  }

  /** Deletes a key. */
  public record Delete(byte[] key) {
    public Delete {
      Objects.requireNonNull(key, "key");
    }

    static final WireCodec<Delete> CODEC = new WireCodec<>(Delete.class, (m, w) -> w.bytes(m.key), r -> new Delete(r.bytes()));
  }

  /** Whether a deleted key had a value. */
  public record Deleted(boolean existed) {
    static final WireCodec<Deleted> CODEC = new WireCodec<>(Deleted.class, (m, w) -> w.bool(m.existed), r -> new Deleted(r.bool()));
  }

  /** One write of a {@link Batch}: a put, or a delete when {@code value} is null. */
  public record Write(byte[] key, byte[] value) {
    public Write {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Writes applied together: after a crash, all of them or none. */
  public record Batch(List<Write> writes) {
    public Batch {
      writes = List.copyOf(writes);
    }

    static final WireCodec<Batch> CODEC = new WireCodec<>(Batch.class, (m, w) -> {
      w.integer(m.writes.size());
      for (Write write : m.writes) {
        w.bytes(write.key).bytes(write.value);
      }
    }, r -> {
      int n = r.integer();
      List<Write> writes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        writes.add(new Write(r.bytes(), r.bytes()));
      }
      return new Batch(writes);
    });
  }

  /** A write was applied (and is as durable as the sync mode promises). */
  public record Done() {
    static final WireCodec<Done> CODEC = new WireCodec<>(Done.class, (m, w) -> {}, r -> new Done());
  }

  /**
   * Lists up to {@code limit} entries whose keys start with {@code prefix}, in unsigned byte order (or its
   * reverse), starting after the key {@code after} (null: from the first).
   */
  public record Scan(byte[] prefix, byte[] after, int limit, boolean reverse) {
    public static final int MAX_LIMIT = 10_000;

    public Scan {
      Objects.requireNonNull(prefix, "prefix");
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
      }
    }

    static final WireCodec<Scan> CODEC = new WireCodec<>(Scan.class,
        (m, w) -> w.bytes(m.prefix).bytes(m.after).integer(m.limit).bool(m.reverse),
        r -> new Scan(r.bytes(), r.bytes(), r.integer(), r.bool()));
  }

  /** A key and its value. */
  public record Entry(byte[] key, byte[] value) {}

  /** One page of a scan; {@code next} is the {@code after} of the next page, or null after the last. */
  public record Page(List<Entry> entries, byte[] next) {
    public Page {
      entries = List.copyOf(entries);
    }

    static final WireCodec<Page> CODEC = new WireCodec<>(Page.class, (m, w) -> {
      w.integer(m.entries.size());
      for (Entry e : m.entries) {
        w.bytes(e.key).bytes(e.value);
      }
      w.bytes(m.next);
    }, r -> {
      int n = r.integer();
      List<Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        entries.add(new Entry(r.bytes(), r.bytes()));
      }
      return new Page(entries, r.bytes());
    });
  }

  static List<WireCodec<?>> codecs() {
    return List.of(Get.CODEC, Value.CODEC, Put.CODEC, Delete.CODEC, Deleted.CODEC, Batch.CODEC, Done.CODEC, Scan.CODEC, Page.CODEC);
  }
}
