package io.comdb.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  /** Keys wrapped for content equality; a null value deletes. */
  private final Map<ByteBuffer, byte[]> ops = new LinkedHashMap<>();
  private boolean committed;

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
    ByteBuffer k = ByteBuffer.wrap(key.clone());
    if (!ops.containsKey(k) && ops.size() >= maxOperations) {
      throw new LimitExceededException("write batch is full: at most " + maxOperations + " operations (maxBatchSize)");
    }
    ops.put(k, value);
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
    List<LogWriter.Op> list = new ArrayList<>(ops.size());
    for (Map.Entry<ByteBuffer, byte[]> e : ops.entrySet()) {
      list.add(new LogWriter.Op(e.getKey().array(), e.getValue()));
    }
    engine.commit(list);
  }
}
