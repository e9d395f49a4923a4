package io.comdb.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rebuilds the keydir when an engine opens: from each sealed file's hint file where it is valid, by
 * scanning the data file otherwise.
 *
 * <p>Files are read newest first, ordered by (base sequence, id). That order is the order of their
 * records' sequence numbers: a normal file's records are all newer than the previous normal file's, and a
 * merge's output files (base sequence 0) hold only records older than every normal file that survived the
 * merge, with each key at most once. So "newest sequence number wins" becomes: the first file to mention
 * a key decides it, and within one file the later record wins. A tombstone leaves a marker in the keydir
 * so older files cannot bring the key back; the markers are removed at the end.
 *
 * <p>Damage: only the newest normal file can have a torn tail (every other file was fsync'd and truncated
 * when it was sealed). A record there that fails to read, with no record that verifies after it, is a
 * torn write and is truncated with a warning, as is a batch without its commit record. Anything else that
 * fails to read is corruption: the open fails naming the file and offset, unless
 * {@link EngineOptions#repair()} asks to cut the damaged bytes out (see {@link Repair}).
 */
final class Recovery {
  private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

  /** What recovery found: the open files (the newest normal one already truncated to its valid end). */
  record Result(List<DataFile> files, long lastSeq, int maxFileId) {}

  private Recovery() {}

  static Result run(Path dir, EngineOptions options, Keydir keydir) throws IOException {
    List<DataFile> files = openDataFiles(dir);
    try {
      files.sort(Comparator.comparingLong(DataFile::baseSeq).thenComparingInt(DataFile::id));
      DataFile tail = files.isEmpty() || files.get(files.size() - 1).baseSeq() == 0 ? null : files.get(files.size() - 1);
      long lastSeq = tail == null ? 0 : tail.baseSeq() - 1;
      for (int i = files.size() - 1; i >= 0; i--) {
        FileLoad load = new FileLoad(files.get(i), keydir);
        load(dir, load, files.get(i) == tail, options);
        files.set(i, load.file); // a repair may have rewritten it
        lastSeq = Math.max(lastSeq, load.maxSeq());
      }
      keydir.removeIf(Location::isTombstone);
      int maxFileId = 0;
      for (DataFile f : files) {
        maxFileId = Math.max(maxFileId, f.id());
      }
      List<DataFile> kept = new ArrayList<>();
      for (DataFile f : files) {
        if (f.isEmpty()) {
          f.close();
          f.unmap();
          Files.delete(f.path());
          HintFile.delete(dir, f.id());
        } else {
          kept.add(f);
        }
      }
      LOG.log(Level.INFO, "recovered {0} keys from {1} data files in {2}, last sequence {3}", keydir.size(), kept.size(), dir, lastSeq);
      return new Result(kept, lastSeq, maxFileId);
    } catch (IOException | RuntimeException e) {
      for (DataFile f : files) {
        f.close();
      }
      throw e;
    }
  }

  private static List<DataFile> openDataFiles(Path dir) throws IOException {
    List<DataFile> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.delete(p); // an unfinished hint or meta file: its rename never happened
        } else if (DataFile.idOf(p) >= 0) {
          try {
            files.add(DataFile.open(p));
          } catch (IOException | RuntimeException e) {
            for (DataFile f : files) {
              f.close();
            }
            throw e;
          }
        }
      }
    }
    return files;
  }

  /** Loads one file into the keydir. */
  private static void load(Path dir, FileLoad load, boolean tail, EngineOptions options) throws IOException {
    DataFile file = load.file;
    // A hint file is written only for a sealed file and names its exact size, so a valid one is trusted even
    // for the newest file: a crashed active file is still at its full capacity and never matches.
    List<HintFile.Entry> hint = HintFile.read(dir, file);
    if (hint != null) {
      for (HintFile.Entry e : hint) {
        load.apply(e.key(), e.type(), e.seq(), e.offset(), e.size());
      }
      file.markHinted();
      file.addDeadBytes(file.size() - FileHeader.SIZE - load.liveBytes);
      return;
    }
    long from = FileHeader.SIZE;
    long validEnd;
    while (true) {
      RecordScanner.End end = RecordScanner.scan(load.file, options.mmapAtStartup(), from, load.records);
      validEnd = end.end();
      if (end.clean()) {
        break;
      }
      file = load.file;
      CorruptRecordException corrupt = new CorruptRecordException(file.path(), end.end(), end.problem()
          + " (open with repair to cut the damaged bytes out of the file)");
      if (!tail && !options.repair()) {
        throw corrupt;
      }
      // In the newest file, damage with nothing valid after it is a torn write (the crash came mid-write,
      // or before the zeroed capacity was reached); damage with valid records after it is corruption.
      long resume = Repair.resyncPoint(file, end.end());
      if (tail && resume < 0) {
        if (end.status() != Record.Status.ZERO) {
          LOG.log(Level.WARNING, "{0}: torn write at offset {1} ({2}), truncating", file.path(), end.end(), end.problem());
        }
        break;
      }
      if (!options.repair()) {
        throw corrupt;
      }
      load.records.dropPending(); // a batch the damage cut through is incomplete
      if (resume < 0) {
        LOG.log(Level.WARNING, "repair: {0} is damaged from offset {1} ({2}) to its end; truncating {3} bytes",
            file.path(), end.end(), end.problem(), file.size() - end.end());
        HintFile.delete(dir, file.id());
        break;
      }
      LOG.log(Level.WARNING, "repair: cutting damaged bytes {1}..{2} ({3}) out of {0}", file.path(), end.end(), resume, end.problem());
      load.file = Repair.cutOut(dir, file, end.end(), resume);
      from = end.end();
    }
    file = load.file;
    if (load.records.pendingStart() >= 0) {
      validEnd = Math.min(validEnd, load.records.pendingStart());
      load.records.dropPending();
      LOG.log(Level.WARNING, "{0}: dropping a write batch with no commit record at offset {1}", file.path(), validEnd);
    }
    if (validEnd < file.size()) {
      file.truncate(validEnd);
    }
    file.addDeadBytes(file.size() - FileHeader.SIZE - load.liveBytes);
  }

  /** Applies one file's committed records to the keydir, newest-file-first rules, and counts its live bytes. */
  private static final class FileLoad {
    /** Replaced when a repair rewrites the file (offsets before the damage stay the same). */
    private DataFile file;
    private final Keydir keydir;
    private final CommittedRecords records;
    private long liveBytes;
    private long maxSeq;

    FileLoad(DataFile file, Keydir keydir) {
      this.file = file;
      this.keydir = keydir;
      this.records = new CommittedRecords(file.path(), e -> apply(e.key(), e.type(), e.seq(), e.offset(), e.size()));
    }

    long maxSeq() {
      return Math.max(maxSeq, records.maxSeq());
    }

    void apply(byte[] key, RecordType type, long seq, int offset, int size) {
      maxSeq = Math.max(maxSeq, seq);
      long location = type == RecordType.VALUE ? Location.of(file.id(), offset) : Location.tombstone(file.id(), offset);
      long current = keydir.putIfAbsent(key, location); // the common case, a key seen first: one lookup
      if (current == Location.NONE) {
        liveBytes += type == RecordType.VALUE ? size : 0;
        return;
      }
      if (Location.fileId(current) != file.id()) {
        return; // a newer file already decided this key
      }
      if (!Location.isTombstone(current)) {
        liveBytes -= file.recordSize(Location.offset(current)); // superseded by this later record
      }
      keydir.put(key, location);
      liveBytes += type == RecordType.VALUE ? size : 0;
    }
  }
}
