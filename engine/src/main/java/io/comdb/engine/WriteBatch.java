package io.comdb.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts and deletes that become visible together, and after a crash are either all there or none.
 * Collected in memory until {@link #commit()}; the last operation on a key wins. Not thread-safe; a
 * batch is committed once. Get one from {@link Engine#newWriteBatch()}.
 */
public final class WriteBatch {
  private final Engine engine;
  private final int maxOperations;
  /** The operations in order; a null value deletes. */
  private final List<LogWriter.Op> ops = new ArrayList<>(4);
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

  WriteBatch(Engine engine, int maxOperations) {
    this.engine = engine;
    this.maxOperations = maxOperations;
  }

  public WriteBatch put(byte[] key, byte[] value) {
    engine.checkKey(key);
    engine.checkValue(key, value);
    return add(key, value.clone());
  }

  public WriteBatch delete(byte[] key) {
    engine.checkKey(key);
    return add(key, null);
  }

  private WriteBatch add(byte[] key, byte[] value) {
    if (committed) {
      throw new IllegalStateException("this write batch is already committed");
    }
    byte[] k = key.clone();
    LogWriter.Op op = new LogWriter.Op(k, value);
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

  /**
   * Writes every operation atomically. Under {@link SyncMode#ALWAYS} returns once they are durable.
   *
   * @throws LimitExceededException if the batch does not fit in one data file
   */
  public void commit() throws IOException {
    if (committed) {
      throw new IllegalStateException("this write batch is already committed");
    }
    committed = true;
    engine.commit(ops);
  }
}
