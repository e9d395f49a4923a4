package io.comdb.engine;

/** Which in-memory index (keydir) the engine keeps. */
public enum IndexKind {
  /**
   * A B+tree in unsigned key order: ordered and prefix iteration walk it directly. See
   * docs/benchmarks.md for its heap cost per key.
   */
  ORDERED,
  /**
   * An open-addressing hash table over two arrays: about half the heap of {@link #ORDERED} and faster point
   * lookups, but every iterator first sorts a snapshot of the matching keys.
   */
  HASH
}
