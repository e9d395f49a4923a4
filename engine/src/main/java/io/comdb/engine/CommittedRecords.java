package io.comdb.engine;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a scan's records into the records that count: a plain record passes at once; the records of a
 * write batch pass only when the batch's commit record follows with the right count. A batch cut short
 * (a crash before its commit, or damage) never passes. Batch records pass as plain values and tombstones.
 */
final class CommittedRecords implements RecordScanner.Visitor {
  private static final System.Logger LOG = System.getLogger(CommittedRecords.class.getName());

  private final Path file;
  private final Consumer<HintFile.Entry> sink;
  private final List<HintFile.Entry> pending = new ArrayList<>();
  private long pendingStart = -1;
  private long maxSeq;

  CommittedRecords(Path file, Consumer<HintFile.Entry> sink) {
    this.file = file;
    this.sink = sink;
  }

  @Override
  public void visit(Record r, ByteBuffer buf, long offset) {
    maxSeq = Math.max(maxSeq, r.seq());
    if (r.type() == RecordType.BATCH_COMMIT) {
      long count = r.varintValue(buf);
      if (count == pending.size()) {
        pending.forEach(sink);
      } else {
        LOG.log(Level.WARNING, "{0}: the batch commit at offset {1} counts {2} records but {3} precede it; dropping the batch",
            file, offset, count, pending.size());
      }
      dropPending();
      return;
    }
    RecordType plain = r.type().isValue() ? RecordType.VALUE : RecordType.TOMBSTONE;
    HintFile.Entry e = new HintFile.Entry(plain, r.seq(), r.key(buf), (int) offset, r.size());
    if (r.type().inBatch()) {
      if (pendingStart < 0) {
        pendingStart = offset;
      }
      pending.add(e);
      return;
    }
    // A plain record after batch records with no commit: that batch was cut short by a crash, and recovery
    // appended after it. It stays invisible.
    dropPending();
    sink.accept(e);
  }

  /** Where the batch still waiting for its commit record starts, or -1. */
  long pendingStart() {
    return pendingStart;
  }

  void dropPending() {
    pending.clear();
    pendingStart = -1;
  }

  long maxSeq() {
    return maxSeq;
  }
}
