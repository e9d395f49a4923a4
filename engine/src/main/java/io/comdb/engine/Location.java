package io.comdb.engine;

/**
 * Where a key's newest record is: a file id and the record's offset in that file, packed into one
 * {@code long} so that the keydir costs one primitive per key instead of an object per key (the engine
 * keeps every key in memory, so this is what bounds how many keys fit).
 *
 * <pre>
 * bits 63..32  file id
 * bit  31      tombstone marker (only during recovery, see {@link Recovery})
 * bits 30..0   record offset (data files are at most 1 GiB)
 * </pre>
 */
final class Location {
  /** No location: the key is absent. */
  static final long NONE = -1L;
  private static final long TOMBSTONE_BIT = 1L << 31;
  private static final long OFFSET_MASK = TOMBSTONE_BIT - 1;

  private Location() {}

  static long of(int fileId, long offset) {
    return ((long) fileId << 32) | offset;
  }

  static long tombstone(int fileId, long offset) {
    return of(fileId, offset) | TOMBSTONE_BIT;
  }

  static int fileId(long location) {
    return (int) (location >>> 32);
  }

  static int offset(long location) {
    return (int) (location & OFFSET_MASK);
  }

  static boolean isTombstone(long location) {
    return location != NONE && (location & TOMBSTONE_BIT) != 0;
  }

  static String toString(long location) {
    return location == NONE ? "none" : fileId(location) + "@" + offset(location) + (isTombstone(location) ? "(deleted)" : "");
  }
}
