package io.comdb.engine;

/**
 * A division of the keyspace into numbered groups, each of which the engine can walk on its own
 * ({@link ReadView#groupIterator}) at a cost that depends on that group's keys, not on every key held:
 * a cluster node's slots, streamed to another node or dropped when it gives them up.
 *
 * <p>The engine keeps, besides the keydir, each group's keys in an ordered index of their own, filled at
 * open and changed when a key is added or removed (overwriting a key does not touch it). That costs about
 * 30 bytes per key and a second index update per insert or delete, so an engine opened without groups
 * pays nothing.
 */
public interface KeyGroups {
  /** How many groups there are: {@link #of} answers from 0 to one less. */
  int count();

  /** The group of {@code key}. It must depend on the key's bytes alone, and never change. */
  int of(byte[] key);
}
