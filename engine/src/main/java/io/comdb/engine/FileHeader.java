package io.comdb.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The fixed header that starts every data file and hint file, so that a wrong or future file is
 * refused with a clear error before any of it is trusted.
 *
 * <pre>
 * offset size field
 *  0      8   magic: "COMDBDAT" (data file) or "COMDBHNT" (hint file)
 *  8      4   format version ({@link #FORMAT_VERSION})
 * 12      4   file id
 * 16      8   base sequence: every record in the file has seq &gt;= this; 0 for files written by merge
 * 24      4   reserved, zero
 * 28      4   CRC32C of bytes 0..27
 * </pre>
 */
record FileHeader(Kind kind, int fileId, long baseSeq) {
  static final int SIZE = 32;
  static final int FORMAT_VERSION = 1;

  private static final int MAGIC_OFFSET = 0;
  private static final int VERSION_OFFSET = 8;
  private static final int FILE_ID_OFFSET = 12;
  private static final int BASE_SEQ_OFFSET = 16;
  private static final int CRC_OFFSET = 28;

  enum Kind {
    DATA("COMDBDAT"),
    HINT("COMDBHNT");

    private final byte[] magic;

    Kind(String magic) {
      this.magic = magic.getBytes(StandardCharsets.US_ASCII);
    }
  }

  ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put(MAGIC_OFFSET, kind.magic);
    b.putInt(VERSION_OFFSET, FORMAT_VERSION);
    b.putInt(FILE_ID_OFFSET, fileId);
    b.putLong(BASE_SEQ_OFFSET, baseSeq);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, CRC_OFFSET);
    b.putInt(CRC_OFFSET, (int) crc.getValue());
    return b;
  }

  void writeTo(FileChannel channel) throws IOException {
    ByteBuffer b = encode();
    while (b.hasRemaining()) {
      channel.write(b, b.position());
    }
  }

  /**
   * Reads and checks the header of {@code file}.
   *
   * @throws CorruptRecordException if the file is too short, has another magic or a bad checksum
   * @throws IncompatibleFormatException if the file was written by a newer format version
   */
  static FileHeader read(FileChannel channel, Path file, Kind expected) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    while (b.hasRemaining()) {
      if (channel.read(b, b.position()) < 0) {
        throw new CorruptRecordException(file, 0, "file is shorter than its " + SIZE + "-byte header");
      }
    }
    return decode(b, file, expected);
  }

  static FileHeader decode(ByteBuffer b, Path file, Kind expected) throws IOException {
    byte[] magic = new byte[expected.magic.length];
    b.get(MAGIC_OFFSET, magic);
    if (!java.util.Arrays.equals(magic, expected.magic)) {
      throw new CorruptRecordException(file, 0, "not a ComDB " + expected.name().toLowerCase() + " file (bad magic)");
    }
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate().position(0).limit(CRC_OFFSET));
    if ((int) crc.getValue() != b.getInt(CRC_OFFSET)) {
      throw new CorruptRecordException(file, 0, "header checksum mismatch");
    }
    int version = b.getInt(VERSION_OFFSET);
    if (version != FORMAT_VERSION) {
      throw new IncompatibleFormatException(file, version, FORMAT_VERSION);
    }
    return new FileHeader(expected, b.getInt(FILE_ID_OFFSET), b.getLong(BASE_SEQ_OFFSET));
  }
}
