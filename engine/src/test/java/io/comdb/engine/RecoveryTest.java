package io.comdb.engine;

import static io.comdb.engine.EngineContract.b;
import static io.comdb.engine.EngineContract.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening after crashes and damage: torn tails are repaired, corruption is reported, never served. */
class RecoveryTest {
  @TempDir
  Path dir;
  @TempDir
  Path image;

  private EngineOptions.Builder small(Path d) {
    return EngineOptions.builder(d).dataFileSize(4096);
  }

  /** Writes keys k0..k{n-1} into several small sealed files and closes. */
  private void fillAndClose(int n) throws IOException {
    try (Engine db = Engine.open(small(dir).build())) {
      for (int i = 0; i < n; i++) {
        db.put(b("k" + i), b("value-" + i));
      }
    }
  }

  @Test
  void flippedByteInAnOldFileFailsTheOpenNamingFileAndOffset() throws IOException {
    fillAndClose(300);
    TestFiles.deleteHintFiles(dir);
    Path first = TestFiles.dataFiles(dir).get(0);
    List<Long> records = TestFiles.recordOffsets(first);
    long damaged = records.get(5);
    TestFiles.flipByte(first, damaged + 12);

    assertThatThrownBy(() -> Engine.open(small(dir).build()))
        .isInstanceOfSatisfying(CorruptRecordException.class, e -> {
          assertThat(e.file()).isEqualTo(first);
          assertThat(e.offset()).isEqualTo(damaged);
        })
        .hasMessageContaining(first.getFileName().toString())
        .hasMessageContaining("repair");
  }

  @Test
  void aDamagedValueBehindAValidHintIsReportedOnGetNotServed() throws IOException {
    fillAndClose(300);
    Path first = TestFiles.dataFiles(dir).get(0);
    long damaged = TestFiles.recordOffsets(first).get(0);
    TestFiles.flipByte(first, damaged + 14);
    try (Engine db = Engine.open(small(dir).build())) {
      assertThatThrownBy(() -> db.get(b("k0")))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining(first.getFileName().toString());
      assertThat(s(db.get(b("k299")))).isEqualTo("value-299");
    }
  }

  @Test
  void repairCutsOutOnlyTheDamagedRecords() throws IOException {
    fillAndClose(300);
    TestFiles.deleteHintFiles(dir);
    Path first = TestFiles.dataFiles(dir).get(0);
    List<Long> records = TestFiles.recordOffsets(first);
    TestFiles.flipByte(first, records.get(5) + 12);
    TestFiles.flipByte(first, records.get(9) + 3);
    try (Engine db = Engine.open(small(dir).repair(true).build())) {
      assertThat(db.get(b("k5"))).isNull();
      assertThat(db.get(b("k9"))).isNull();
      for (int i = 0; i < 300; i++) {
        if (i != 5 && i != 9) {
          assertThat(s(db.get(b("k" + i)))).as("k%d", i).isEqualTo("value-" + i);
        }
      }
      assertThat(db.stats().liveKeys()).isEqualTo(298);
    }
    try (Engine db = Engine.open(small(dir).build())) { // repaired for good
      assertThat(db.stats().liveKeys()).isEqualTo(298);
    }
  }

  @Test
  void repairTruncatesWhenNothingAfterTheDamageVerifies() throws IOException {
    fillAndClose(300);
    TestFiles.deleteHintFiles(dir);
    Path first = TestFiles.dataFiles(dir).get(0);
    List<Long> records = TestFiles.recordOffsets(first);
    int last = records.size() - 1;
    TestFiles.flipByte(first, records.get(last) + 6);
    try (Engine db = Engine.open(small(dir).repair(true).build())) {
      assertThat(db.get(b("k" + last))).isNull();
      assertThat(db.stats().liveKeys()).isEqualTo(299);
    }
    assertThat(Files.size(first)).isEqualTo(records.get(last));
  }

  @Test
  void repairDropsAWholeBatchWhenOneOfItsRecordsIsDamaged() throws IOException {
    try (Engine db = Engine.open(small(dir).build())) {
      db.put(b("before"), b("1"));
      db.newWriteBatch().put(b("a"), b("1")).put(b("b"), b("2")).put(b("c"), b("3")).commit();
      db.put(b("after"), b("2"));
    }
    TestFiles.deleteHintFiles(dir);
    Path file = TestFiles.dataFiles(dir).get(0);
    List<Long> records = TestFiles.recordOffsets(file); // before, a, b, c, commit, after
    TestFiles.flipByte(file, records.get(2) + 7);
    try (Engine db = Engine.open(small(dir).repair(true).build())) {
      assertThat(db.get(b("a"))).isNull();
      assertThat(db.get(b("c"))).isNull();
      assertThat(s(db.get(b("before")))).isEqualTo("1");
      assertThat(s(db.get(b("after")))).isEqualTo("2");
    }
  }

