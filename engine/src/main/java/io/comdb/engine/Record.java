package io.comdb.engine;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One log record: the unit appended to a data file. Encoding and decoding live here, next to the
 * layout they implement.
 *
 * <pre>
 * field       size   notes
 * crc         4      CRC32C over every byte after it (type .. value), big-endian
 * type        1      {@link RecordType} code
 * seq         1-10   varint: the engine-wide sequence number; newer writes have larger numbers
 * key length  1-5    varint
 * value length 1-5   varint
 * key         k
 * value       v
 * </pre>
 *
 * <p>A decoded record is a view: {@code keyOffset} and {@code valueOffset} are absolute positions in the
 * buffer it was decoded from.
 */
record Record(RecordType type, long seq, int offset, int keyOffset, int keyLength, int valueLength) {
  static final int CRC_SIZE = 4;
  static final int MAX_HEADER_SIZE = CRC_SIZE + 1 + Varint.MAX_LONG_BYTES + 2 * Varint.MAX_INT_BYTES;

  int valueOffset() {
    return keyOffset + keyLength;
  }

  int end() {
    return valueOffset() + valueLength;
  }

  int size() {
    return end() - offset;
  }

  static int encodedSize(long seq, int keyLength, int valueLength) {
    return CRC_SIZE + 1 + Varint.size(seq) + Varint.size(keyLength) + Varint.size(valueLength) + keyLength + valueLength;
  }

  /** Appends the record at {@code dst}'s position; {@code dst} must have room for {@link #encodedSize}. */
  static void encode(ByteBuffer dst, RecordType type, long seq, byte[] key, byte[] value) {
    int start = dst.position();
    dst.position(start + CRC_SIZE);
    dst.put(type.code);
    Varint.put(dst, seq);
    Varint.put(dst, key.length);
    Varint.put(dst, value.length);
    dst.put(key);
    dst.put(value);
    int end = dst.position();
    // The checksum reads the record through dst itself, its limit narrowed for the moment: no duplicate
    // buffer per record on the write path.
    int limit = dst.limit();
    CRC32C crc = new CRC32C();
    crc.update(dst.limit(end).position(start + CRC_SIZE));
    dst.limit(limit).position(end);
    dst.putInt(start, (int) crc.getValue());
  }

  /** The outcome of decoding the bytes at an offset. */
  enum Status {
    OK,
    /** The header or body runs past the end of the readable bytes. */
    TRUNCATED,
    /** The type byte is zero and so, presumably, is the rest: the end of what was written. */
    ZERO,
    /** Unknown type, malformed varint, or checksum mismatch. */
    CORRUPT
  }

  /** Decodes without throwing; on anything but {@link Status#OK} {@code record} is null. */
  record Decoded(Status status, Record record, String problem) {}

  /**
   * Decodes and verifies the record starting at {@code offset}, reading no byte at or past {@code limit}.
   * Absolute reads only, so a buffer shared between threads is safe to pass.
   */
  static Decoded decode(ByteBuffer src, int offset, int limit) {
    if (limit - offset < CRC_SIZE + 4) {
      return new Decoded(Status.TRUNCATED, null, "header runs past the end");
    }
    int typeCode = src.get(offset + CRC_SIZE);
    if (typeCode == 0 && src.getInt(offset) == 0) {
      return new Decoded(Status.ZERO, null, "zero bytes");
    }
    RecordType type = RecordType.of(typeCode);
    if (type == null) {
      return new Decoded(Status.CORRUPT, null, "unknown record type " + typeCode);
    }
    long seq;
    long keyLength;
    long valueLength;
    int p = offset + CRC_SIZE + 1;
    try {
      seq = Varint.get(src, p, limit, Varint.MAX_LONG_BYTES);
      p += Varint.size(seq);
      keyLength = Varint.get(src, p, limit, Varint.MAX_INT_BYTES);
      p += Varint.size(keyLength);
      valueLength = Varint.get(src, p, limit, Varint.MAX_INT_BYTES);
      p += Varint.size(valueLength);
    } catch (IllegalArgumentException e) {
      boolean pastEnd = e.getMessage().contains("past the end");
      return new Decoded(pastEnd ? Status.TRUNCATED : Status.CORRUPT, null, e.getMessage());
    }
    long end = p + keyLength + valueLength;
    if (keyLength > Integer.MAX_VALUE || valueLength > Integer.MAX_VALUE || end > limit) {
      // A torn write and a corrupted length look alike here; the checksum cannot be checked.
      return new Decoded(Status.TRUNCATED, null, "record of " + (end - offset) + " bytes runs past the end");
    }
    CRC32C crc = new CRC32C();
    crc.update(src.duplicate().position(offset + CRC_SIZE).limit((int) end));
    if ((int) crc.getValue() != src.getInt(offset)) {
      return new Decoded(Status.CORRUPT, null, "checksum mismatch");
    }
    return new Decoded(Status.OK, new Record(type, seq, offset, p, (int) keyLength, (int) valueLength), null);
  }

  byte[] key(ByteBuffer src) {
    byte[] key = new byte[keyLength];
    src.get(keyOffset, key);
    return key;
  }

  byte[] value(ByteBuffer src) {
    byte[] value = new byte[valueLength];
    src.get(valueOffset(), value);
    return value;
  }

  /** Reads the varint stored as this record's value (tombstones and batch commits). */
  long varintValue(ByteBuffer src) {
    return valueLength == 0 ? 0 : Varint.get(src, valueOffset(), end(), Varint.MAX_LONG_BYTES);
  }

  static byte[] varintBytes(long value) {
    ByteBuffer b = ByteBuffer.allocate(Varint.size(value));
    Varint.put(b, value);
    return b.array();
  }
}
