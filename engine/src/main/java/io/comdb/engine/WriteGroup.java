package io.comdb.engine;

import java.io.IOException;

/**
 * Group commit: writes applied one after another, made durable together. Each write is applied (and
 * visible to readers) when its method returns; {@link #close} returns once all of them are as durable as
 * the sync mode promises, under {@link SyncMode#ALWAYS} after one fsync for the whole group. Nothing the
 * group wrote may be acknowledged to anyone before {@code close} returns.
 *
 * <p>This is the engine's one group-commit mechanism. A server's writer opens a group per drain of its
 * queue (see the verticles' {@code EngineVerticle}); the engine's own {@code put}, {@code delete} and
 * batch commits, called from many threads, form groups of whatever writes queued up together (see
 * {@link CommitQueue}). Used by one thread at a time. Get one from {@link Engine#beginGroup()}.
 */
public final class WriteGroup implements AutoCloseable {
  private final Engine engine;
  private long lastSeq = -1;
  private boolean closed;
  /** The changes applied, when asked for ({@link #recordChanges}); else null. */
  private java.util.List<Change> changes;
  /** Whether changes are being recorded now ({@link #pauseChanges}). */
  private boolean recording;

  WriteGroup(Engine engine) {
    this.engine = engine;
  }

  /** Stores {@code value} under {@code key}; returns the record's sequence number. */
  public long put(byte[] key, byte[] value) throws IOException {
    engine.checkKey(key);
    engine.checkValue(key, value);
    long seq = apply(() -> engine.appender().put(key, value));
    recorded(key, value);
    return seq;
  }

  /** Deletes {@code key}; returns the tombstone's sequence number, or -1 if the key had no value. */
  public long delete(byte[] key) throws IOException {
    engine.checkKey(key);
    long seq = apply(() -> engine.appender().delete(key));
    if (seq != -1) {
      recorded(key, null);
    }
    return seq;
  }

  /** Writes a batch atomically; returns its sequence number, or -1 if it changed nothing. */
  public long write(WriteBatch batch) throws IOException {
    engine.check(batch);
    java.util.List<LogAppender.Op> ops = batch.take();
    long seq = apply(() -> engine.appender().commit(ops, null));
    recorded(ops, seq);
    return seq;
  }

  /**
   * Commits a transaction of the same engine: see {@link Transaction#commit()}, but durable only once the
   * group closes.
   */
  public long commit(Transaction transaction) throws IOException {
    transaction.committing();
    try {
      long seq = apply(() -> engine.appender().commit(transaction.ops(), transaction));
      recorded(transaction.ops(), seq);
      return seq;
    } finally {
      engine.endTransaction(transaction); // if the commit failed before it got to the log
    }
  }

  /**
   * From now on, remembers every change the group applies, in order, for {@link #changes()}: a cluster's
   * writer replicates them.
   */
  public WriteGroup recordChanges() {
    if (changes == null) {
      changes = new java.util.ArrayList<>();
    }
    recording = true;
    return this;
  }

  /**
   * Stops recording until {@link #recordChanges()} is called again: what is written meanwhile is not to be
   * replicated (it came from another node).
   */
  public void pauseChanges() {
    recording = false;
  }

  /** The changes applied since {@link #recordChanges()}, oldest first (empty if not recording). */
  public java.util.List<Change> changes() {
    return changes == null ? java.util.List.of() : changes;
  }

  private void recorded(byte[] key, byte[] value) {
    if (recording) {
      changes.add(new Change(key, value));
    }
  }

  private void recorded(java.util.List<LogAppender.Op> ops, long seq) {
    if (recording && seq != -1) {
      for (LogAppender.Op op : ops) {
        changes.add(new Change(op.key(), op.value()));
      }
    }
  }

  /** The sequence number of the newest record this group wrote, or -1. */
  public long lastSequence() {
    return lastSeq;
  }

  long apply(CommitQueue.Operation operation) throws IOException {
    if (closed) {
      throw new IllegalStateException("this write group is closed");
    }
    long seq = operation.apply();
    lastSeq = Math.max(lastSeq, seq);
    return seq;
  }

  /**
   * Returns once every write of the group is as durable as the sync mode promises: under
   * {@link SyncMode#ALWAYS} fsync'd (one fsync, shared with any other group closing meanwhile); otherwise
   * at once.
   *
   * @throws IOException if the fsync failed: then none of the group's writes may be acknowledged
   */
  @Override
  public void close() throws IOException {
    engine.awaitDurable(end());
  }

  /**
   * Ends the group without waiting: returns the sequence number to pass to {@link Engine#awaitDurable}
   * before any of its writes is acknowledged (-1: it wrote nothing). A writer that pipelines, applying its
   * next group while another thread waits for this one's fsync, ends groups this way.
   */
  public long end() {
    closed = true;
    return lastSeq;
  }
}
