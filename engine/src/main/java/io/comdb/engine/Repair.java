package io.comdb.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@link EngineOptions#repair()}: cuts a damaged span out of a data file and keeps every record after it,
 * so that one bad sector costs the records in it, not the rest of the file.
 */
final class Repair {
  private Repair() {}

  /**
   * The first offset after {@code bad} where a record verifies and is followed by another record that
   * verifies, by the end of the file, or by nothing but zeros; -1 if there is none. Not one record alone:
   * a CRC32C match in random bytes is a one-in-four-billion event per offset, and a file has hundreds of
   * millions of offsets. Runs of zeros are skipped four bytes at a time: a record starting in the first
   * four bytes of eight zero bytes would have a zero type byte, which no record has.
   */
  static long resyncPoint(DataFile file, long bad) {
    ByteBuffer buf = file.buffer();
    int limit = (int) file.size();
    for (int p = (int) bad + 1; p + Record.CRC_SIZE + 4 <= limit; p++) {
      while (p + Long.BYTES <= limit && buf.getLong(p) == 0) {
        p += 4;
      }
      if (p + Record.CRC_SIZE + 4 > limit) {
        break;
      }
      Record.Decoded first = Record.decode(buf, p, limit);
      if (first.status() != Record.Status.OK) {
        continue;
      }
      int next = first.record().end();
      if (next == limit) {
        return p;
      }
      Record.Status after = Record.decode(buf, next, limit).status();
      if (after == Record.Status.OK || after == Record.Status.ZERO && RecordScanner.zeroFrom(file, next)) {
        return p;
      }
    }
    return -1;
  }

  /**
   * Rewrites {@code file} without the bytes {@code [from, to)} (temp file, fsync, atomic rename; a crash
   * leaves either version) and returns it reopened. The old instance is closed. Its hint file is deleted.
   */
  static DataFile cutOut(Path dir, DataFile file, long from, long to) throws IOException {
    Path temp = file.path().resolveSibling(file.path().getFileName() + ".repair.tmp");
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      file.copyTo(out, 0, from);
      file.copyTo(out, to, file.size() - to);
      out.force(true);
    }
    file.close();
    file.unmap(); // recovery runs before any reader exists
    HintFile.delete(dir, file.id());
    Files.move(temp, file.path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Fsync.directory(dir);
    return DataFile.open(file.path());
  }
}
