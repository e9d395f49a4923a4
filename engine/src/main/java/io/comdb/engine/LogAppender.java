package io.comdb.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

/**
 * The one place that appends to the log. Every mutation (put, delete, batch, the swap at the end of a
 * merge, rotation) runs under one lock, which makes it the single writer the keydir implementations rely
 * on, and orders records by sequence number in the file. (In the server only the engine verticle's thread
 * comes here, so the lock is never contended; embedded users may write from any thread.)
 *
 * <p>Readers that need several keys to agree (a Redis MGET, HGETALL) read under {@link #visibility}: each
 * write changes the keydir under its write lock, so a reader that validates its stamp saw no write half
 * done, and a batch becomes visible all at once.
 *
 * <p>A failed append leaves the tail of the active file unknown, so the writer then refuses all further
 * writes (reads go on); reopening recovers the tail.
 */
final class LogAppender implements GroupCommit.Log {
  /** One operation of a write batch: {@code value == null} deletes. */
  record Op(byte[] key, byte[] value) {}

  private final Path dir;
  private final EngineOptions options;
  private final Keydir keydir;
  private final AtomicInteger nextFileId;
  private final Consumer<DataFile> onSealed;
  private final ReentrantLock lock = new ReentrantLock();
  private final GroupCommit groupCommit;
  private final StampedLock visibility = new StampedLock();
  private final ConflictTracker conflicts = new ConflictTracker();
  /** The key of a batch's commit record. */
  private static final byte[] NO_KEY = new byte[0];

  private volatile FileSet files;
  /** Guarded by lock. */
  private long lastSeq;
  /** The sequence number of the newest appended record; read by group commit. */
  private volatile long writtenSeq;
  /** The sequence number of the newest record the keydir shows: a transaction's snapshot. */
  private volatile long visibleSeq;
  /** Reused encode buffer; direct, so the channel writes it without another copy. Guarded by lock. */
  private ByteBuffer buffer = ByteBuffer.allocateDirect(64 << 10);
  private volatile IOException failure;

  LogAppender(Path dir, EngineOptions options, Keydir keydir, FileSet files, long lastSeq, AtomicInteger nextFileId,
      Consumer<DataFile> onSealed) {
    this.dir = dir;
    this.options = options;
    this.keydir = keydir;
    this.files = files;
    this.lastSeq = lastSeq;
    this.writtenSeq = lastSeq;
    this.visibleSeq = lastSeq;
    this.nextFileId = nextFileId;
    this.onSealed = onSealed;
    this.groupCommit = new GroupCommit(this, lastSeq);
  }

  FileSet files() {
    return files;
  }

  @Override
  public long writtenSeq() {
    return writtenSeq;
  }

  @Override
  public DataFile active() {
    return files.active();
  }

  GroupCommit groupCommit() {
    return groupCommit;
  }

  StampedLock visibility() {
    return visibility;
  }

  ConflictTracker conflicts() {
    return conflicts;
  }

  /** Opens a transaction: its snapshot is what the keydir shows now. */
  long beginTransaction() {
    lock.lock();
    try {
      long readSeq = visibleSeq;
      conflicts.begin(readSeq);
      return readSeq;
    } finally {
      lock.unlock();
    }
  }

  /** A transaction closes (if it has not already): the tracker stops keeping writes for it. */
  void endTransaction(Transaction transaction) {
    lock.lock();
    try {
      transaction.end(conflicts);
    } finally {
      lock.unlock();
    }
  }

  /** Appends a value and points the keydir at it; returns the record's sequence number. */
  long put(byte[] key, byte[] value) throws IOException {
    lock.lock();
    try {
      checkWritable();
      long seq = lastSeq + 1;
      ByteBuffer b = encodeBuffer(Record.encodedSize(seq, key.length, value.length));
      Record.encode(b, RecordType.VALUE, seq, key, value);
      long location = append(b.flip(), seq);
      conflicts.written(seq, key);
      long stamp = visibility.writeLock();
      try {
        markDead(keydir.put(key.clone(), location));
        visibleSeq = seq;
      } finally {
        visibility.unlockWrite(stamp);
      }
      return seq;
    } finally {
      lock.unlock();
    }
  }

