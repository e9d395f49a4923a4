package io.comdb.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An optimistic transaction, as ComDB's Go engine has them: reads see the engine as it was at the
 * transaction's snapshot (plus the transaction's own writes), writes are buffered, and {@link #commit}
 * writes them as one atomic batch, or fails with {@link TransactionConflictException} if another write
 * changed a key the transaction read after its snapshot. A read of such a key fails the same way at once,
 * so a transaction never acts on a value newer than its snapshot. Writes alone never conflict ("blind"
 * writes: the last commit wins); keys an iterator did not return when it ran (phantoms) are not checked.
 *
 * <p>Not thread-safe: one thread uses a transaction. Close it (try-with-resources) whether or not it
 * committed: an open transaction makes every write of the engine record its key for the conflict check.
 * {@link Engine#update} runs a function in a transaction and retries it on conflicts.
 *
 * <pre>{@code
 * try (Transaction t = db.beginTransaction()) {
 *   long n = decode(t.get(counter));
 *   t.put(counter, encode(n + 1));
 *   t.commit();
 * }
 * }</pre>
 */
public final class Transaction implements Reads, AutoCloseable {
  /** Marks a buffered delete (compared by identity). */
  private static final byte[] DELETED = new byte[0];

  private final Engine engine;
  private final long readSeq;
  private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);
  /** Fingerprints of the keys read from the engine (not from {@link #writes}). */
  private long[] reads = new long[8];
  private int readCount;
  private boolean done;
  /** While a {@link #mark} is open: each buffered write's key and what it replaced (null: nothing), oldest first. */
  private final java.util.ArrayList<byte[][]> undo = new java.util.ArrayList<>();
  private int openMarks;
  /** Whether the conflict tracker was told this transaction closed; guarded by the writer's lock. */
  private boolean ended;

  Transaction(Engine engine, long readSeq) {
    this.engine = engine;
    this.readSeq = readSeq;
  }

  /** The sequence number of the snapshot: every write up to it is seen, none after it. */
  public long readSequence() {
    return readSeq;
  }

  @Override
  public byte[] get(byte[] key) throws IOException {
    checkOpen();
    Objects.requireNonNull(key, "key");
    byte[] pending = writes.get(key);
    if (pending != null) {
      return pending == DELETED ? null : pending.clone();
    }
    byte[] value = engine.get(key);
    read(key);
    return value;
  }

  @Override
  public boolean contains(byte[] key) throws IOException {
    checkOpen();
    Objects.requireNonNull(key, "key");
    byte[] pending = writes.get(key);
    if (pending != null) {
      return pending != DELETED;
    }
    boolean present = engine.contains(key);
    read(key);
    return present;
  }

  /** Walks the engine's keys and this transaction's writes together, its writes winning. */
  @Override
  public EngineIterator iterator(IteratorOptions options) {
    checkOpen();
    byte[] prefix = options.prefix();
    byte[] end = Keydir.prefixEnd(prefix);
    NavigableMap<byte[], byte[]> selected = end == null ? writes.tailMap(prefix, true) : writes.subMap(prefix, true, end, false);
    return new MergedIterator(engine.iterator(options), options.reverse() ? selected.descendingMap() : selected, options.reverse());
  }

  public Transaction put(byte[] key, byte[] value) {
    checkOpen();
    engine.checkKey(key);
    engine.checkValue(key, value);
    return buffer(key, value.clone());
  }

  public Transaction delete(byte[] key) {
    checkOpen();
    engine.checkKey(key);
    return buffer(key, DELETED);
  }

  private Transaction buffer(byte[] key, byte[] value) {
    if (writes.size() >= engine.options().maxBatchSize() && !writes.containsKey(key)) {
      throw new LimitExceededException("transaction is full: at most " + engine.options().maxBatchSize() + " writes (maxBatchSize)");
    }
    byte[] copy = key.clone();
    byte[] replaced = writes.put(copy, value);
    if (openMarks > 0) {
      undo.add(new byte[][] {copy, replaced});
    }
    return this;
  }

  /**
   * Marks where the buffered writes stand, so that the writes after it can be taken back
   * ({@link #rollback}) while the earlier ones stay; {@link #release} keeps them instead. Marks nest.
   */
  public int mark() {
    checkOpen();
    openMarks++;
    return undo.size();
  }

  /** Takes back every write buffered since {@code mark} and closes it. */
  public void rollback(int mark) {
    checkOpen();
    for (int i = undo.size() - 1; i >= mark; i--) {
      byte[][] change = undo.get(i);
      if (change[1] == null) {
        writes.remove(change[0]);
      } else {
        writes.put(change[0], change[1]);
      }
    }
    undo.subList(mark, undo.size()).clear();
    release(mark);
  }

  /** Closes {@code mark}, keeping the writes since it. */
  public void release(int mark) {
    openMarks--;
    if (openMarks == 0) {
      undo.clear();
    }
  }

  /** How many keys this transaction writes (puts and deletes). */
  public int size() {
    return writes.size();
  }

  /**
   * Writes every buffered write as one atomic batch, if no key the transaction read has changed since its
   * snapshot. Under {@link SyncMode#ALWAYS} returns once they are durable. Returns the sequence number of
   * the batch, or -1 if it wrote nothing.
   *
   * @throws TransactionConflictException if a key it read was written after its snapshot; nothing is written
   */
  public long commit() throws IOException {
    checkOpen();
    done = true;
    try {
      return engine.commit(this);
    } finally {
      engine.endTransaction(this); // if the commit failed before it got to the log
    }
  }

  /** Drops the buffered writes. */
  public void discard() {
    if (!done) {
      done = true;
      engine.endTransaction(this);
    }
  }

  /** Tells the conflict tracker this transaction is closed, once; the caller holds the writer's lock. */
  void end(ConflictTracker conflicts) {
    if (!ended) {
      ended = true;
      conflicts.end(readSeq);
    }
  }

  /** Discards the transaction unless it committed. */
  @Override
  public void close() {
    discard();
  }

  /** Marks the transaction committed by a {@link WriteGroup} (which ends it in the tracker either way). */
  void committing() {
    checkOpen();
    done = true;
  }

  List<LogAppender.Op> ops() {
    List<LogAppender.Op> ops = new ArrayList<>(writes.size());
    for (Map.Entry<byte[], byte[]> e : writes.entrySet()) {
      ops.add(new LogAppender.Op(e.getKey(), e.getValue() == DELETED ? null : e.getValue()));
    }
    return ops;
  }

  /** Under the writer's lock, at commit: every key read must still be as the snapshot had it. */
  void verifyReads(ConflictTracker conflicts) throws TransactionConflictException {
    for (int i = 0; i < readCount; i++) {
      if (conflicts.changedSince(readSeq, reads[i])) {
        throw conflict();
      }
    }
  }

  /** Records a read from the engine and checks it saw the snapshot's value (writers record before they show). */
  private void read(byte[] key) throws TransactionConflictException {
    long fingerprint = ConflictTracker.fingerprint(key);
    if (readCount == reads.length) {
      reads = Arrays.copyOf(reads, readCount * 2);
    }
    reads[readCount++] = fingerprint;
    if (engine.conflicts().changedSince(readSeq, fingerprint)) {
      throw conflict();
    }
  }

  private TransactionConflictException conflict() {
    return new TransactionConflictException("a key this transaction read was written after its snapshot (sequence "
        + readSeq + "); nothing was written");
  }

  private void checkOpen() {
    if (done) {
      throw new IllegalStateException("this transaction has committed or been discarded");
    }
  }

  /** The engine's keys and the buffered writes in one order; a buffered write hides the engine's key. */
  private final class MergedIterator implements EngineIterator {
    private final EngineIterator base;
    private final NavigableMap<byte[], byte[]> pending;
    private final boolean reverse;
    private java.util.Iterator<Map.Entry<byte[], byte[]>> pendingEntries;
    private Map.Entry<byte[], byte[]> nextPending;
    private byte[] key;
    /** The buffered value of the current key, or null when it comes from the engine. */
    private byte[] pendingValue;

    MergedIterator(EngineIterator base, NavigableMap<byte[], byte[]> pending, boolean reverse) {
      this.base = base;
      this.pending = pending;
      this.reverse = reverse;
      pendingEntries = pending.entrySet().iterator();
      settle(true);
    }

    @Override
    public void seekToFirst() {
      base.seekToFirst();
      pendingEntries = pending.entrySet().iterator();
      settle(true);
    }

    @Override
    public void seek(byte[] target) {
      base.seek(target);
      pendingEntries = pending.tailMap(target, true).entrySet().iterator();
      settle(true);
    }

    @Override
    public boolean isValid() {
      return key != null;
    }

    @Override
    public void next() {
      if (key == null) {
        return;
      }
      if (pendingValue != null) {
        settle(true);
      } else {
        base.next();
        settle(false);
      }
    }

    /** Positions on the next key of either side; {@code advancePending} moves past the buffered key first. */
    private void settle(boolean advancePending) {
      if (advancePending) {
        nextPending = pendingEntries.hasNext() ? pendingEntries.next() : null;
      }
      while (true) {
        byte[] baseKey = base.isValid() ? base.key() : null;
        if (nextPending == null && baseKey == null) {
          key = null;
          pendingValue = null;
          return;
        }
        // < 0: the engine's key comes first in the walk; > 0: the buffered one; 0: the same key
        int order;
        if (nextPending == null) {
          order = -1;
        } else if (baseKey == null) {
          order = 1;
        } else {
          order = Arrays.compareUnsigned(baseKey, nextPending.getKey());
          if (reverse) {
            order = -order;
          }
        }
        if (order < 0) {
          key = baseKey;
          pendingValue = null;
          try {
            read(baseKey);
          } catch (TransactionConflictException e) {
            throw new ConflictDuringIteration(e);
          }
          return;
        }
        if (order == 0) {
          base.next(); // the buffered write hides the engine's record of the key
        }
        if (nextPending.getValue() != DELETED) {
          key = nextPending.getKey();
          pendingValue = nextPending.getValue();
          return;
        }
        nextPending = pendingEntries.hasNext() ? pendingEntries.next() : null;
      }
    }

    @Override
    public byte[] key() {
      if (key == null) {
        throw new java.util.NoSuchElementException("the iterator is not on a key");
      }
      return key.clone();
    }

    @Override
    public byte[] value() throws IOException {
      if (key == null) {
        throw new java.util.NoSuchElementException("the iterator is not on a key");
      }
      return pendingValue != null ? pendingValue.clone() : base.value();
    }

    @Override
    public void close() {
      base.close();
    }
  }

  /**
   * A conflict found while an iterator moved (its methods throw no checked exceptions); {@link Engine#update}
   * treats it as the {@link TransactionConflictException} it carries.
   */
  public static final class ConflictDuringIteration extends RuntimeException {
    ConflictDuringIteration(TransactionConflictException cause) {
      super(cause.getMessage(), cause);
    }

    @Override
    public synchronized TransactionConflictException getCause() {
      return (TransactionConflictException) super.getCause();
    }
  }
}
