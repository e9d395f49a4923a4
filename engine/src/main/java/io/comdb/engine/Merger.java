package io.comdb.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Rewrites the live records of every sealed file into new files, with hint files, while reads and writes
 * go on, then swaps them in.
 *
 * <p>Crash safety: the new files are written in {@code merge/} and fsync'd; then {@code merge/COMMIT}
 * names the input and output files (temp file + rename: the commit point); then the outputs are renamed
 * into the data directory and the inputs deleted. On open, {@link #finishInterrupted} deletes a
 * {@code merge/} without COMMIT (the merge never happened) and completes one with it (the outputs are
 * whole and fsync'd). Inputs are deleted only after COMMIT, so no record is ever lost in between.
 *
 * <p>Concurrency: the active file is sealed first, so the merge reads only immutable files. Writes racing
 * the merge land in the new active file; the swap moves a key only if the keydir still points at the
 * record the merge copied (compare-and-swap), so the racing write wins. Tombstones are dropped: a full
 * merge also drops every older record of the key they delete. Merged files get base sequence 0, which
 * orders them before every normal file at recovery (see {@link Recovery}).
 */
final class Merger {
  private static final System.Logger LOG = System.getLogger(Merger.class.getName());
  static final String DIR = "merge";
  private static final String COMMIT = "COMMIT";

  /** A live record the merge copied: the keydir moves from {@code from} to {@code to} if unchanged. */
  record Move(byte[] key, long from, long to) {}

  private final Path dir;
  private final EngineOptions options;
  private final Keydir keydir;
  private final LogAppender appender;
  private final ReadGuard guard;
  private final IntSupplier nextFileId;
  private volatile boolean stopping;

  Merger(Path dir, EngineOptions options, Keydir keydir, LogAppender appender, ReadGuard guard, IntSupplier nextFileId) {
    this.dir = dir;
    this.options = options;
    this.keydir = keydir;
    this.appender = appender;
    this.guard = guard;
    this.nextFileId = nextFileId;
  }

  /**
   * Runs one merge. The caller holds the engine's maintenance lock, so no other merge or file deletion runs.
   * The active file is sealed, and the merged files swapped in, on the writer, through {@code onWriter}.
   */
  MergeResult merge(WriterHandoff onWriter) throws IOException {
    onWriter.run(() -> appender.rotate());
    List<DataFile> inputs = appender.files().sealed();
    if (inputs.isEmpty()) {
      return new MergeResult(0, 0, 0, 0, 0);
    }
    long bytesBefore = 0;
    for (DataFile f : inputs) {
      bytesBefore += f.size();
    }
    Path mergeDir = dir.resolve(DIR);
    deleteRecursively(mergeDir);
    Files.createDirectories(mergeDir);

    List<Move> moves = new ArrayList<>();
    List<DataFile> outputs = new ArrayList<>();
    Throttle throttle = new Throttle(options.mergeBytesPerSecond());
    Output output = new Output(mergeDir, outputs);
    try {
      for (DataFile in : inputs) {
        RecordScanner.End end = RecordScanner.scan(in, true, (r, buf, offset) -> {
          if (stopping) {
            throw new EngineException("merge stopped: the engine is closing");
          }
          long from = Location.of(in.id(), offset);
          // Live means the keydir points here; that also means the record is committed.
          byte[] key = r.type().isValue() ? r.key(buf) : null;
          if (key != null && keydir.get(key) == from) {
            moves.add(new Move(key, from, output.append(r.seq(), key, r.value(buf))));
            throttle.spent(2L * r.size());
          }
        });
        if (!end.clean()) {
          throw new CorruptRecordException(in.path(), end.end(), end.problem());
        }
      }
      output.seal();
      for (DataFile o : outputs) {
        HintFile.write(mergeDir, o);
      }
      Fsync.directory(mergeDir);
      writeCommit(mergeDir, inputs, outputs);
    } catch (IOException | RuntimeException e) {
      for (DataFile o : outputs) {
        o.close();
      }
      deleteRecursively(mergeDir);
      throw e;
    }

    // Committed: from here on a crash completes the merge at the next open.
    List<DataFile> moved = new ArrayList<>();
    for (DataFile o : outputs) {
      moveIn(mergeDir, o.id());
      o.close();
      DataFile reopened = DataFile.open(DataFile.path(dir, o.id()));
      if (o.hinted()) {
        reopened.markHinted(); // its hint file moved in with it
      }
      moved.add(reopened);
      o.unmap(); // no reader ever saw the mapping of the file under merge/
    }
    Fsync.directory(dir);
    try {
      onWriter.run(() -> appender.swapMerged(moves, inputs, moved));
    } catch (IOException | RuntimeException e) {
      // Past the commit point the merged files are in the directory, and the next open uses them. Had this
      // engine gone on writing, a later merge could drop a tombstone that shadows one of their records:
      // refuse writes until a reopen completes the merge. (The swap may even have run, its answer lost, so
      // the new files stay mapped.)
      appender.fail(new IOException("a merge reached its commit point but its swap did not run; writes are refused until "
          + "the engine is reopened, which completes the merge", e));
      throw e;
    }
    guard.awaitReaders();
    for (DataFile in : inputs) {
      in.close();
      in.unmap();
      Files.deleteIfExists(in.path());
      HintFile.delete(dir, in.id());
    }
    Fsync.directory(dir);
    deleteRecursively(mergeDir);
    long bytesAfter = 0;
    for (DataFile o : moved) {
      bytesAfter += o.size();
    }
    MergeResult result = new MergeResult(inputs.size(), moved.size(), bytesBefore, bytesAfter, moves.size());
    LOG.log(Level.INFO, "merged {0} files ({1} bytes) into {2} files ({3} bytes), {4} live records",
        result.inputFiles(), bytesBefore, result.outputFiles(), bytesAfter, result.liveRecords());
    return result;
  }

  /** Stops a running merge at its next record (an interrupt would close the file channels under it). */
  void stop() {
    stopping = true;
  }

  /** The merge's output files: appends re-encoded records, starting a new file when one is full. */
  private final class Output {
    private final Path mergeDir;
    private final List<DataFile> files;
    private DataFile current;
    private ByteBuffer buf = ByteBuffer.allocate(64 << 10);

    Output(Path mergeDir, List<DataFile> files) {
      this.mergeDir = mergeDir;
      this.files = files;
    }

    long append(long seq, byte[] key, byte[] value) throws IOException {
      int size = Record.encodedSize(seq, key.length, value.length);
      if (current == null || !current.hasRoom(size)) {
        seal();
        current = DataFile.create(mergeDir, nextFileId.getAsInt(), 0, options.dataFileSize());
        files.add(current);
      }
      if (buf.capacity() < size) {
        buf = ByteBuffer.allocate(size);
      }
      buf.clear();
      Record.encode(buf, RecordType.VALUE, seq, key, value);
      return Location.of(current.id(), current.append(buf.flip()));
    }

    void seal() throws IOException {
      if (current != null) {
        current.seal();
      }
    }
  }

  private void moveIn(Path mergeDir, int id) throws IOException {
    Path data = DataFile.path(mergeDir, id);
    if (Files.exists(data)) {
      Files.move(data, DataFile.path(dir, id), StandardCopyOption.ATOMIC_MOVE);
    }
    Path hint = HintFile.path(mergeDir, id);
    if (Files.exists(hint)) {
      Files.move(hint, HintFile.path(dir, id), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void writeCommit(Path mergeDir, List<DataFile> inputs, List<DataFile> outputs) throws IOException {
    StringBuilder text = new StringBuilder("# ComDB merge: delete inputs, move outputs in\ninputs=");
    text.append(String.join(",", inputs.stream().map(f -> Integer.toString(f.id())).toList()));
    text.append("\noutputs=").append(String.join(",", outputs.stream().map(f -> Integer.toString(f.id())).toList())).append('\n');
    Path temp = mergeDir.resolve(COMMIT + ".tmp");
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Fsync.file(temp);
    Files.move(temp, mergeDir.resolve(COMMIT), StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(mergeDir);
  }

  /**
   * Opening: completes a merge that reached its commit point, or discards one that did not. Runs before
   * any data file is opened.
   */
  static void finishInterrupted(Path dir) throws IOException {
    Path mergeDir = dir.resolve(DIR);
    if (!Files.isDirectory(mergeDir)) {
      return;
    }
    Path commit = mergeDir.resolve(COMMIT);
    if (!Files.exists(commit)) {
      LOG.log(Level.WARNING, "discarding an unfinished merge in {0}", mergeDir);
      deleteRecursively(mergeDir);
      return;
    }
    Properties p = new Properties();
    try (var reader = Files.newBufferedReader(commit, StandardCharsets.UTF_8)) {
      p.load(reader);
    }
    int[] inputs = ids(p.getProperty("inputs", ""));
    int[] outputs = ids(p.getProperty("outputs", ""));
    LOG.log(Level.WARNING, "completing an interrupted merge: inputs {0}, outputs {1}", Arrays.toString(inputs), Arrays.toString(outputs));
    Merger merger = new Merger(dir, null, null, null, null, null);
    for (int id : outputs) {
      merger.moveIn(mergeDir, id);
    }
    Fsync.directory(dir);
    for (int id : inputs) {
      Files.deleteIfExists(DataFile.path(dir, id));
      HintFile.delete(dir, id);
    }
    Fsync.directory(dir);
    deleteRecursively(mergeDir);
  }

  private static int[] ids(String list) {
    return list.isBlank() ? new int[0] : Arrays.stream(list.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    if (Files.isDirectory(path)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
        for (Path p : entries) {
          deleteRecursively(p);
        }
      }
    }
    Files.delete(path);
  }

  /** Keeps a merge under a byte rate by sleeping; 0 means no limit. */
  private static final class Throttle {
    private final long bytesPerSecond;
    private final long start = System.nanoTime();
    private long spent;

    Throttle(long bytesPerSecond) {
      this.bytesPerSecond = bytesPerSecond;
    }

    void spent(long bytes) {
      if (bytesPerSecond == 0) {
        return;
      }
      spent += bytes;
      long dueNanos = spent * 1_000_000_000L / bytesPerSecond;
      long aheadNanos = dueNanos - (System.nanoTime() - start);
      if (aheadNanos > 1_000_000) {
        // parkNanos, not sleep: an interrupt must not reach the file channels (it would close them).
        LockSupport.parkNanos(Math.min(aheadNanos, TimeUnit.SECONDS.toNanos(1)));
      }
    }
  }
}
