package io.comdb.engine;

import java.io.IOException;

/**
 * Walks keys in order (see {@link IteratorOptions}), reading each value when asked. Positioned on the
 * first key when created. Weakly consistent, like the keydir under it: it sees some writes made while it
 * is open, never a key twice, and never a value that was not current at some moment while it was open.
 * Not thread-safe; close it when done (it holds no file open, so a forgotten one costs nothing but memory).
 *
 * <pre>{@code
 * try (EngineIterator it = engine.iterator(IteratorOptions.prefix(p))) {
 *   for (; it.isValid(); it.next()) {
 *     use(it.key(), it.value());
 *   }
 * }
 * }</pre>
 */
public interface EngineIterator extends AutoCloseable {
  /** Goes back to the first key (the last, when reversed). */
  void seekToFirst();

  /** Goes to the first key at or after {@code key} (at or before it, when reversed). */
  void seek(byte[] key);

  boolean isValid();

  void next();

  /** The current key; only while {@link #isValid()}. */
  byte[] key();

  /**
   * The current key's value, or null if the key was deleted after the iterator reached it and a merge
   * has since dropped the record.
   */
  byte[] value() throws IOException;

  @Override
  void close();
}
