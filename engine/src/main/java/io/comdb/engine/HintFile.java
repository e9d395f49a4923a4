package io.comdb.engine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The summary of one sealed data file, {@code NNNNNNNNN.hint}, so that opening reads keys and offsets
 * instead of every value. Lists the file's committed records in file order (values and tombstones; batch
 * commits and uncommitted batch records are left out).
 *
 * <pre>
 * header      {@link FileHeader} of kind HINT, same file id and base sequence as the data file
 * entry*      type u8 (1 value, 2 tombstone) | seq varint | key length varint | record offset varint
 *             | record size varint | key
 * trailer     entry count u32 | data file size u64 | CRC32C u32 over every byte before it
 * </pre>
 *
 * A hint file that is short, fails its checksum, or names another data file size is ignored (and the data
 * file scanned instead): it is an optimisation, never the only copy of anything.
 */
final class HintFile {
  static final String SUFFIX = ".hint";
  private static final int TRAILER_SIZE = 4 + 8 + 4;

  /** One committed record of the data file. */
  record Entry(RecordType type, long seq, byte[] key, int offset, int size) {}

  private HintFile() {}

  static Path path(Path dir, int fileId) {
    return dir.resolve(String.format("%09d%s", fileId, SUFFIX));
  }

  /** Scans {@code file} and writes its hint file (temp file, fsync, rename, directory fsync). */
  static void write(Path dir, DataFile file) throws IOException {
    List<Entry> entries = committedEntries(file);
    Path target = path(dir, file.id());
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
      ByteBuffer header = new FileHeader(FileHeader.Kind.HINT, file.id(), file.baseSeq()).encode();
      writeChecksummed(out, crc, header.array(), header.limit());
      ByteBuffer b = ByteBuffer.allocate(1 + Varint.MAX_LONG_BYTES + 4 * Varint.MAX_INT_BYTES);
      for (Entry e : entries) {
        b.clear();
        b.put(e.type() == RecordType.VALUE ? (byte) 1 : (byte) 2);
        Varint.put(b, e.seq());
        Varint.put(b, e.key().length);
        Varint.put(b, e.offset());
        Varint.put(b, e.size());
        writeChecksummed(out, crc, b.array(), b.position());
        writeChecksummed(out, crc, e.key(), e.key().length);
      }
      ByteBuffer trailer = ByteBuffer.allocate(TRAILER_SIZE);
      trailer.putInt(entries.size()).putLong(file.size());
      writeChecksummed(out, crc, trailer.array(), 12);
      trailer.putInt((int) crc.getValue());
      out.write(trailer.array(), 12, 4);
    }
    Fsync.file(temp);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Fsync.directory(dir);
    file.markHinted();
  }

  private static void writeChecksummed(OutputStream out, CRC32C crc, byte[] bytes, int length) throws IOException {
    crc.update(bytes, 0, length);
    out.write(bytes, 0, length);
  }

  /**
   * Reads the hint file of {@code file}, or returns null if there is none or it is not valid for the file
   * as it is now (the caller then scans the data file).
   */
  static List<Entry> read(Path dir, DataFile file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path(dir, file.id()));
    } catch (NoSuchFileException e) {
      return null;
    }
    if (bytes.length < FileHeader.SIZE + TRAILER_SIZE) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int trailerAt = bytes.length - TRAILER_SIZE;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != b.getInt(bytes.length - 4) || b.getLong(trailerAt + 4) != file.size()) {
      return null;
    }
    try {
      FileHeader header = FileHeader.decode(b, path(dir, file.id()), FileHeader.Kind.HINT);
      if (header.fileId() != file.id()) {
        return null;
      }
      int count = b.getInt(trailerAt);
      List<Entry> entries = new ArrayList<>(count);
      int p = FileHeader.SIZE;
      for (int i = 0; i < count; i++) {
        RecordType type = bytes[p++] == 1 ? RecordType.VALUE : RecordType.TOMBSTONE;
        long seq = Varint.get(b, p, trailerAt, Varint.MAX_LONG_BYTES);
        p += Varint.size(seq);
        int keyLength = (int) Varint.get(b, p, trailerAt, Varint.MAX_INT_BYTES);
        p += Varint.size(keyLength);
        int offset = (int) Varint.get(b, p, trailerAt, Varint.MAX_INT_BYTES);
        p += Varint.size(offset);
        int size = (int) Varint.get(b, p, trailerAt, Varint.MAX_INT_BYTES);
        p += Varint.size(size);
        entries.add(new Entry(type, seq, java.util.Arrays.copyOfRange(bytes, p, p + keyLength), offset, size));
        p += keyLength;
      }
      return p == trailerAt ? entries : null;
    } catch (EngineException | IllegalArgumentException | IndexOutOfBoundsException e) {
      return null; // a checksummed file that still does not parse: written by a bug; scanning is safe
    }
  }

  static void delete(Path dir, int fileId) throws IOException {
    Files.deleteIfExists(path(dir, fileId));
  }

  /**
   * The committed records of a sealed data file in order: batch records only once their commit record is
   * seen. Fails with {@link CorruptRecordException} if any record does not verify.
   */
  static List<Entry> committedEntries(DataFile file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    RecordScanner.End end = RecordScanner.scan(file, true, new CommittedRecords(file.path(), entries::add));
    if (!end.clean()) {
      throw new CorruptRecordException(file.path(), end.end(), end.problem());
    }
    return entries;
  }
}
