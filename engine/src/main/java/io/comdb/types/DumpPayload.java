package io.comdb.types;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The value DUMP answers and RESTORE takes: ComDB's own format, not Redis's RDB (docs/format.md).
 *
 * <pre>
 * offset   size  field
 * 0        2     magic 0xCD 0xDB
 * 2        1     format version (1)
 * 3        1     type code ({@link RedisType})
 * 4        ...   body, by type:
 *                  string  the value's bytes, to the CRC
 *                  hash    count, then field and value of each entry
 *                  set     count, then each member
 *                  list    count, then each element, head first
 *                  zset    count, then each member and its score (8 bytes, IEEE 754 big-endian)
 *                  stream  its state ({@link Streams.State}), count, then the member and value of each
 *                          sub-key (entries, groups, consumers, pending entries: {@link Streams})
 *                counts and lengths are unsigned LEB128 varints, each byte string preceded by its length
 * end - 4  4     CRC32C of everything before it, big-endian
 * </pre>
 *
 * A collection's entries are the sub-keys it is stored as ({@link KeySpace}): member and value.
 */
final class DumpPayload {
  private static final int MAGIC = 0xCDDB;
  private static final int VERSION = 1;
  private static final int HEADER = 4;
  private static final int CRC = 4;
  private static final byte[] EMPTY = new byte[0];

  private DumpPayload() {}

  /** A key's contents: a string's value, or a collection's entries (member and sub-key value) in stored order. */
  record Contents(RedisType type, byte[] value, List<byte[][]> entries) {}

  /** The payload is not one this version wrote: wrong magic, version or checksum. */
  static final class WrongVersionOrChecksum extends Exception {
    WrongVersionOrChecksum() {
      super(null, null, false, false);
    }
  }

  /** The payload's checksum holds but its body does not parse. */
  static final class BadFormat extends Exception {
    BadFormat() {
      super(null, null, false, false);
    }
  }

  static byte[] encode(Contents contents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(MAGIC >>> 8);
    out.write(MAGIC & 0xff);
    out.write(VERSION);
    out.write(contents.type().code());
    if (contents.type() == RedisType.STRING) {
      out.writeBytes(contents.value());
    } else if (contents.type() == RedisType.STREAM) {
      LengthPrefixed.writeBytes(out, contents.value());
      LengthPrefixed.writeVarint(out, contents.entries().size());
      for (byte[][] e : contents.entries()) {
        LengthPrefixed.writeBytes(out, e[0]);
        LengthPrefixed.writeBytes(out, e[1]);
      }
    } else {
      LengthPrefixed.writeVarint(out, contents.entries().size());
      for (byte[][] e : contents.entries()) {
        switch (contents.type()) {
          case HASH -> {
            LengthPrefixed.writeBytes(out, e[0]);
            LengthPrefixed.writeBytes(out, e[1]);
          }
          case SET -> LengthPrefixed.writeBytes(out, e[0]);
          case LIST -> LengthPrefixed.writeBytes(out, e[1]);
          default -> { // ZSET: the sub-key's value is the 8-byte score
            LengthPrefixed.writeBytes(out, e[0]);
            out.writeBytes(e[1]);
          }
        }
      }
    }
    CRC32C crc = new CRC32C();
    byte[] body = out.toByteArray();
    crc.update(body);
    return ByteBuffer.allocate(body.length + CRC).put(body).putInt((int) crc.getValue()).array();
  }

  static Contents decode(byte[] payload) throws WrongVersionOrChecksum, BadFormat {
    if (payload.length < HEADER + CRC || ((payload[0] & 0xff) << 8 | payload[1] & 0xff) != MAGIC || payload[2] != VERSION) {
      throw new WrongVersionOrChecksum();
    }
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, payload.length - CRC);
    if ((int) crc.getValue() != ByteBuffer.wrap(payload, payload.length - CRC, CRC).getInt()) {
      throw new WrongVersionOrChecksum();
    }
    RedisType type;
    try {
      type = RedisType.of(payload[3]);
    } catch (IllegalArgumentException e) {
      throw new BadFormat();
    }
    ByteBuffer in = ByteBuffer.wrap(payload, HEADER, payload.length - HEADER - CRC);
    if (type == RedisType.STRING) {
      byte[] value = new byte[in.remaining()];
      in.get(value);
      return new Contents(type, value, List.of());
    }
    if (type == RedisType.STREAM) {
      return stream(in);
    }
    long count = varint(in);
    if (count > in.remaining()) { // every entry takes at least one byte: a count beyond that is a lie
      throw new BadFormat();
    }
    List<byte[][]> entries = new ArrayList<>((int) count);
    java.util.Set<ByteBuffer> members = new java.util.HashSet<>();
    for (long i = 0; i < count; i++) {
      entries.add(switch (type) {
        case HASH -> new byte[][] {bytes(in), bytes(in)};
        case SET -> new byte[][] {bytes(in), EMPTY};
        case LIST -> new byte[][] {ListCommands.index(i), bytes(in)};
        default -> {
          byte[] member = bytes(in);
          if (in.remaining() < 8) {
            throw new BadFormat();
          }
          byte[] score = new byte[8];
          in.get(score);
          if (Double.isNaN(ByteBuffer.wrap(score).getDouble())) {
            throw new BadFormat();
          }
          yield new byte[][] {member, score};
        }
      });
      if (!members.add(ByteBuffer.wrap(entries.get(entries.size() - 1)[0]))) {
        throw new BadFormat(); // a member twice
      }
    }
    if (in.hasRemaining() || entries.isEmpty()) {
      throw new BadFormat(); // trailing bytes, or an empty collection (Redis has none)
    }
    return new Contents(type, null, entries);
  }

  private static Contents stream(ByteBuffer in) throws BadFormat {
    byte[] state = bytes(in);
    long count = varint(in);
    if (state.length != 40 || count > in.remaining()) {
      throw new BadFormat();
    }
    List<byte[][]> subs = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      byte[] member = bytes(in);
      if (member.length == 0 || member[0] < Streams.ENTRY || member[0] > Streams.CONSUMER_PENDING) {
        throw new BadFormat();
      }
      subs.add(new byte[][] {member, bytes(in)});
    }
    if (in.hasRemaining()) {
      throw new BadFormat();
    }
    return new Contents(RedisType.STREAM, state, subs);
  }

  private static long varint(ByteBuffer in) throws BadFormat {
    try {
      return LengthPrefixed.readVarint(in);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new BadFormat();
    }
  }

  private static byte[] bytes(ByteBuffer in) throws BadFormat {
    try {
      return LengthPrefixed.readBytes(in);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new BadFormat();
    }
  }
}
