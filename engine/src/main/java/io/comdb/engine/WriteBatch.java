package io.comdb.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Puts and deletes that become visible together, and after a crash are either all there or none.
 * Collected in memory until written; the last operation on a key wins. Not thread-safe; a batch is
 * written once.
 *
 * <p>One from {@link Engine#newWriteBatch()} checks each key and value against the engine's limits as it
 * is added and is written by {@link #commit()}. One made with {@code new WriteBatch()} belongs to no
 * engine: it is checked when written, by {@link Engine#write} or {@link WriteGroup#write} (this is how a
 * batch is prepared on one thread and written by a server's writer on another).
 */
public final class WriteBatch {
  /** Null for a batch that belongs to no engine. */
  private final Engine engine;
  private final int maxOperations;
  /** The operations in order; a null value deletes. */
  private final List<LogAppender.Op> ops = new ArrayList<>(4);
  /** Key to index in {@link #ops}, built once a second operation arrives (most batches hold one). */
  private Map<Key, Integer> index;
  private boolean committed;

  /** A key compared by content, its hash computed once. */
  private record Key(byte[] bytes, int hash) {
    Key(byte[] bytes) {
      this(bytes, Arrays.hashCode(bytes));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** A batch of no engine, checked when written. */
  public WriteBatch() {
    this(null, Integer.MAX_VALUE);
  }

  WriteBatch(Engine engine, int maxOperations) {
    this.engine = engine;
    this.maxOperations = maxOperations;
  }

  public WriteBatch put(byte[] key, byte[] value) {
    if (engine != null) {
      engine.checkKey(key);
      engine.checkValue(key, value);
    } else {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
    return add(key, value.clone());
  }

  public WriteBatch delete(byte[] key) {
    if (engine != null) {
      engine.checkKey(key);
    } else {
      Objects.requireNonNull(key, "key");
    }
    return add(key, null);
  }

  private WriteBatch add(byte[] key, byte[] value) {
    if (committed) {
      throw new IllegalStateException("this write batch is already committed");
    }
    byte[] k = key.clone();
    LogAppender.Op op = new LogAppender.Op(k, value);
    if (ops.isEmpty()) {
      ops.add(op);
      return this;
    }
    if (index == null) {
      index = new HashMap<>();
      index.put(new Key(ops.get(0).key()), 0);
    }
    Key wrapped = new Key(k);
    Integer at = index.get(wrapped);
    if (at != null) {
      ops.set(at, op); // the last operation on a key wins, in the place of the first
      return this;
    }
    if (ops.size() >= maxOperations) {
      throw new LimitExceededException("write batch is full: at most " + maxOperations + " operations (maxBatchSize)");
    }
    index.put(wrapped, ops.size());
    ops.add(op);
    return this;
  }

  public int size() {
    return ops.size();
  }

  /** Receives the operations of a batch: {@code value} is null for a delete. */
  @FunctionalInterface
  public interface Visitor {
    void visit(byte[] key, byte[] value);
  }

  /** Visits every operation in order (the arrays are the batch's own: do not change them). */
  public void forEach(Visitor visitor) {
    for (LogAppender.Op op : ops) {
      visitor.visit(op.key(), op.value());
    }
  }

  /**
   * Writes every operation atomically. Under {@link SyncMode#ALWAYS} returns once they are durable.
   *
   * @throws LimitExceededException if the batch does not fit in one data file
   * @throws IllegalStateException if the batch belongs to no engine (write it with {@link Engine#write})
   */
  public void commit() throws IOException {
    if (engine == null) {
      throw new IllegalStateException("this batch belongs to no engine: write it with Engine.write or WriteGroup.write");
    }
    engine.write(this);
  }

  /** Marks the batch written; a batch is written once. */
  List<LogAppender.Op> take() {
    if (committed) {
      throw new IllegalStateException("this write batch is already committed");
    }
    committed = true;
    return ops;
  }

  List<LogAppender.Op> ops() {
    return ops;
  }

  boolean belongsTo(Engine e) {
    return engine == e;
  }
}
