package io.comdb.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Walks the records of a data file in order, verifying each checksum, and says where and why it stopped.
 * Reads through the file's mapping, or, when start-up is told not to fault whole files into memory,
 * through sequential channel reads into a window.
 */
final class RecordScanner {
  private static final int WINDOW = 4 << 20;

  /** Receives each verified record; {@code r}'s offsets index {@code buf}, {@code offset} is the record's place in the file. */
  interface Visitor {
    void visit(Record r, ByteBuffer buf, long offset) throws IOException;
  }

  /**
   * Where a scan stopped. {@code status} is {@link Record.Status#OK} when it read every byte up to the
   * file's size; otherwise {@code end} is the offset of the first record that could not be read.
   */
  record End(long end, Record.Status status, String problem) {
    boolean clean() {
      return status == Record.Status.OK;
    }
  }

  private RecordScanner() {}

  static End scan(DataFile file, boolean mmap, Visitor visitor) throws IOException {
    return scan(file, mmap, FileHeader.SIZE, visitor);
  }

  /** Scans from {@code from}, which must be where a record starts (or the end). */
  static End scan(DataFile file, boolean mmap, long from, Visitor visitor) throws IOException {
    return mmap ? scanMapped(file, from, visitor) : scanChannel(file, from, visitor);
  }

  private static End scanMapped(DataFile file, long from, Visitor visitor) throws IOException {
    ByteBuffer buf = file.buffer();
    int limit = (int) file.size();
    int offset = (int) from;
    while (offset < limit) {
      Record.Decoded d = Record.decode(buf, offset, limit);
      if (d.status() != Record.Status.OK) {
        return new End(offset, d.status(), d.problem());
      }
      visitor.visit(d.record(), buf, offset);
      offset = d.record().end();
    }
    return new End(offset, Record.Status.OK, null);
  }

  private static End scanChannel(DataFile file, long from, Visitor visitor) throws IOException {
    long limit = file.size();
    ByteBuffer window = ByteBuffer.allocate((int) Math.min(WINDOW, Math.max(limit, Record.MAX_HEADER_SIZE)));
    try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
      long windowStart = from;
      int filled = fill(channel, window, windowStart, limit);
      int offset = 0;
      while (windowStart + offset < limit) {
        Record.Decoded d = Record.decode(window, offset, filled);
        if (d.status() == Record.Status.TRUNCATED && windowStart + filled < limit) {
          // The record straddles the window: slide the window to start at it, or grow the window
          // (never past what is left of the file) when one record is larger than it.
          if (offset == 0) {
            window = ByteBuffer.allocate((int) Math.min(2L * window.capacity(), limit - windowStart));
          }
          windowStart += offset;
          offset = 0;
          filled = fill(channel, window, windowStart, limit);
          continue;
        }
        if (d.status() != Record.Status.OK) {
          return new End(windowStart + offset, d.status(), d.problem());
        }
        visitor.visit(d.record(), window, windowStart + offset);
        offset = d.record().end();
      }
      return new End(windowStart + offset, Record.Status.OK, null);
    }
  }

  private static int fill(FileChannel channel, ByteBuffer window, long from, long limit) throws IOException {
    window.clear();
    window.limit((int) Math.min(window.capacity(), limit - from));
    while (window.hasRemaining()) {
      if (channel.read(window, from + window.position()) < 0) {
        break;
      }
    }
    return window.position();
  }

  /** True if every byte of {@code file} from {@code offset} to its size is zero: nothing was written there. */
  static boolean zeroFrom(DataFile file, long offset) {
    ByteBuffer buf = file.buffer();
    long limit = file.size();
    long p = offset;
    for (; p + Long.BYTES <= limit; p += Long.BYTES) {
      if (buf.getLong((int) p) != 0) {
        return false;
      }
    }
    for (; p < limit; p++) {
      if (buf.get((int) p) != 0) {
        return false;
      }
    }
    return true;
  }
}
