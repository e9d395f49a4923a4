package io.comdb.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How the engine's own write methods, called from many threads under {@link SyncMode#ALWAYS}, form
 * {@link WriteGroup}s: a writer queues its operation and parks; one writer at a time takes the combiner
 * role, applies every queued operation in one group, closes it (one fsync for all of them), and unparks
 * their writers with the results. Each write then costs one park and one unpark, not a convoy of lock
 * handoffs, and the fsync covers everyone who queued while the previous one ran (with 50 writers, most of
 * them). A server's single writer needs none of this: it opens its groups itself.
 *
 * <p>An operation that fails (bad batch, I/O error) fails alone; a failed fsync fails every operation of
 * the round, and every later one (see {@link GroupCommit}).
 */
final class CommitQueue {
  /** An operation to apply under the write lock; returns the sequence number to make durable, or -1. */
  interface Operation {
    long apply() throws IOException;
  }

  private static final class Pending {
    final Operation operation;
    final Thread waiter = Thread.currentThread();
    long result;
    Exception failure;
    volatile boolean done;

    Pending(Operation operation) {
      this.operation = operation;
    }
  }

  /** A safety net against a lost unpark: waiters look again this often. */
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock combiner = new ReentrantLock();
  private final Engine engine;

  CommitQueue(Engine engine) {
    this.engine = engine;
  }

  /** Applies {@code operation} and returns once it is durable; returns what the operation returned. */
  long submit(Operation operation) throws IOException {
    Pending mine = new Pending(operation);
    queue.add(mine);
    while (!mine.done) {
      if (combiner.tryLock()) {
        try {
          while (!mine.done) {
            combine();
          }
        } finally {
          combiner.unlock();
        }
        // Whoever queued after our last drain needs a combiner: wake one of them.
        Pending next = queue.peek();
        if (next != null) {
          LockSupport.unpark(next.waiter);
        }
      } else {
        LockSupport.parkNanos(this, PARK_NANOS);
      }
    }
    if (mine.failure instanceof IOException e) {
      throw e;
    }
    if (mine.failure instanceof RuntimeException e) {
      throw e;
    }
    return mine.result;
  }

  private void combine() {
    List<Pending> round = new ArrayList<>();
    for (Pending p; (p = queue.poll()) != null; ) {
      round.add(p);
    }
    WriteGroup group = engine.beginGroup();
    for (Pending p : round) {
      try {
        p.result = group.apply(p.operation);
      } catch (IOException | RuntimeException e) {
        p.failure = e;
      }
    }
    try {
      group.close();
    } catch (IOException e) {
      for (Pending p : round) {
        if (p.failure == null) {
          p.failure = e;
        }
      }
    }
    Thread self = Thread.currentThread();
    for (Pending p : round) {
      p.done = true;
      if (p.waiter != self) {
        LockSupport.unpark(p.waiter);
      }
    }
  }
}
