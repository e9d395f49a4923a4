package io.comdb.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;

/**
 * A Bitcask-model key-value store: every write is appended to a log of data files, and an in-memory
 * keydir maps each live key to its newest record, so a get is one lookup and one read.
 *
 * <p>Keys and values are byte arrays; keys are ordered as unsigned bytes. A missing key reads as
 * {@code null}. All methods are thread-safe: reads run in parallel without locks; writes are serialised
 * (one writer) and, under {@link SyncMode#ALWAYS}, share fsyncs. Open with {@link #open(EngineOptions)}
 * and close when done; a second open of the same directory, here or in another process, fails with
 * {@link DatabaseLockedException}.
 *
 * <p>Expiry is not the engine's business: records carry no time to live. The Redis types layer keeps
 * expiry in each key's metadata record and deletes expired keys through the engine like any other write.
 *
 * <pre>{@code
 * try (Engine db = Engine.open(EngineOptions.builder(Path.of("data")).syncMode(SyncMode.ALWAYS).build())) {
 *   db.put(key, value);
 *   byte[] v = db.get(key);
 * }
 * }</pre>
 */
public final class Engine implements ReadView, EngineMaintenance, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Engine.class.getName());

  private final EngineOptions options;
  private final Path dir;
  private final DirectoryLock lock;
  private final Keydir keydir;
  private final AtomicInteger nextFileId;
  private final LogAppender appender;
  private final ReadGuard guard = new ReadGuard();
  private final Merger merger;
  /** Held by whatever adds or deletes sealed files or their hints: merge, backup, hint building. */
  private final ReentrantLock maintenanceLock = new ReentrantLock();
  private final ReadView readView = new View(this);
  private final EngineMaintenance maintenance = new Upkeep(this);
  private final ScheduledExecutorService background;
  /** Batches writes and their fsyncs under {@link SyncMode#ALWAYS}; null otherwise. */
  private final CommitQueue commitQueue;
  private volatile boolean closed;

  private Engine(EngineOptions options, DirectoryLock lock, Keydir keydir, Recovery.Result recovered) throws IOException {
    this.options = options;
    this.dir = options.dataDir();
    this.lock = lock;
    this.keydir = keydir;
    this.nextFileId = new AtomicInteger(recovered.maxFileId() + 1);
    DataFile active = DataFile.create(dir, nextFileId.getAndIncrement(), recovered.lastSeq() + 1, options.dataFileSize());
    List<DataFile> files = new ArrayList<>(recovered.files());
    files.add(active);
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "comdb-engine-" + dir.getFileName());
      t.setDaemon(true);
      return t;
    });
    this.appender = new LogAppender(dir, options, keydir, new FileSet(files, active), recovered.lastSeq(), nextFileId,
        sealed -> {
          if (options.backgroundHintFiles()) {
            background.execute(this::buildHintFilesInBackground);
          }
        });
    this.merger = new Merger(dir, options, keydir, appender, guard, nextFileId::getAndIncrement);
    this.commitQueue = options.syncMode().kind() == SyncMode.Kind.ALWAYS ? new CommitQueue(this) : null;
    if (options.syncMode().kind() == SyncMode.Kind.INTERVAL) {
      long ms = options.syncMode().interval().toMillis();
      background.scheduleWithFixedDelay(this::syncInBackground, ms, ms, TimeUnit.MILLISECONDS);
    }
    if (options.backgroundHintFiles() && !recovered.files().isEmpty()) {
      background.execute(this::buildHintFilesInBackground);
    }
  }

  /**
   * Opens (creating if needed) the database in {@code options.dataDir()}: takes the directory lock,
   * completes or discards an interrupted merge, and rebuilds the keydir from hint and data files.
   *
   * @throws DatabaseLockedException if another engine has the directory open
   * @throws CorruptRecordException if a data file is damaged (see {@link EngineOptions#repair()})
   * @throws IncompatibleFormatException if the directory was written by another format version
   */
  public static Engine open(EngineOptions options) throws IOException {
    Path dir = options.dataDir();
    Files.createDirectories(dir);
    DirectoryLock lock = DirectoryLock.acquire(dir);
    try {
      MetaFile meta = MetaFile.read(dir);
      if (meta != null && !meta.cleanShutdown()) {
        LOG.log(Level.INFO, "{0} was not closed cleanly; recovering", dir);
      }
      Merger.finishInterrupted(dir);
      Keydir keydir = Keydir.create(options.indexKind());
      long start = System.nanoTime();
      Recovery.Result recovered = Recovery.run(dir, options, keydir);
      if (options.keyGroups() != null) {
        keydir = new GroupedKeydir(keydir, options.keyGroups()); // after recovery: it adds and removes far more keys
      }
      try {
        new MetaFile(FileHeader.FORMAT_VERSION, false).write(dir);
        Engine engine = new Engine(options, lock, keydir, recovered);
        LOG.log(Level.INFO, "opened {0} in {1} ms: {2}", dir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), keydir.describe());
        return engine;
      } catch (IOException | RuntimeException e) {
        for (DataFile f : recovered.files()) {
          f.close();
          f.unmap(); // no reader ever saw these
        }
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  @Override
  public EngineOptions options() {
    return options;
  }

  /**
   * This engine as a {@link ReadView}, for code that must not write: the object has no write methods and is
   * not an {@code Engine}, so a cast does not get them back either.
   */
  public ReadView readView() {
    return readView;
  }

  /** This engine's upkeep (merge, backup, hint files), for a server's workers; see {@link EngineMaintenance}. */
  public EngineMaintenance maintenance() {
    return maintenance;
  }

  LogAppender appender() {
    return appender;
  }

  ConflictTracker conflicts() {
    return appender.conflicts();
  }

  /** Stores {@code value} under {@code key}, replacing any value. Durable on return under {@link SyncMode#ALWAYS}. */
  public void put(byte[] key, byte[] value) throws IOException {
    checkOpen();
    checkKey(key);
    checkValue(key, value);
    write(() -> appender.put(key, value));
  }

  /** The value stored under {@code key}, or {@code null} if there is none. */
  @Override
  public byte[] get(byte[] key) throws IOException {
    checkOpen();
    Objects.requireNonNull(key, "key");
    ReadGuard.Slot slot = guard.enter();
    try {
      return valueAt(key, keydir.get(key));
    } finally {
      guard.exit(slot);
    }
  }

  /** Whether {@code key} has a value; answered from memory. */
  @Override
  public boolean contains(byte[] key) {
    checkOpen();
    return keydir.get(key) != Location.NONE;
  }

  @Override
  public Versioned versioned(byte[] key) throws IOException {
    checkOpen();
    Objects.requireNonNull(key, "key");
    ReadGuard.Slot slot = guard.enter();
    try {
      return readAt(key, keydir.get(key), (file, offset) -> {
        Record r = file.readRecord(offset);
        return new Versioned(r.value(file.buffer()), r.seq());
      });
    } finally {
      guard.exit(slot);
    }
  }

  @Override
  public <T> T atomically(ReadAction<T> read) throws IOException {
    checkOpen();
    StampedLock visibility = appender.visibility();
    for (int attempt = 0; attempt < 2; attempt++) {
      long stamp = visibility.tryOptimisticRead();
      if (stamp == 0) {
        Thread.onSpinWait(); // a write is being shown right now: it takes microseconds
        continue;
      }
      T result;
      try {
        result = read.read();
      } catch (IOException | RuntimeException e) {
        if (visibility.validate(stamp)) {
          throw e;
        }
        continue; // the reads crossed a write: what they found may not hold together
      }
      if (visibility.validate(stamp)) {
        return result;
      }
    }
    long stamp = visibility.readLock();
    try {
      return read.read();
    } finally {
      visibility.unlockRead(stamp);
    }
  }

  /** Deletes {@code key}; returns whether it had a value. Deleting a missing key writes nothing. */
  public boolean delete(byte[] key) throws IOException {
    checkOpen();
    Objects.requireNonNull(key, "key");
    return write(() -> appender.delete(key)) >= 0;
  }

  /** A new, empty batch holding at most {@link EngineOptions#maxBatchSize()} operations. */
  public WriteBatch newWriteBatch() {
    checkOpen();
    return new WriteBatch(this, options.maxBatchSize());
  }

  /**
   * Writes a batch atomically (one made by {@link #newWriteBatch()} or by {@code new WriteBatch()}); under
   * {@link SyncMode#ALWAYS} returns once it is durable. Returns its sequence number, or -1 if it changed
   * nothing.
   *
   * @throws LimitExceededException if a key or value is over a limit, or the batch does not fit in one file
   */
  public long write(WriteBatch batch) throws IOException {
    checkOpen();
    check(batch);
    List<LogAppender.Op> ops = batch.take();
    return write(() -> appender.commit(ops, null));
  }

  /** Checks a batch made for no engine against this one's limits (one from {@link #newWriteBatch()} is checked already). */
  void check(WriteBatch batch) {
    if (batch.belongsTo(this)) {
      return;
    }
    if (batch.size() > options.maxBatchSize()) {
      throw new LimitExceededException("write batch of " + batch.size() + " operations is over the limit of "
          + options.maxBatchSize() + " (maxBatchSize)");
    }
    batch.forEach((key, value) -> {
      checkKey(key);
      if (value != null) {
        checkValue(key, value);
      }
    });
  }

  /**
   * A group of writes made durable together: see {@link WriteGroup}. For a single thread that performs a
   * run of writes and acknowledges them only after {@link WriteGroup#close()}, as a server's writer does.
   */
  public WriteGroup beginGroup() {
    checkOpen();
    return new WriteGroup(this);
  }

  /** Opens an optimistic transaction on a snapshot of now: see {@link Transaction}. Close it when done. */
  public Transaction beginTransaction() {
    checkOpen();
    return new Transaction(this, appender.beginTransaction());
  }

  /** The work of {@link #update}: reads and writes through the transaction, returns a result. */
  @FunctionalInterface
  public interface TransactionFunction<T> {
    T apply(Transaction transaction) throws IOException;
  }

  /** How often {@link #update} runs a function whose transaction keeps conflicting, at most. */
  public static final int UPDATE_ATTEMPTS = 100;

  /**
   * Runs {@code work} in a new transaction and commits it; on a conflict runs it again in a new one, up to
   * {@link #UPDATE_ATTEMPTS} times, with a short random pause growing with each attempt. {@code work} may
   * therefore run more than once and should have no effect outside the transaction. Returns what the
   * committed run returned. An exception thrown by {@code work} discards the transaction and is rethrown.
   *
   * @throws TransactionConflictException if every attempt conflicted
   */
  public <T> T update(TransactionFunction<T> work) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (Transaction t = beginTransaction()) {
        T result = work.apply(t);
        t.commit();
        return result;
      } catch (TransactionConflictException | Transaction.ConflictDuringIteration e) {
        if (attempt == UPDATE_ATTEMPTS) {
          throw e instanceof TransactionConflictException c ? c : ((Transaction.ConflictDuringIteration) e).getCause();
        }
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000, 20_000L * Math.min(attempt, 50)));
      }
    }
  }

  long commit(Transaction transaction) throws IOException {
    checkOpen();
    List<LogAppender.Op> ops = transaction.ops();
    return write(() -> appender.commit(ops, transaction));
  }

  void endTransaction(Transaction transaction) {
    appender.endTransaction(transaction);
  }

  /** Runs a write; under ALWAYS through the commit queue, so that it returns durable. */
  private long write(CommitQueue.Operation operation) throws IOException {
    return commitQueue != null ? commitQueue.submit(operation) : operation.apply();
  }

  /** Forces every write so far to stable storage, whatever the sync mode. */
  @Override
  public void sync() throws IOException {
    checkOpen();
    appender.groupCommit().syncAll();
  }

  /** Every live key, in unsigned byte order. */
  public List<byte[]> listKeys() {
    checkOpen();
    List<byte[]> keys = new ArrayList<>((int) Math.min(keydir.size(), Integer.MAX_VALUE));
    for (Iterator<Map.Entry<byte[], Long>> it = keydir.entries(new byte[0], null, false); it.hasNext(); ) {
      keys.add(it.next().getKey().clone());
    }
    return keys;
  }

  /** Receives key-value pairs from {@link #fold}; returns false to stop. */
  @FunctionalInterface
  public interface Visitor {
    boolean visit(byte[] key, byte[] value) throws IOException;
  }

  /** Calls {@code visitor} with every live key and its value in key order, until it returns false. */
  public void fold(Visitor visitor) throws IOException {
    try (EngineIterator it = iterator(IteratorOptions.all())) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value != null && !visitor.visit(it.key(), value)) {
          return;
        }
      }
    }
  }

  /** An iterator over the keys {@code options} selects, positioned on the first. */
  @Override
  public EngineIterator iterator(IteratorOptions options) {
    checkOpen();
    return new KeydirIterator(start -> keydir.entries(options.prefix(), start, options.reverse()));
  }

  /**
   * An iterator over the keys of one of {@link EngineOptions#keyGroups()}, in unsigned byte order, positioned
   * on the first; it visits no key of another group.
   *
   * @throws IllegalStateException if the engine was opened without key groups
   */
  @Override
  public EngineIterator groupIterator(int group) {
    checkOpen();
    if (!(keydir instanceof GroupedKeydir grouped)) {
      throw new IllegalStateException("the engine was opened without key groups");
    }
    Objects.checkIndex(group, options.keyGroups().count());
    return new KeydirIterator(start -> grouped.groupEntries(group, start));
  }

  /**
   * Returns once every record up to {@code seq} is as durable as the sync mode promises: under
   * {@link SyncMode#ALWAYS} fsync'd (sharing the fsync with every other caller waiting meanwhile); otherwise
   * at once. Any thread may wait; see {@link WriteGroup#end()}.
   *
   * @throws IOException if the fsync failed: then nothing up to {@code seq} may be acknowledged
   */
  public void awaitDurable(long seq) throws IOException {
    if (seq >= 0 && options.syncMode().kind() == SyncMode.Kind.ALWAYS) {
      appender.groupCommit().awaitDurable(seq);
    }
  }

  /** How many fsyncs group commit has issued: with concurrent writers under ALWAYS, fewer than the writes. */
  long groupCommitSyncs() {
    return appender.groupCommit().syncCount();
  }

  /** Sizes for monitoring and for deciding when to merge. */
  @Override
  public EngineStats stats() {
    FileSet files = appender.files();
    long keys = keydir.size();
    return new EngineStats(keys, files.count(), files.diskBytes(), files.deadBytes(), appender.writtenSeq(),
        appender.groupCommit().durableSeq(), appender.groupCommit().syncCount(), keys * EngineStats.KEY_OVERHEAD + keydir.keyBytes());
  }

  /** Whether the reclaimable ratio has reached {@link EngineOptions#mergeThreshold()}. */
  @Override
  public boolean needsMerge() {
    return stats().reclaimableRatio() >= options.mergeThreshold();
  }

  /**
   * Rewrites the live records of every data file into new files and deletes the old ones, so that
   * afterwards almost nothing is reclaimable. Reads and writes go on meanwhile; safe to call from any
   * thread; a second concurrent call waits for the first. Crash-safe: see {@link Merger}.
   */
  public MergeResult merge() throws IOException {
    return merge(WriterHandoff.DIRECT);
  }

  /**
   * {@link #merge()}, running its two steps that change what readers see (sealing the active file first,
   * swapping the merged files in at the end) through {@code writer}; the rest runs on the calling thread.
   * If the swap cannot be handed over after the merge's commit point, the engine refuses writes from then
   * on: reopening completes the merge.
   */
  @Override
  public MergeResult merge(WriterHandoff writer) throws IOException {
    checkOpen();
    maintenanceLock.lock();
    try {
      checkOpen();
      return merger.merge(writer);
    } finally {
      maintenanceLock.unlock();
    }
  }

  /**
   * Writes a hint file for every sealed data file that has no valid one, so that the next open reads
   * keys instead of whole files. Returns how many it wrote. Runs by itself after open and after each file
   * is sealed unless {@link EngineOptions#backgroundHintFiles()} is off.
   */
  @Override
  public int buildHintFiles() throws IOException {
    checkOpen();
    return writeMissingHintFiles(true);
  }

  /** Returns how many it wrote; stops early on close when {@code stopOnClose} (close writes the rest itself). */
  private int writeMissingHintFiles(boolean stopOnClose) throws IOException {
    maintenanceLock.lock();
    try {
      int written = 0;
      for (DataFile f : appender.files().all()) {
        if (closed && stopOnClose) {
          break;
        }
        // The active file qualifies once close() has sealed it; an empty one is about to be deleted.
        if (f.sealed() && !f.isEmpty() && !f.hinted()) {
          HintFile.write(dir, f);
          written++;
        }
      }
      return written;
    } finally {
      maintenanceLock.unlock();
    }
  }

  /**
   * Copies the database, as it is at the call, to {@code target} (which must not exist or be empty) while
   * reads and writes go on. The copy opens as a valid database.
   */
  @Override
  public void backup(Path target) throws IOException {
    checkOpen();
    if (Files.exists(target)) {
      try (var entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new EngineException("backup target " + target + " is not empty");
        }
      }
    }
    Files.createDirectories(target);
    maintenanceLock.lock();
    try {
      // The active file is copied up to where it was when no write was in progress: whole records only.
      FileSet files = appender.quiesced(appender::files);
      long activeSize = files.active().size();
      for (DataFile f : files.sealed()) {
        Path copy = target.resolve(f.path().getFileName());
        Files.copy(f.path(), copy, StandardCopyOption.COPY_ATTRIBUTES);
        Fsync.file(copy);
        Path hint = HintFile.path(dir, f.id());
        if (Files.exists(hint)) {
          Files.copy(hint, HintFile.path(target, f.id()));
          Fsync.file(HintFile.path(target, f.id()));
        }
      }
      DataFile active = files.active();
      try (FileChannel out = FileChannel.open(target.resolve(active.path().getFileName()), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        active.copyTo(out, 0, activeSize);
        out.force(true);
      }
      new MetaFile(FileHeader.FORMAT_VERSION, true).write(target);
      LOG.log(Level.INFO, "backed up {0} data files to {1}", files.count(), target);
    } finally {
      maintenanceLock.unlock();
    }
  }

  /**
   * Seals the active file, writes its hint file, fsyncs, and releases the directory. Waits for a running
   * merge to stop and for reads in progress to finish. Idempotent.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // Background work first, outside the maintenance lock: a hint build holds that lock and stops at its
    // next file once it sees closed; a merge stops at its next record.
    merger.stop();
    background.shutdown();
    awaitTermination();
    maintenanceLock.lock();
    try {
      boolean clean = appender.close(); // seals the active file, unless a write failed
      DataFile active = appender.files().active();
      writeMissingHintFiles(false); // so that the next open reads no data file whole
      guard.awaitReaders();
      for (DataFile f : appender.files().all()) {
        f.close();
        f.unmap();
        if (f == active && f.isEmpty()) {
          Files.deleteIfExists(f.path());
        }
      }
      new MetaFile(FileHeader.FORMAT_VERSION, clean).write(dir);
    } finally {
      maintenanceLock.unlock();
      lock.close();
    }
    LOG.log(Level.INFO, "closed {0}", dir);
  }

  private void awaitTermination() {
    boolean interrupted = false;
    while (true) {
      try {
        if (background.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
        LOG.log(Level.WARNING, "still waiting for background work on {0} to finish", dir);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void syncInBackground() {
    try {
      appender.groupCommit().syncAll();
    } catch (IOException e) {
      LOG.log(Level.ERROR, "background fsync of " + dir + " failed; writes are refused from now on", e);
    }
  }

  private void buildHintFilesInBackground() {
    try {
      if (!closed) {
        writeMissingHintFiles(true);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "building hint files in " + dir + " failed; the next open scans those data files", e);
    }
  }

  void checkKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length > options.maxKeySize()) {
      throw new LimitExceededException("key of " + key.length + " bytes is over the limit of " + options.maxKeySize() + " (maxKeySize)");
    }
  }

  void checkValue(byte[] key, byte[] value) {
    Objects.requireNonNull(value, "value");
    if (value.length > options.maxValueSize(key.length)) {
      throw new LimitExceededException("value of " + value.length + " bytes does not fit in a data file of "
          + options.dataFileSize() + " bytes (dataFileSize)");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new EngineClosedException(dir.toString());
    }
  }

  /** The value of {@code key}'s record at {@code location}, or null if there is none. */
  private byte[] valueAt(byte[] key, long location) throws IOException {
    return readAt(key, location, DataFile::readValue);
  }

  /** What to take from a record: its value, or value and sequence number. */
  private interface RecordRead<T> {
    T read(DataFile file, int offset) throws IOException;
  }

  /**
   * Reads {@code key}'s record at {@code location} (null if there is none). If a merge retired that file
   * after the keydir was read, the keydir already points at the copy: look again. Each retry means a merge
   * completed, so a few are plenty.
   */
  private <T> T readAt(byte[] key, long location, RecordRead<T> read) throws IOException {
    for (int attempt = 0; location != Location.NONE; attempt++) {
      DataFile file = appender.files().find(Location.fileId(location));
      if (file != null) {
        return read.read(file, Location.offset(location));
      }
      if (attempt == 100) {
        throw new IllegalStateException("keydir points at retired file " + Location.toString(location));
      }
      location = keydir.get(key);
    }
    return null;
  }

  /** {@link #readView()}: the reads, and nothing else (not a record: its accessor would hand the engine out). */
  private static final class View implements ReadView {
    private final Engine engine;

    View(Engine engine) {
      this.engine = engine;
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
      return engine.get(key);
    }

    @Override
    public boolean contains(byte[] key) {
      return engine.contains(key);
    }

    @Override
    public EngineIterator iterator(IteratorOptions options) {
      return engine.iterator(options);
    }

    @Override
    public EngineIterator groupIterator(int group) {
      return engine.groupIterator(group);
    }

    @Override
    public Versioned versioned(byte[] key) throws IOException {
      return engine.versioned(key);
    }

    @Override
    public <T> T atomically(ReadAction<T> read) throws IOException {
      return engine.atomically(read);
    }

    @Override
    public EngineStats stats() {
      return engine.stats();
    }

    @Override
    public EngineOptions options() {
      return engine.options();
    }
  }

  /** {@link #maintenance()}: the upkeep, and nothing else. */
  private static final class Upkeep implements EngineMaintenance {
    private final Engine engine;

    Upkeep(Engine engine) {
      this.engine = engine;
    }

    @Override
    public EngineStats stats() {
      return engine.stats();
    }

    @Override
    public EngineOptions options() {
      return engine.options();
    }

    @Override
    public boolean needsMerge() {
      return engine.needsMerge();
    }

    @Override
    public MergeResult merge(WriterHandoff writer) throws IOException {
      return engine.merge(writer);
    }

    @Override
    public void backup(Path target) throws IOException {
      engine.backup(target);
    }

    @Override
    public int buildHintFiles() throws IOException {
      return engine.buildHintFiles();
    }

    @Override
    public void sync() throws IOException {
      engine.sync();
    }
  }

  /** {@link EngineIterator} over the keydir. */
  private final class KeydirIterator implements EngineIterator {
    /** The entries from a start key on (null: from the first). */
    private final Function<byte[], Iterator<Map.Entry<byte[], Long>>> from;
    private Iterator<Map.Entry<byte[], Long>> entries;
    private Map.Entry<byte[], Long> current;

    KeydirIterator(Function<byte[], Iterator<Map.Entry<byte[], Long>>> from) {
      this.from = from;
      seekToFirst();
    }

    @Override
    public void seekToFirst() {
      position(null);
    }

    @Override
    public void seek(byte[] key) {
      position(Objects.requireNonNull(key, "key"));
    }

    private void position(byte[] start) {
      checkOpen();
      entries = from.apply(start);
      next();
    }

    @Override
    public boolean isValid() {
      return current != null;
    }

    @Override
    public void next() {
      current = entries.hasNext() ? entries.next() : null;
    }

    @Override
    public byte[] key() {
      return entry().getKey().clone();
    }

    @Override
    public byte[] value() throws IOException {
      byte[] key = entry().getKey();
      ReadGuard.Slot slot = guard.enter();
      try {
        checkOpen();
        return valueAt(key, entry().getValue());
      } finally {
        guard.exit(slot);
      }
    }

    private Map.Entry<byte[], Long> entry() {
      if (current == null) {
        throw new java.util.NoSuchElementException("the iterator is not on a key");
      }
      return current;
    }

    @Override
    public void close() {
      entries = null;
      current = null;
    }
  }
}