  @Test
  void aCrashImageOpensWithEveryWrite() throws IOException {
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
      for (int i = 0; i < 100; i++) {
        db.put(b("k" + i), b("v" + i));
      }
      db.delete(b("k3"));
      TestFiles.crashImage(dir, image);
    }
    try (Engine db = Engine.open(EngineOptions.builder(image).build())) {
      assertThat(db.stats().liveKeys()).isEqualTo(99);
      assertThat(db.get(b("k3"))).isNull();
      assertThat(s(db.get(b("k99")))).isEqualTo("v99");
    }
  }

  /** Writes k0..k9 (values v0..v9), takes a crash image of the directory, and returns its active file. */
  private Path crashImageOfTenKeys() throws IOException {
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
      for (int i = 0; i < 10; i++) {
        db.put(b("k" + i), b("v" + i));
      }
      TestFiles.crashImage(dir, image);
    }
    return TestFiles.dataFiles(image).get(0);
  }

  @Test
  void aTornRecordAtTheTailIsTruncated() throws IOException {
    Path active = crashImageOfTenKeys();
    long end = TestFiles.writtenEnd(active);
    List<Long> records = TestFiles.recordOffsets(active);
    long lastStart = records.get(records.size() - 1);
    // Half of the last record reached the disk; the rest of the page is zeros.
    TestFiles.write(active, lastStart + (end - lastStart) / 2, new byte[(int) (end - lastStart)]);
    try (Engine db = Engine.open(EngineOptions.builder(image).build())) {
      assertThat(s(db.get(b("k8")))).isEqualTo("v8");
      assertThat(db.get(b("k9"))).isNull();
      db.put(b("k9"), b("again"));
    }
    try (Engine db = Engine.open(EngineOptions.builder(image).build())) {
      assertThat(s(db.get(b("k9")))).isEqualTo("again");
      assertThat(Files.size(active)).isEqualTo(lastStart);
    }
  }

  @Test
  void aFileCutShortMidRecordIsATornTail() throws IOException {
    Path active = crashImageOfTenKeys();
    long end = TestFiles.writtenEnd(active);
    TestFiles.truncate(active, end - 3);
    try (Engine db = Engine.open(EngineOptions.builder(image).build())) {
      assertThat(db.stats().liveKeys()).isEqualTo(9);
    }
  }

  @Test
  void aBatchWithoutItsCommitRecordIsInvisible() throws IOException {
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
      db.put(b("before"), b("1"));
      db.newWriteBatch().put(b("a"), b("1")).put(b("b"), b("2")).delete(b("before")).commit();
      TestFiles.crashImage(dir, image);
    }
    Path active = TestFiles.dataFiles(image).get(0);
    List<Long> records = TestFiles.recordOffsets(active);
    long commit = records.get(records.size() - 1);
    TestFiles.truncate(active, commit); // the crash came just before the commit record
    try (Engine db = Engine.open(EngineOptions.builder(image).build())) {
      assertThat(db.get(b("a"))).isNull();
      assertThat(db.get(b("b"))).isNull();
      assertThat(s(db.get(b("before")))).isEqualTo("1");
      assertThat(db.stats().liveKeys()).isEqualTo(1);
    }
  }

  @Test
  void corruptionInTheMiddleOfTheCrashedActiveFileIsNotMistakenForATornTail() throws IOException {
    Path active = crashImageOfTenKeys();
    long third = TestFiles.recordOffsets(active).get(2);
    TestFiles.flipByte(active, third + 10);
    assertThatThrownBy(() -> Engine.open(EngineOptions.builder(image).build()))
        .isInstanceOfSatisfying(CorruptRecordException.class, e -> assertThat(e.offset()).isEqualTo(third));
  }

  @Test
  void aLengthCorruptedToRunPastTheEndIsNotATornTailWhenRecordsFollow() throws IOException {
    Path active = crashImageOfTenKeys();
    long third = TestFiles.recordOffsets(active).get(2);
    // value length (offset 7 for these small records) becomes a 5-byte varint of ~34 GB
    TestFiles.write(active, third + 7, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
    assertThatThrownBy(() -> Engine.open(EngineOptions.builder(image).build()))
        .isInstanceOfSatisfying(CorruptRecordException.class, e -> assertThat(e.offset()).isEqualTo(third));
    try (Engine db = Engine.open(EngineOptions.builder(image).repair(true).build())) {
      assertThat(db.get(b("k2"))).isNull();
      assertThat(s(db.get(b("k9")))).isEqualTo("v9"); // the acknowledged writes after the damage survive
      assertThat(db.stats().liveKeys()).isEqualTo(9);
    }
  }

  @Test
  void aDamagedHintFileIsIgnoredAndTheDataFileScanned() throws IOException {
    fillAndClose(300);
    java.util.Map<Path, byte[]> damaged = new java.util.HashMap<>();
    for (Path hint : TestFiles.hintFiles(dir)) {
      TestFiles.flipByte(hint, Files.size(hint) / 2);
      damaged.put(hint, Files.readAllBytes(hint));
    }
    try (Engine db = Engine.open(small(dir).build())) {
      assertThat(db.stats().liveKeys()).isEqualTo(300);
      assertThat(s(db.get(b("k150")))).isEqualTo("value-150");
      db.buildHintFiles(); // the background builder may have got there first; either way they are rewritten
      for (var e : damaged.entrySet()) {
        assertThat(Files.readAllBytes(e.getKey())).isNotEqualTo(e.getValue());
      }
    }
  }

  @Test
  void aFileFromAFutureFormatIsRefusedClearly() throws IOException {
    fillAndClose(10);
    Path first = TestFiles.dataFiles(dir).get(0);
    Files.write(first, TestFiles.withHeaderInt(Files.readAllBytes(first), 8, 9)); // format version 9
    assertThatThrownBy(() -> Engine.open(small(dir).build()))
        .isInstanceOf(IncompatibleFormatException.class)
        .hasMessageContaining("format version 9")
        .hasMessageContaining("newer");
  }

  @Test
  void aDamagedFileHeaderIsReported() throws IOException {
    fillAndClose(10);
    Path first = TestFiles.dataFiles(dir).get(0);
    TestFiles.flipByte(first, 9);
    assertThatThrownBy(() -> Engine.open(small(dir).build()))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("header checksum");
  }

  @Test
  void aForeignFileNamedLikeADataFileIsRefused() throws IOException {
    Files.writeString(dir.resolve("000000001.data"), "this is not a ComDB file, but long enough to have a header");
    assertThatThrownBy(() -> Engine.open(small(dir).build())).hasMessageContaining("bad magic");
  }

  @Test
  void aMergeThatDidNotReachItsCommitIsDiscarded() throws IOException {
    fillAndClose(50);
    Path merge = Files.createDirectories(dir.resolve(Merger.DIR));
    Files.copy(TestFiles.dataFiles(dir).get(0), merge.resolve("000000999.data"));
    try (Engine db = Engine.open(small(dir).build())) {
      assertThat(db.stats().liveKeys()).isEqualTo(50);
    }
    assertThat(merge).doesNotExist();
  }

  @Test
  void aMergeThatReachedItsCommitIsCompleted() throws IOException {
    fillAndClose(50);
    List<Path> before = TestFiles.dataFiles(dir);
    // Stage a real merge's output by merging a backup, then pretend its commit was reached here.
    Path staging = image.resolve("staging");
    try (Engine db = Engine.open(small(dir).build())) {
      db.backup(staging);
    }
    try (Engine copy = Engine.open(small(staging).build())) {
      copy.merge();
    }
    Path merge = Files.createDirectories(dir.resolve(Merger.DIR));
    StringBuilder outputs = new StringBuilder();
    for (Path p : TestFiles.dataFiles(staging)) {
      int id = DataFile.idOf(p) + 1000;
      Files.write(DataFile.path(merge, id), TestFiles.withHeaderInt(Files.readAllBytes(p), 12, id));
      outputs.append(outputs.length() == 0 ? "" : ",").append(id);
    }
    StringBuilder inputs = new StringBuilder();
    for (Path p : TestFiles.dataFiles(dir)) {
      inputs.append(inputs.length() == 0 ? "" : ",").append(DataFile.idOf(p));
    }
    Files.writeString(merge.resolve("COMMIT"), "inputs=" + inputs + "\noutputs=" + outputs + "\n");
    try (Engine db = Engine.open(small(dir).build())) {
      assertThat(db.stats().liveKeys()).isEqualTo(50);
      assertThat(s(db.get(b("k49")))).isEqualTo("value-49");
    }
    for (Path p : before) {
      assertThat(p).doesNotExist();
    }
    assertThat(merge).doesNotExist();
  }
}