  /** Appends a tombstone if the key exists; returns its sequence number, or -1 if there was nothing to delete. */
  long delete(byte[] key) throws IOException {
    lock.lock();
    try {
      checkWritable();
      long previous = keydir.get(key);
      if (previous == Location.NONE) {
        return -1;
      }
      long seq = lastSeq + 1;
      byte[] deletes = Record.varintBytes(Location.fileId(previous));
      ByteBuffer b = encodeBuffer(Record.encodedSize(seq, key.length, deletes.length));
      Record.encode(b, RecordType.TOMBSTONE, seq, key, deletes);
      long location = append(b.flip(), seq);
      // A tombstone is garbage from birth: merge drops it together with what it deletes.
      files.find(Location.fileId(location)).addDeadBytes(b.limit());
      conflicts.written(seq, key);
      long stamp = visibility.writeLock();
      try {
        markDead(keydir.remove(key));
        visibleSeq = seq;
      } finally {
        visibility.unlockWrite(stamp);
      }
      return seq;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends a batch as one write: its records, then a commit record. Recovery applies the records only if
   * the commit record made it to disk, so a crash shows all of the batch or none; readers see all of it or
   * none. Returns the commit record's sequence number, or -1 if the batch changed nothing.
   *
   * @param transaction the transaction the batch commits, whose reads must still hold; null for a batch
   * @throws TransactionConflictException if a key the transaction read was written after its snapshot
   */
  long commit(List<Op> ops, Transaction transaction) throws IOException {
    lock.lock();
    try {
      if (transaction != null) {
        try {
          transaction.verifyReads(conflicts);
        } finally {
          transaction.end(conflicts); // before the append: its own writes need no tracking
        }
      }
      checkWritable();
      long seq = lastSeq;
      int count = 0;
      long size = 0;
      long[] previous = new long[ops.size()];
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        // Only a delete needs the key's current record: to skip an absent key, and to name what it deletes.
        previous[i] = op.value() == null ? keydir.get(op.key()) : Location.NONE;
        if (op.value() == null && previous[i] == Location.NONE) {
          continue; // deleting an absent key writes nothing
        }
        int valueLength = op.value() != null ? op.value().length : Varint.MAX_INT_BYTES;
        size += Record.encodedSize(++seq, op.key().length, valueLength);
        count++;
      }
      if (count == 0) {
        return -1;
      }
      size += Record.encodedSize(seq + 1, 0, Varint.size(count));
      if (size > options.dataFileSize() - FileHeader.SIZE) {
        throw new LimitExceededException("write batch of " + size + " bytes does not fit in one data file ("
            + options.dataFileSize() + " bytes); split it or raise dataFileSize");
      }
      ByteBuffer b = encodeBuffer(size);
      int[] offsets = new int[ops.size()];
      seq = lastSeq;
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        offsets[i] = -1;
        if (op.value() == null && previous[i] == Location.NONE) {
          continue;
        }
        offsets[i] = b.position();
        if (op.value() != null) {
          Record.encode(b, RecordType.BATCH_VALUE, ++seq, op.key(), op.value());
        } else {
          Record.encode(b, RecordType.BATCH_TOMBSTONE, ++seq, op.key(), Record.varintBytes(Location.fileId(previous[i])));
        }
      }
      int commitAt = b.position();
      Record.encode(b, RecordType.BATCH_COMMIT, seq + 1, NO_KEY, Record.varintBytes(count));
      long first = append(b.flip(), seq + 1);
      DataFile file = files.find(Location.fileId(first));
      long start = Location.offset(first);
      file.addDeadBytes(b.limit() - commitAt);
      if (conflicts.active()) {
        for (int i = 0; i < ops.size(); i++) {
          if (offsets[i] >= 0) {
            conflicts.written(lastSeq, ops.get(i).key());
          }
        }
      }
      long stamp = visibility.writeLock();
      try {
        for (int i = 0; i < ops.size(); i++) {
          if (offsets[i] < 0) {
            continue;
          }
          Op op = ops.get(i);
          long location = Location.of(file.id(), start + offsets[i]);
          if (op.value() != null) {
            markDead(keydir.put(op.key().clone(), location));
          } else {
            file.addDeadBytes(file.recordSize(Location.offset(location)));
            markDead(keydir.remove(op.key()));
          }
        }
        visibleSeq = lastSeq;
      } finally {
        visibility.unlockWrite(stamp);
      }
      return lastSeq;
    } finally {
      lock.unlock();
    }
  }

