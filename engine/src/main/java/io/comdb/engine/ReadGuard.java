package io.comdb.engine;

import java.lang.ref.WeakReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells when no reader can still be inside a data file that a merge took out of the file set, so that its
 * mapping can be released (touching an unmapped page crashes the JVM). Epoch-based reclamation: a reader
 * publishes the global epoch in its thread's slot before it looks at the file set and clears it after; the
 * reclaimer takes the files out, advances the epoch, and waits until every slot is clear or newer.
 *
 * <p>Why that is enough: the reader's slot store and its file-set load, and the reclaimer's file-set store
 * and its slot loads, are volatile, so one of the two sees the other's store. Either the reclaimer sees the
 * reader's slot and waits for it, or the reader sees the file set without the retired files.
 */
final class ReadGuard {
  /** One per reader thread. Padded so that two threads' slots do not share a cache line. */
  static final class Slot {
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private volatile long epoch;
    private int depth;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    private final WeakReference<Thread> owner = new WeakReference<>(Thread.currentThread());
  }

  private final AtomicLong epoch = new AtomicLong(1);
  private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Slot> local = ThreadLocal.withInitial(this::register);

  private Slot register() {
    Slot slot = new Slot();
    slots.add(slot);
    return slot;
  }

  /** Marks the calling thread as reading; pair with {@link #exit}. Re-entrant. */
  Slot enter() {
    Slot slot = local.get();
    if (slot.depth++ == 0) {
      slot.epoch = epoch.get();
    }
    return slot;
  }

  void exit(Slot slot) {
    if (--slot.depth == 0) {
      slot.epoch = 0;
    }
  }

  /**
   * Returns once every read that could have seen the file set as it was before this call has finished.
   * The caller must have published the new file set first.
   */
  void awaitReaders() {
    long now = epoch.incrementAndGet();
    for (Slot slot : slots) {
      Thread owner = slot.owner.get();
      if (owner == null || !owner.isAlive()) {
        slots.remove(slot);
        continue;
      }
      if (owner == Thread.currentThread()) {
        continue; // the caller's own reads are behind it
      }
      for (int spins = 0; ; spins++) {
        long e = slot.epoch;
        if (e == 0 || e >= now) {
          break;
        }
        if (spins < 100) {
          Thread.onSpinWait();
        } else {
          LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
      }
    }
  }
}
