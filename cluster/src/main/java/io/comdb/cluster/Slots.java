package io.comdb.cluster;

/**
 * Redis Cluster's key slots: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384. The hash tag is
 * what lies between the first {@code '{'} and the first {@code '}'} after it, when that is not empty; so
 * {@code {user1}.name} and {@code {user1}.mail} share a slot.
 */
public final class Slots {
  /** The number of slots. */
  public static final int COUNT = 16384;

  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = crc & 0xffff;
    }
  }

  private Slots() {}

  /** The slot of {@code key}, as Redis Cluster's {@code CLUSTER KEYSLOT} answers it. */
  public static int of(byte[] key) {
    int from = 0;
    int to = key.length;
    int open = indexOf(key, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(key, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    return crc16(key, from, to) & (COUNT - 1);
  }

  /** CRC16-CCITT (XMODEM) of {@code bytes[from, to)}. */
  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
    }
    return crc;
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
