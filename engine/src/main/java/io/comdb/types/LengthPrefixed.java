package io.comdb.types;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 varints and byte strings each preceded by its length as one: the bodies of DUMP
 * payloads ({@link DumpPayload}) and of stream entries ({@link Streams}).
 */
final class LengthPrefixed {
  private LengthPrefixed() {}

  static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  static void writeBytes(ByteArrayOutputStream out, byte[] b) {
    writeVarint(out, b.length);
    out.writeBytes(b);
  }

  /**
   * @throws BufferUnderflowException if the input ends inside the varint
   * @throws IllegalArgumentException if it runs past 9 bytes (63 bits)
   */
  static long readVarint(ByteBuffer in) {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("a varint longer than 9 bytes");
  }

  /** @throws BufferUnderflowException if the length runs past the input (nothing is allocated for it) */
  static byte[] readBytes(ByteBuffer in) {
    long length = readVarint(in);
    if (length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] b = new byte[(int) length];
    in.get(b);
    return b;
  }
}
