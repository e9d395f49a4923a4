package io.comdb.engine;

/** Which in-memory index (keydir) the engine keeps. */
public enum IndexKind {
  /**
   * A concurrent skip list in unsigned key order: ordered and prefix iteration walk it directly. About
   * 64 heap bytes per key beyond the key's own bytes.
   */
  ORDERED,
  /**
   * An open-addressing hash table over two arrays: about half the heap of {@link #ORDERED} and faster point
   * lookups, but every iterator first sorts a snapshot of the matching keys.
   */
  HASH
}
