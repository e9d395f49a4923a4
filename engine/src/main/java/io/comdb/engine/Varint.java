package io.comdb.engine;

import java.nio.ByteBuffer;

/** Unsigned LEB128 varints, as used in record and hint-file headers. */
final class Varint {
  static final int MAX_LONG_BYTES = 10;
  static final int MAX_INT_BYTES = 5;

  private Varint() {}

  static int size(long value) {
    int n = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  static void put(ByteBuffer dst, long value) {
    while ((value & ~0x7FL) != 0) {
      dst.put((byte) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    dst.put((byte) value);
  }

  /**
   * Decodes the varint at {@code index} of {@code src} (absolute, the buffer's position is left alone).
   * Returns the value; its encoded length is {@link #size(long)} of it, unless the encoding was padded,
   * which {@link #put} never does and which readers therefore treat as corruption.
   *
   * @throws IllegalArgumentException if the varint runs past {@code limit} or over {@code maxBytes}
   */
  static long get(ByteBuffer src, int index, int limit, int maxBytes) {
    long value = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (index + i >= limit) {
        throw new IllegalArgumentException("varint runs past the end");
      }
      byte b = src.get(index + i);
      value |= (long) (b & 0x7F) << (7 * i);
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("varint longer than " + maxBytes + " bytes");
  }
}
