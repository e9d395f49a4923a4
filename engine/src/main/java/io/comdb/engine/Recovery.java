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
 * when it was sealed). A record there that fails to read, followed by nothing but zeros, is a torn write
 * and is truncated with a warning, as is a batch without its commit record. Anything else that fails to
 * read is corruption: the open fails naming the file and offset, unless {@link EngineOptions#repair()}
 * asks to truncate the file there.
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
        DataFile file = files.get(i);
        long fileSeq = load(dir, file, file == tail, options, keydir);
        lastSeq = Math.max(lastSeq, fileSeq);
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

  /** Loads one file into the keydir; returns the largest sequence number in it. */
  private static long load(Path dir, DataFile file, boolean tail, EngineOptions options, Keydir keydir) throws IOException {
    FileLoad load = new FileLoad(file, keydir);
    // A hint file is written only for a sealed file and names its exact size, so a valid one is trusted even
    // for the newest file: a crashed active file is still at its full capacity and never matches.
    List<HintFile.Entry> hint = HintFile.read(dir, file);
    if (hint != null) {
      for (HintFile.Entry e : hint) {
        load.apply(e.key(), e.type(), e.seq(), e.offset(), e.size());
      }
      file.markHinted();
    } else {
      RecordScanner.End end = RecordScanner.scan(file, options.mmapAtStartup(), (r, buf, offset) -> load.record(r, buf, offset));
      long validEnd = end.end();
      if (!end.clean()) {
        boolean torn = tail && (end.status() == Record.Status.TRUNCATED || RecordScanner.zeroFrom(file, end.claimedEnd()));
        if (!torn) {
          if (!options.repair()) {
            throw new CorruptRecordException(file.path(), end.end(), end.problem()
                + " (open with repair to truncate the file here, losing its records from this offset on)");
          }
          LOG.log(Level.WARNING, "repair: truncating {0} at offset {1} ({2}), dropping {3} bytes",
              file.path(), end.end(), end.problem(), file.size() - end.end());
          HintFile.delete(dir, file.id());
        } else if (end.status() != Record.Status.ZERO) {
          LOG.log(Level.WARNING, "{0}: torn write at offset {1} ({2}), truncating", file.path(), end.end(), end.problem());
        }
      }
      if (load.pendingStart >= 0) {
        validEnd = Math.min(validEnd, load.pendingStart);
        load.dropPending();
        LOG.log(Level.WARNING, "{0}: dropping a write batch with no commit record at offset {1}", file.path(), validEnd);
      }
      if (validEnd < file.size()) {
        file.truncate(validEnd);
      }
    }
    file.addDeadBytes(file.size() - FileHeader.SIZE - load.liveBytes);
    return load.maxSeq;
  }

  /** Applies one file's records to the keydir, newest-file-first rules, and counts its live bytes. */
  private static final class FileLoad {
    private final DataFile file;
    private final Keydir keydir;
    private long liveBytes;
    private long maxSeq;
    private final List<HintFile.Entry> pending = new ArrayList<>();
    private long pendingStart = -1;

    FileLoad(DataFile file, Keydir keydir) {
      this.file = file;
      this.keydir = keydir;
    }

    void record(Record r, ByteBuffer buf, long offset) {
      maxSeq = Math.max(maxSeq, r.seq());
      if (r.type() == RecordType.BATCH_COMMIT) {
        for (HintFile.Entry e : pending) {
          apply(e.key(), e.type(), e.seq(), e.offset(), e.size());
        }
        dropPending();
        return;
      }
      RecordType plain = r.type().isValue() ? RecordType.VALUE : RecordType.TOMBSTONE;
      if (r.type().inBatch()) {
        if (pendingStart < 0) {
          pendingStart = offset;
        }
        pending.add(new HintFile.Entry(plain, r.seq(), r.key(buf), (int) offset, r.size()));
        return;
      }
      // A plain record after batch records with no commit: that batch was cut short by a crash before
      // recovery truncated it. It stays invisible.
      dropPending();
      apply(r.key(buf), plain, r.seq(), (int) offset, r.size());
    }

    void dropPending() {
      pending.clear();
      pendingStart = -1;
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
