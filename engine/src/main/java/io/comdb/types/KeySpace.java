package io.comdb.types;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Where Redis data lives among the engine's keys. Every internal key starts with byte 0x00, a namespace
 * the key-value APIs refuse to their users; the next byte says what the record is.
 *
 * <pre>
 * metadata   00 01 db key                                   → {@link Meta}
 * sub-key    00 02 db len(key):4 key version:8 member        → field value / "" / score / element
 * by score   00 03 db len(key):4 key version:8 score:8 member → ""      (sorted sets)
 * </pre>
 *
 * Bytes 0x10 to 0x13 after the first belong to agent memory (module {@code search}, {@code MemoryKeys}).
 * {@code db} is the SELECT index (0..15). Fixed-width big-endian lengths and versions keep one key's
 * sub-keys contiguous and in member order; scores are stored order-preserving ({@link #sortableScore}).
 */
public final class KeySpace {
  /** The first byte of every internal key. */
  public static final byte RESERVED = 0x00;
  static final byte META = 0x01;
  static final byte SUB = 0x02;
  static final byte SCORE = 0x03;

  private KeySpace() {}

  /**
   * The Redis key a stored key belongs to (a metadata key, a sub-key or a score key), or null for a key of
   * another namespace: what a cluster places the stored key by.
   */
  public static byte[] redisKeyOf(byte[] stored) {
    if (stored.length < 3 || stored[0] != RESERVED) {
      return null;
    }
    if (stored[1] == META) {
      return userKey(stored);
    }
    if ((stored[1] == SUB || stored[1] == SCORE) && stored.length >= 7) {
      int length = ByteBuffer.wrap(stored, 3, 4).getInt();
      return length >= 0 && 7 + length <= stored.length ? Arrays.copyOfRange(stored, 7, 7 + length) : null;
    }
    return null;
  }

  /** Whether a key belongs to an internal namespace: the key-value APIs refuse such keys. */
  public static boolean isReserved(byte[] key) {
    return key.length > 0 && key[0] == RESERVED;
  }

  static byte[] metaKey(int db, byte[] key) {
    byte[] k = new byte[3 + key.length];
    k[0] = RESERVED;
    k[1] = META;
    k[2] = (byte) db;
    System.arraycopy(key, 0, k, 3, key.length);
    return k;
  }

  static byte[] metaPrefix(int db) {
    return new byte[] {RESERVED, META, (byte) db};
  }

  /** The user key of a metadata key. */
  static byte[] userKey(byte[] metaKey) {
    return Arrays.copyOfRange(metaKey, 3, metaKey.length);
  }

  static byte[] subPrefix(int db, byte[] key, long version) {
    return prefix(SUB, db, key, version, 0).array();
  }

  static byte[] subKey(int db, byte[] key, long version, byte[] member) {
    return prefix(SUB, db, key, version, member.length).put(member).array();
  }

  static byte[] scorePrefix(int db, byte[] key, long version) {
    return prefix(SCORE, db, key, version, 0).array();
  }

  static byte[] scoreKey(int db, byte[] key, long version, double score, byte[] member) {
    return prefix(SCORE, db, key, version, 8 + member.length).putLong(sortableScore(score)).put(member).array();
  }

  /** The member of a sub-key, given the length of its prefix. */
  static byte[] member(byte[] subKey, int prefixLength) {
    return Arrays.copyOfRange(subKey, prefixLength, subKey.length);
  }

  /** A double as a long whose unsigned byte order is the numeric order (-inf .. +inf). */
  static long sortableScore(double score) {
    long bits = Double.doubleToLongBits(score == 0.0 ? 0.0 : score); // -0.0 sorts as 0.0
    return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
  }

  static double scoreOf(long sortable) {
    long bits = sortable < 0 ? sortable ^ Long.MIN_VALUE : ~sortable;
    return Double.longBitsToDouble(bits);
  }

  private static ByteBuffer prefix(byte kind, int db, byte[] key, long version, int extra) {
    ByteBuffer b = ByteBuffer.allocate(3 + 4 + key.length + 8 + extra);
    return b.put(RESERVED).put(kind).put((byte) db).putInt(key.length).put(key).putLong(version);
  }
}
