package io.comdb.verticles;

import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound of the writer's queue, shared by everything in this Vert.x instance that sends it commands:
 * how many commands are queued or being applied, not yet answered. A sender reserves room before it sends
 * (and answers "busy" at once when there is none, so a refused command is never half done); the writer
 * frees it once it has answered. Commands from Vert.x services reach the writer unreserved: it reserves
 * for them on arrival.
 */
final class WriterQueue implements Shareable {
  private final int max;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  WriterQueue(int max) {
    this.max = max;
  }

  /**
   * Reserves room for {@code commands}; false (counted as refused) if the queue would pass its bound. An
   * empty queue takes any number, so a pass larger than the bound is not refused forever.
   */
  boolean tryReserve(int commands) {
    while (true) {
      int now = queued.get();
      if (now > 0 && now + commands > max) {
        refused.addAndGet(commands);
        return false;
      }
      if (queued.compareAndSet(now, now + commands)) {
        return true;
      }
    }
  }

  void release(int commands) {
    queued.addAndGet(-commands);
  }

  int depth() {
    return queued.get();
  }

  int max() {
    return max;
  }

  long refused() {
    return refused.get();
  }
}
