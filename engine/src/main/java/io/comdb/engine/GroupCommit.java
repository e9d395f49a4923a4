package io.comdb.engine;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes the log durable up to a sequence number, sharing fsyncs between callers. A caller that needs its
 * records durable waits here; if no fsync is running it becomes the leader: it notes how far the log is
 * written, fsyncs the active file outside the lock, and wakes everyone whose records that covered. Callers
 * arriving during an fsync are covered by the next one. (Writers under {@link SyncMode#ALWAYS} come here
 * when their {@link WriteGroup} closes.)
 *
 * <p>Records in files older than the active one are already durable: rotation fsyncs a file before the
 * next one becomes active. A failed fsync is final (the kernel may have dropped the dirty pages, so
 * retrying could report success for lost data): every later wait rethrows it.
 */
final class GroupCommit {
  /** What the leader fsyncs: how far the log is written, then the file that holds the newest records. */
  interface Log {
    long writtenSeq();

    DataFile active();
  }

  private final Log log;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition synced = lock.newCondition();
  private long durableSeq;
  private boolean syncing;
  private IOException failure;
  private long syncs;

  GroupCommit(Log log, long durableSeq) {
    this.log = log;
    this.durableSeq = durableSeq;
  }

  /** Returns once every record up to {@code seq} is on stable storage. */
  void awaitDurable(long seq) throws IOException {
    lock.lock();
    try {
      while (durableSeq < seq) {
        if (failure != null) {
          throw new IOException("an earlier fsync failed; the engine accepts no more writes", failure);
        }
        if (syncing) {
          synced.awaitUninterruptibly();
          continue;
        }
        syncing = true;
        // Order matters: the sequence first, then the file. If the file rotates in between, the records up
        // to target are in the sealed (already fsync'd) file or in the new one we are about to fsync.
        long target = log.writtenSeq();
        DataFile file = log.active();
        IOException error = null;
        lock.unlock();
        try {
          file.force();
        } catch (IOException e) {
          error = e;
        } finally {
          lock.lock();
        }
        syncing = false;
        syncs++;
        if (error != null) {
          failure = error;
        } else {
          durableSeq = Math.max(durableSeq, target);
        }
        synced.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The sequence number up to which every record is on stable storage. */
  long durableSeq() {
    lock.lock();
    try {
      return durableSeq;
    } finally {
      lock.unlock();
    }
  }

  /** Fsyncs everything written so far (background interval sync, explicit sync, close). */
  void syncAll() throws IOException {
    awaitDurable(log.writtenSeq());
  }

  long syncCount() {
    lock.lock();
    try {
      return syncs;
    } finally {
      lock.unlock();
    }
  }
}
