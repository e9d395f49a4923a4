package io.comdb.engine;

import java.io.IOException;

/**
 * What can be read by key: the engine ({@link ReadView}) or a {@link Transaction}, which also sees its own
 * writes. Lets code that only reads (the Redis types layer, memory spaces) run on either.
 */
public interface Reads {
  /** The value stored under {@code key}, or {@code null} if there is none. */
  byte[] get(byte[] key) throws IOException;

  /** Whether {@code key} has a value. */
  boolean contains(byte[] key) throws IOException;

  /** An iterator over the keys {@code options} selects, positioned on the first. */
  EngineIterator iterator(IteratorOptions options);
}
