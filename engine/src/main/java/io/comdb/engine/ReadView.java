package io.comdb.engine;

import java.io.IOException;

/**
 * The read-only face of an {@link Engine}: what a server hands to everything but its one writer, so that a
 * write that bypasses the writer does not compile. Thread-safe; reads run in parallel with the writer.
 * Get one from {@link Engine#readView()}.
 */
public interface ReadView extends Reads {
  /** Reads that must agree with each other: see {@link #atomically}. */
  @FunctionalInterface
  interface ReadAction<T> {
    T read() throws IOException;
  }

  /** Whether {@code key} has a value; answered from memory. */
  @Override
  boolean contains(byte[] key);

  /**
   * {@code key}'s value and its version (the sequence number of the record that holds it), read together,
   * or null if the key has none. Compare-and-set callers compare the version.
   */
  Versioned versioned(byte[] key) throws IOException;

  /**
   * Runs reads of several keys so that they see no write half done: every single write and every batch is
   * seen whole or not at all, as if no write ran meanwhile. Optimistic: the reads run again if a write
   * became visible while they ran, and after two such tries under a read lock that holds writes back.
   * {@code read} may therefore run more than once and must have no other effect; calls do not nest.
   */
  <T> T atomically(ReadAction<T> read) throws IOException;

  /**
   * An iterator over the keys of one of {@link EngineOptions#keyGroups()}: see {@link Engine#groupIterator}.
   */
  EngineIterator groupIterator(int group);

  EngineStats stats();

  EngineOptions options();
}
