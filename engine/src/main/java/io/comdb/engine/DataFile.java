package io.comdb.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One append-only data file, {@code NNNNNNNNN.data}: a {@link FileHeader} followed by {@link Record}s.
 *
 * <p>The active file is extended to its full capacity when created and mapped read-write, so that one
 * mapping covers everything it will hold: an append is a copy into the mapping (the page cache), with no
 * system call, and survives the process being killed as a write would; fsync ({@link #force}) makes it
 * durable. A full disk shows as a fault on the copy, which {@link #append} reports as an
 * {@link IOException}. Reads copy out of the same mapping, with no system call and no lock.
 * {@link #seal()} truncates the file to what was written.
 *
 * <p>Only the active file keeps a file descriptor: a sealed file is read through its mapping alone, so the
 * number of data files is not bounded by the process's descriptor limit.
 *
 * <p>Thread-safety: one writer at a time (the engine's write lock) calls {@link #append} and
 * {@link #seal}; any number of readers call the read methods.
 */
final class DataFile implements Closeable {
  static final String SUFFIX = ".data";

  private final FileHeader header;
  private final Path path;
  /** Open while the file takes appends; null once sealed (guarded by this for seal, force, close). */
  private FileChannel channel;
  private final MappedByteBuffer map;
  private final int capacity;
  /** End of the last complete append; readers never look past it. */
  private volatile long size;
  /** Bytes of records that no longer hold a live value: what a merge would reclaim. */
  private final AtomicLong deadBytes = new AtomicLong();
  private volatile boolean sealed;
  /** This file has a hint file known to be valid (loaded at open, or written since). */
  private volatile boolean hinted;

  private DataFile(FileHeader header, Path path, FileChannel channel, MappedByteBuffer map, int capacity, long size, boolean sealed) {
    this.header = header;
    this.path = path;
    this.channel = channel;
    this.map = map;
    this.capacity = capacity;
    this.size = size;
    this.sealed = sealed;
  }

  static String fileName(int id) {
    return String.format("%09d%s", id, SUFFIX);
  }

  static Path path(Path dir, int id) {
    return dir.resolve(fileName(id));
  }

  /** Parses the id out of a data file's name, or returns -1 if the name is not one. */
  static int idOf(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(SUFFIX) || name.length() != 9 + SUFFIX.length()) {
      return -1;
    }
    try {
      return Integer.parseInt(name.substring(0, 9));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Creates a new, empty file that can grow to {@code capacity} bytes, durable (file and directory fsync'd).
   * It is prepared under a temp name and renamed into place with its header written, so a crash never
   * leaves a data file without a header (recovery deletes leftover temp files).
   */
  static DataFile create(Path dir, int id, long baseSeq, int capacity) throws IOException {
    Path path = path(dir, id);
    Path temp = dir.resolve(fileName(id) + ".tmp");
    FileHeader header = new FileHeader(FileHeader.Kind.DATA, id, baseSeq);
    try (RandomAccessFile raf = new RandomAccessFile(Files.createFile(temp).toFile(), "rw")) {
      raf.setLength(capacity);
    }
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      header.writeTo(channel);
      channel.force(true);
      Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
      Fsync.directory(dir);
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
      return new DataFile(header, path, channel, map, capacity, FileHeader.SIZE, false);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Opens an existing file read-only, checking its header. Its size is the file's length until recovery says otherwise. */
  static DataFile open(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long length = channel.size();
      if (length > Integer.MAX_VALUE) {
        throw new CorruptRecordException(path, Integer.MAX_VALUE, "data file is larger than 2 GiB");
      }
      FileHeader header = FileHeader.read(channel, path, FileHeader.Kind.DATA);
      if (header.fileId() != idOf(path)) {
        throw new CorruptRecordException(path, 0, "header names file id " + header.fileId());
      }
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
      return new DataFile(header, path, null, map, (int) length, length, true);
    } finally {
      channel.close(); // the mapping outlives it
    }
  }

  int id() {
    return header.fileId();
  }

  long baseSeq() {
    return header.baseSeq();
  }

  Path path() {
    return path;
  }

  long size() {
    return size;
  }

  boolean sealed() {
    return sealed;
  }

  /** True if the file holds no record. */
  boolean isEmpty() {
    return size == FileHeader.SIZE;
  }

  boolean hinted() {
    return hinted;
  }

  void markHinted() {
    hinted = true;
  }

  long deadBytes() {
    return deadBytes.get();
  }

  void addDeadBytes(long bytes) {
    deadBytes.addAndGet(bytes);
  }

  boolean hasRoom(long bytes) {
    return !sealed && size + bytes <= capacity;
  }

  /** Appends {@code records} (position to limit) and returns the offset they start at. */
  int append(ByteBuffer records) throws IOException {
    int start = (int) size;
    int length = records.remaining();
    try {
      map.put(start, records, records.position(), length);
    } catch (InternalError e) {
      // SIGBUS: the file system could not back the page (no space left). Nothing is published: size is unchanged.
      throw new IOException("cannot write to " + path + " (is the disk full?): " + e.getMessage(), e);
    }
    records.position(records.limit());
    size = start + length; // publishes the bytes to readers (volatile write after the copy)
    return start;
  }

  /** Forces written bytes to stable storage ({@code fdatasync}). */
  synchronized void force() throws IOException {
    if (channel == null) {
      return; // sealed: sealing forced everything
    }
    boolean interrupted = Thread.interrupted();
    try {
      channel.force(false);
    } finally {
      restoreInterrupt(interrupted);
    }
  }

  /**
   * A FileChannel closes itself when its caller is interrupted, which would take the file away from every
   * other thread. Writes and fsyncs therefore clear a pending interrupt first and set it again after.
   */
  private static void restoreInterrupt(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Makes the file immutable: truncates the unused capacity and forces data and length to disk. After
   * this, a torn record in the file is corruption, never a torn tail.
   */
  synchronized void seal() throws IOException {
    if (sealed) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      channel.truncate(size);
      channel.force(true);
      sealed = true;
      channel.close();
      channel = null;
    } finally {
      restoreInterrupt(interrupted);
    }
  }

  /** Recovery only: forgets everything from {@code newSize} on, in memory and on disk. */
  void truncate(long newSize) throws IOException {
    try (FileChannel writable = FileChannel.open(path, StandardOpenOption.WRITE)) {
      writable.truncate(newSize);
      writable.force(true);
    }
    size = newSize;
  }

  /** A view of the mapping for absolute reads; the mapping itself is shared. */
  ByteBuffer buffer() {
    return map;
  }

  /** Decodes and verifies the record at {@code offset}, which the keydir or a hint file says is there. */
  Record readRecord(int offset) throws CorruptRecordException {
    Record.Decoded d = Record.decode(map, offset, (int) size);
    if (d.status() != Record.Status.OK) {
      throw new CorruptRecordException(path, offset, d.problem());
    }
    return d.record();
  }

  /** The value of the record at {@code offset}, checksum verified. */
  byte[] readValue(int offset) throws CorruptRecordException {
    return readRecord(offset).value(map);
  }

  /** The size of the record at {@code offset}, from its header alone (no checksum check). */
  int recordSize(int offset) {
    int p = offset + Record.CRC_SIZE + 1;
    long seq = Varint.get(map, p, (int) size, Varint.MAX_LONG_BYTES);
    p += Varint.size(seq);
    long keyLength = Varint.get(map, p, (int) size, Varint.MAX_INT_BYTES);
    p += Varint.size(keyLength);
    long valueLength = Varint.get(map, p, (int) size, Varint.MAX_INT_BYTES);
    p += Varint.size(valueLength);
    return (int) (p - offset + keyLength + valueLength);
  }

  /** Copies {@code length} bytes from {@code offset} into {@code out}'s channel at its current end. */
  void copyTo(FileChannel out, long offset, long length) throws IOException {
    try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
      long done = 0;
      while (done < length) {
        done += in.transferTo(offset + done, length - done, out);
      }
    }
  }

  /** Closes the channel, if still open. The mapping is released by {@link #unmap()} once no reader can reach it. */
  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  void unmap() {
    Unmapper.unmap(map);
  }

  @Override
  public String toString() {
    return path.getFileName() + "(size=" + size + ", dead=" + deadBytes.get() + (sealed ? ", sealed" : "") + ")";
  }
}
