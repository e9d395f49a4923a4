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

  WriteGroup(Engine engine) {
    this.engine = engine;
  }

  /** Stores {@code value} under {@code key}; returns the record's sequence number. */
  public long put(byte[] key, byte[] value) throws IOException {
    engine.checkKey(key);
    engine.checkValue(key, value);
    return apply(() -> engine.appender().put(key, value));
  }

  /** Deletes {@code key}; returns the tombstone's sequence number, or -1 if the key had no value. */
  public long delete(byte[] key) throws IOException {
    engine.checkKey(key);
    return apply(() -> engine.appender().delete(key));
  }

  /** Writes a batch atomically; returns its sequence number, or -1 if it changed nothing. */
  public long write(WriteBatch batch) throws IOException {
    engine.check(batch);
    java.util.List<LogAppender.Op> ops = batch.take();
    return apply(() -> engine.appender().commit(ops, null));
  }

  /**
   * Commits a transaction of the same engine: see {@link Transaction#commit()}, but durable only once the
   * group closes.
   */
  public long commit(Transaction transaction) throws IOException {
    transaction.committing();
    try {
      return apply(() -> engine.appender().commit(transaction.ops(), transaction));
    } finally {
      engine.endTransaction(transaction); // if the commit failed before it got to the log
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
