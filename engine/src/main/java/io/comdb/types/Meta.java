package io.comdb.types;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The metadata record of a Redis key: its value under {@link KeySpace#metaKey}.
 *
 * <pre>
 * offset  size  field
 * 0       1     type code ({@link RedisType})
 * 1       8     version: sub-keys of other versions are dead
 * 9       8     expireAt, epoch milliseconds; 0 = no expiry
 * 17      8     size: fields, members or elements (collections); 0 for strings
 * 25      8     list head (lists only: index of the first element)
 * 25|33   ...   the value (strings), the stream's state (streams: {@link Streams.State})
 * </pre>
 *
 * Strings keep their value here, so a string is one record.
 */
record Meta(RedisType type, long version, long expireAt, long size, long head, byte[] value) {
  private static final int FIXED = 25;

  static Meta string(long version, long expireAt, byte[] value) {
    return new Meta(RedisType.STRING, version, expireAt, 0, 0, value);
  }

  static Meta collection(RedisType type, long version, long expireAt, long size) {
    return new Meta(type, version, expireAt, size, 0, null);
  }

  boolean expired(long now) {
    return expireAt != 0 && expireAt <= now;
  }

  Meta withSize(long size) {
    return new Meta(type, version, expireAt, size, head, value);
  }

  Meta withExpireAt(long expireAt) {
    return new Meta(type, version, expireAt, size, head, value);
  }

  Meta withHead(long head, long size) {
    return new Meta(type, version, expireAt, size, head, value);
  }

  byte[] encode() {
    boolean list = type == RedisType.LIST;
    int valueLength = value == null ? 0 : value.length;
    ByteBuffer b = ByteBuffer.allocate(FIXED + (list ? 8 : 0) + valueLength);
    b.put((byte) type.code()).putLong(version).putLong(expireAt).putLong(size);
    if (list) {
      b.putLong(head);
    }
    if (value != null) {
      b.put(value);
    }
    return b.array();
  }

  static Meta decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    RedisType type = RedisType.of(b.get());
    long version = b.getLong();
    long expireAt = b.getLong();
    long size = b.getLong();
    long head = type == RedisType.LIST ? b.getLong() : 0;
    byte[] value = type == RedisType.STRING || type == RedisType.STREAM ? Arrays.copyOfRange(bytes, FIXED, bytes.length) : null;
    return new Meta(type, version, expireAt, size, head, value);
  }

  /** Reads only the expiry, for the expiry index at start-up. */
  static long expireAtOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 9, 8).getLong();
  }
}
