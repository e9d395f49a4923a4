package io.comdb.verticles.api;

import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * A key's value and its version (the sequence number of its record, what a transaction's version compare
   * compares); {@code value} is null and {@code version} 0 when the key is missing.
   */
  public record Value(byte[] value, long version) {
    static final WireCodec<Value> CODEC = new WireCodec<>(Value.class, (m, w) -> w.bytes(m.value).number(m.version),
        r -> new Value(r.bytes(), r.number()));
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

  /** Whether a deleted key had a value; {@code sequence} is the tombstone's, or -1 if nothing was written. */
  public record Deleted(boolean existed, long sequence) {
    static final WireCodec<Deleted> CODEC = new WireCodec<>(Deleted.class, (m, w) -> w.bool(m.existed).number(m.sequence),
        r -> new Deleted(r.bool(), r.number()));
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

  /**
   * A write was applied, and is as durable as the sync mode promises: under sync {@code always} its
   * {@code sequence} is at or below the engine's durable sequence. -1: the write changed nothing.
   */
  public record Done(long sequence) {
    static final WireCodec<Done> CODEC = new WireCodec<>(Done.class, (m, w) -> w.number(m.sequence), r -> new Done(r.number()));
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

  /** What a {@link Compare} looks at. */
  public enum Target {
    /** The value's bytes, in unsigned order; a missing key fails every value comparison. */
    VALUE,
    /** Whether the key has a value: {@code number} 1 (it must) or 0 (it must not); only {@link Op#EQUAL}. */
    EXISTS,
    /** The key's version ({@code ReadView.versioned}: the sequence number of its record; 0 when missing). */
    VERSION
  }

  /** How a {@link Compare} compares: the key's side on the left. */
  public enum Op {
    EQUAL, NOT_EQUAL, GREATER, LESS;

    boolean holds(int order) {
      return switch (this) {
        case EQUAL -> order == 0;
        case NOT_EQUAL -> order != 0;
        case GREATER -> order > 0;
        case LESS -> order < 0;
      };
    }
  }

  /** One condition of a {@link Txn}: {@code value} for {@link Target#VALUE}, {@code number} for the others. */
  public record Compare(byte[] key, Target target, Op op, byte[] value, long number) {
    public Compare {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(op, "op");
      if (target == Target.VALUE) {
        Objects.requireNonNull(value, "value");
      }
      if (target == Target.EXISTS && (op != Op.EQUAL || (number != 0 && number != 1))) {
        throw new IllegalArgumentException("an existence compare is 'exists: true' or 'exists: false'");
      }
    }

    public static Compare value(byte[] key, Op op, byte[] value) {
      return new Compare(key, Target.VALUE, op, value, 0);
    }

    public static Compare exists(byte[] key, boolean exists) {
      return new Compare(key, Target.EXISTS, Op.EQUAL, null, exists ? 1 : 0);
    }

    public static Compare version(byte[] key, Op op, long version) {
      return new Compare(key, Target.VERSION, op, null, version);
    }

    /** Whether the condition holds for a key whose value is {@code current} (null: missing) at {@code version}. */
    public boolean holds(byte[] current, long version) {
      return switch (target) {
        case VALUE -> current != null && op.holds(Arrays.compareUnsigned(current, value));
        case EXISTS -> (current != null) == (number == 1);
        case VERSION -> op.holds(Long.compare(version, number));
      };
    }
  }

  /** What a {@link TxnOp} does. */
  public enum TxnOpKind { PUT, DELETE, GET }

  /** One operation of a {@link Txn} branch; {@code value} only for a put. */
  public record TxnOp(TxnOpKind kind, byte[] key, byte[] value) {
    public TxnOp {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(key, "key");
      if (kind == TxnOpKind.PUT) {
        Objects.requireNonNull(value, "value");
      }
    }

    public static TxnOp put(byte[] key, byte[] value) {
      return new TxnOp(TxnOpKind.PUT, key, value);
    }

    public static TxnOp delete(byte[] key) {
      return new TxnOp(TxnOpKind.DELETE, key, null);
    }

    public static TxnOp get(byte[] key) {
      return new TxnOp(TxnOpKind.GET, key, null);
    }
  }

  /**
   * A transaction in etcd's shape: if every compare holds, the {@code success} operations run, else the
   * {@code failure} ones; either way in order, atomically (one batch: after a crash all or none), each
   * seeing the writes before it. Run by the engine's writer, so nothing else happens in between.
   */
  public record Txn(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure) {
    public static final int MAX_OPS = 10_000;

    public Txn {
      compares = List.copyOf(compares);
      success = List.copyOf(success);
      failure = List.copyOf(failure);
      if (compares.size() + success.size() + failure.size() > MAX_OPS) {
        throw new IllegalArgumentException("a transaction holds at most " + MAX_OPS + " compares and operations");
      }
    }

    static final WireCodec<Txn> CODEC = new WireCodec<>(Txn.class, (m, w) -> {
      w.integer(m.compares.size());
      for (Compare c : m.compares) {
        w.bytes(c.key).integer(c.target.ordinal()).integer(c.op.ordinal()).bytes(c.value).number(c.number);
      }
      writeOps(w, m.success);
      writeOps(w, m.failure);
    }, r -> {
      int n = r.integer();
      List<Compare> compares = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        compares.add(new Compare(r.bytes(), Target.values()[r.integer()], Op.values()[r.integer()], r.bytes(), r.number()));
      }
      return new Txn(compares, readOps(r), readOps(r));
    });

    private static void writeOps(Wire.Writer w, List<TxnOp> ops) {
      w.integer(ops.size());
      for (TxnOp op : ops) {
        w.integer(op.kind.ordinal()).bytes(op.key).bytes(op.value);
      }
    }

    private static List<TxnOp> readOps(Wire.Reader r) {
      int n = r.integer();
      List<TxnOp> ops = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ops.add(new TxnOp(TxnOpKind.values()[r.integer()], r.bytes(), r.bytes()));
      }
      return ops;
    }
  }

  /**
   * What one operation of a {@link Txn} found: a get's value (null: missing), whether a delete's key had a
   * value; nothing for a put.
   */
  public record TxnResponse(TxnOpKind kind, byte[] key, byte[] value, boolean existed) {}

  /** Which branch ran, what its operations found, and the sequence number of its writes (-1: none). */
  public record TxnResult(boolean succeeded, List<TxnResponse> responses, long sequence) {
    public TxnResult {
      responses = List.copyOf(responses);
    }

    static final WireCodec<TxnResult> CODEC = new WireCodec<>(TxnResult.class, (m, w) -> {
      w.bool(m.succeeded).number(m.sequence).integer(m.responses.size());
      for (TxnResponse t : m.responses) {
        w.integer(t.kind.ordinal()).bytes(t.key).bytes(t.value).bool(t.existed);
      }
    }, r -> {
      boolean succeeded = r.bool();
      long sequence = r.number();
      int n = r.integer();
      List<TxnResponse> responses = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        responses.add(new TxnResponse(TxnOpKind.values()[r.integer()], r.bytes(), r.bytes(), r.bool()));
      }
      return new TxnResult(succeeded, responses, sequence);
    });
  }

  static List<WireCodec<?>> codecs() {
    return List.of(Get.CODEC, Value.CODEC, Put.CODEC, Delete.CODEC, Deleted.CODEC, Batch.CODEC, Done.CODEC, Scan.CODEC, Page.CODEC,
        Txn.CODEC, TxnResult.CODEC);
  }
}