  /** Seals the active file and starts a new one, unless the active file is empty. Returns the sealed file or null. */
  DataFile rotate() throws IOException {
    lock.lock();
    try {
      checkWritable();
      DataFile old = files.active();
      if (old.isEmpty()) {
        return null;
      }
      old.seal();
      DataFile next = DataFile.create(dir, nextFileId.getAndIncrement(), lastSeq + 1, options.dataFileSize());
      files = files.withActive(next);
      onSealed.accept(old);
      return old;
    } catch (IOException e) {
      failure = e;
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Merge's commit: for each moved key, points the keydir at the copy only if it still points at the
   * original (a write that raced the merge wins, and its copy becomes garbage), then swaps the files.
   */
  void swapMerged(List<Merger.Move> moves, List<DataFile> inputs, List<DataFile> outputs) {
    lock.lock();
    try {
      files = files.replace(List.of(), outputs);
      for (Merger.Move m : moves) {
        if (!keydir.replace(m.key(), m.from(), m.to())) {
          DataFile out = files.find(Location.fileId(m.to()));
          out.addDeadBytes(out.recordSize(Location.offset(m.to())));
        }
      }
      files = files.replace(inputs, List.of());
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} with no write in progress, e.g. to copy a consistent prefix of the active file. */
  <T> T quiesced(IoSupplier<T> action) throws IOException {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  interface IoSupplier<T> {
    T get() throws IOException;
  }

  /**
   * Close: seals the active file so a reopen finds every file sealed. Returns false, sealing nothing, if an
   * earlier write failed: the tail is unknown and left for recovery.
   */
  boolean close() throws IOException {
    lock.lock();
    try {
      if (failure != null) {
        return false;
      }
      failure = new IOException("the engine is closed");
      files.active().seal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** From now on every write fails with {@code cause}: the log is in a state only a reopen resolves. */
  void fail(IOException cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
    } finally {
      lock.unlock();
    }
  }

  private void checkWritable() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw new IOException("the engine accepts no more writes after an I/O error: " + f.getMessage(), f);
    }
  }

  private ByteBuffer encodeBuffer(long size) {
    if (size > buffer.capacity()) {
      if (size > 1 << 20) {
        return ByteBuffer.allocate((int) size); // a large one-off: not worth keeping around
      }
      buffer = ByteBuffer.allocateDirect(Integer.highestOneBit((int) size) << 1);
    }
    return buffer.clear();
  }

  /**
   * Appends encoded records whose last sequence number is {@code seq}, rotating first if they do not fit,
   * and returns the location of their first byte.
   */
  private long append(ByteBuffer records, long seq) throws IOException {
    if (!files.active().hasRoom(records.remaining())) {
      rotate();
    }
    DataFile file = files.active();
    int offset;
    try {
      offset = file.append(records);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    lastSeq = seq;
    writtenSeq = seq;
    return Location.of(file.id(), offset);
  }

  private void markDead(long previous) {
    if (previous == Location.NONE) {
      return;
    }
    DataFile f = files.find(Location.fileId(previous));
    if (f != null) {
      f.addDeadBytes(f.recordSize(Location.offset(previous)));
    }
  }
}
