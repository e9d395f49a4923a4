package io.comdb.search;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The spaces held open, at most {@code capacity} of them, least recently used closed first: a space that is
 * not used costs no heap. A request {@link #lease leases} its space for as long as it uses it; a space is
 * closed only once no lease holds it. Opening a space whose index must catch up runs on a thread of its
 * own: a request waits for it up to {@code openWait}, then gets {@link IndexRebuildingException} while the
 * catching up goes on.
 *
 * <p>Every {@code checkpointEvery}, and when a space closes, each open space's changed heat is stored and
 * its index committed, so that a restart replays only what came after.
 */
final class OpenSpaces implements Closeable {
  private static final System.Logger LOG = System.getLogger(OpenSpaces.class.getName());

  /** Stores what a space holds in memory only: its heat, its index's changes. */
  @FunctionalInterface
  interface Checkpoint {
    void store(Space space) throws IOException;
  }

  /** A space in use; closing the lease lets the space close. */
  final class Lease implements AutoCloseable {
    private final Entry entry;
    private final Space space;
    private boolean closed;

    private Lease(Entry entry, Space space) {
      this.entry = entry;
      this.space = space;
    }

    Space space() {
      return space;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      boolean last;
      synchronized (OpenSpaces.this) {
        if (space.suspect && !entry.evicted) {
          entries.values().remove(entry); // its index may miss a write: the next use reopens it and catches up
          entry.evicted = true;
        }
        last = --entry.leases == 0 && entry.evicted;
      }
      if (last) {
        shutLater(space);
      }
    }
  }

  private static final class Entry {
    final CompletableFuture<Space> space;
    int leases;
    boolean evicted;

    Entry(CompletableFuture<Space> space) {
      this.space = space;
    }
  }

  private final SpaceOpener opener;
  private final int capacity;
  private final long openWaitMs;
  private final Checkpoint checkpoint;
  /** Guarded by this; in order of use, least recent first. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final ExecutorService opening;
  /** Runs the periodic checkpoints and the closing of evicted spaces, one at a time. */
  private final ScheduledExecutorService checkpoints;
  /** Spaces closing in the background, by agent: opening one again waits for its close. */
  private final Map<String, CompletableFuture<Void>> closing = new java.util.concurrent.ConcurrentHashMap<>();

  OpenSpaces(SpaceOpener opener, int capacity, Duration openWait, Duration checkpointEvery, Checkpoint checkpoint) {
    this.opener = opener;
    this.capacity = capacity;
    this.openWaitMs = openWait.toMillis();
    this.checkpoint = checkpoint;
    this.opening = Executors.newFixedThreadPool(2, daemon("comdb-memory-index"));
    this.checkpoints = Executors.newSingleThreadScheduledExecutor(daemon("comdb-memory-checkpoint"));
    long every = checkpointEvery.toMillis();
    checkpoints.scheduleWithFixedDelay(this::checkpointAll, every, every, TimeUnit.MILLISECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The agent's space, opened if it is not.
   *
   * @throws NotFoundException if the agent has no space
   * @throws IndexRebuildingException if its index is still catching up after the wait
   */
  Lease lease(String agentId) throws IOException {
    while (true) {
      Entry entry;
      synchronized (this) {
        entry = entries.get(agentId);
        if (entry == null) {
          CompletableFuture<Void> closed = closing.getOrDefault(agentId, CompletableFuture.completedFuture(null));
          entry = new Entry(closed.thenApplyAsync(v -> {
            try {
              return opener.open(agentId);
            } catch (IOException e) {
              throw new CompletionException(e);
            }
          }, opening));
          entries.put(agentId, entry);
        }
      }
      Space space = await(agentId, entry);
      synchronized (this) {
        if (entry.evicted) {
          continue; // closed meanwhile: open it again
        }
        entry.leases++;
      }
      evictBeyondCapacity();
      return new Lease(entry, space);
    }
  }

  private Space await(String agentId, Entry entry) throws IOException {
    try {
      return entry.space.get(openWaitMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IndexRebuildingException(agentId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening the memory space of agent '" + agentId + "'", e);
    } catch (ExecutionException e) {
      synchronized (this) {
        entries.remove(agentId, entry);
      }
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("cannot open the memory space of agent '" + agentId + "'", cause);
    }
  }

  /**
   * Forgets the agent's open space, if any, waiting for an open in progress. A space {@code deleted} is
   * closed at once, without storing anything (a search still running on it fails as on a deleted space);
   * another is closed once no lease holds it, its state stored: its records changed without this service
   * (a cluster's copies), and the next use opens it again and catches up.
   */
  void forget(String agentId, boolean deleted) {
    Entry entry;
    synchronized (this) {
      entry = entries.remove(agentId);
      if (entry == null) {
        return;
      }
      entry.evicted = true;
    }
    Space space;
    try {
      space = entry.space.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return;
    }
    boolean idle;
    synchronized (this) {
      idle = entry.leases == 0;
    }
    if (deleted) {
      space.deleted = true;
      shut(space);
    } else if (idle) {
      shutLater(space);
    }
  }

  /** Closes the least recently used spaces beyond the capacity that are open and not being opened. */
  private void evictBeyondCapacity() {
    List<Space> idle = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
      int excess = entries.size() - capacity;
      while (excess > 0 && it.hasNext()) {
        Entry entry = it.next().getValue();
        if (!entry.space.isDone() || entry.space.isCompletedExceptionally()) {
          continue;
        }
        it.remove();
        excess--;
        entry.evicted = true;
        if (entry.leases == 0) {
          idle.add(entry.space.join());
        }
      }
    }
    idle.forEach(this::shutLater);
  }

  /** Closes a space on the checkpoint thread, so that the request that evicted it does not wait. */
  private void shutLater(Space space) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    closing.put(space.agentId, done);
    try {
      checkpoints.execute(() -> {
        try {
          shut(space);
        } finally {
          closing.remove(space.agentId, done);
          done.complete(null);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      shut(space); // closing down: close() waits for nothing more
      closing.remove(space.agentId, done);
      done.complete(null);
    }
  }

  /** Stores a space's state and closes its index. */
  private void shut(Space space) {
    store(space);
    try {
      space.index.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "memory index of agent ''{0}'' did not close cleanly: {1}", space.agentId, e.toString());
    }
  }

  /** The spaces open now. */
  List<Space> open() {
    List<Space> open = new ArrayList<>();
    synchronized (this) {
      for (Entry entry : entries.values()) {
        if (entry.space.isDone() && !entry.space.isCompletedExceptionally()) {
          open.add(entry.space.join());
        }
      }
    }
    return open;
  }

  /** Stores the state of every open space. */
  void checkpointAll() {
    open().forEach(this::store);
  }

  /** Stores a space's state unless it was deleted; a failure is logged, and the next open catches up. */
  private void store(Space space) {
    try {
      if (!space.deleted) {
        checkpoint.store(space);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memory space of agent ''{0}'': checkpoint failed; the next open catches up: {1}",
          space.agentId, e.toString());
    }
  }

  int openCount() {
    return open().size();
  }

  /** Stores and closes every open space; waits for opens in progress. */
  @Override
  public void close() {
    checkpoints.shutdown(); // the spaces queued to close close first
    try {
      checkpoints.awaitTermination(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    opening.shutdown();
    List<Entry> all;
    synchronized (this) {
      all = new ArrayList<>(entries.values());
      entries.clear();
      all.forEach(e -> e.evicted = true);
    }
    for (Entry entry : all) {
      try {
        shut(entry.space.join());
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        // it never opened
      }
    }
  }
}
