package io.comdb.verticles.api;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Sequential writing and reading of message fields in a {@link Buffer}, for the wire form of the codecs. */
public final class Wire {
  private Wire() {}

  /** Appends fields to a buffer. */
  public static final class Writer {
    private final Buffer buffer;

    Writer(Buffer buffer) {
      this.buffer = buffer;
    }

    /** Length-prefixed bytes; null is length -1. */
    public Writer bytes(byte[] bytes) {
      if (bytes == null) {
        buffer.appendInt(-1);
      } else {
        buffer.appendInt(bytes.length).appendBytes(bytes);
      }
      return this;
    }

    public Writer string(String s) {
      return bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    public Writer integer(int i) {
      buffer.appendInt(i);
      return this;
    }

    public Writer number(long l) {
      buffer.appendLong(l);
      return this;
    }

    public Writer bool(boolean b) {
      buffer.appendByte(b ? (byte) 1 : 0);
      return this;
    }
  }

  /** Reads the fields back, in the order they were written. */
  public static final class Reader {
    private final Buffer buffer;
    private int position;

    Reader(Buffer buffer, int position) {
      this.buffer = buffer;
      this.position = position;
    }

    public byte[] bytes() {
      int length = integer();
      if (length < 0) {
        return null;
      }
      byte[] bytes = buffer.getBytes(position, position + length);
      position += length;
      return bytes;
    }

    public String string() {
      byte[] bytes = bytes();
      return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public int integer() {
      int i = buffer.getInt(position);
      position += Integer.BYTES;
      return i;
    }

    public long number() {
      long l = buffer.getLong(position);
      position += Long.BYTES;
      return l;
    }

    public boolean bool() {
      return buffer.getByte(position++) != 0;
    }
  }
}
