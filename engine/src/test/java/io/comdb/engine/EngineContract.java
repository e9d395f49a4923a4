package io.comdb.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's behaviour, the same under every option set ({@link EngineTest} runs it under each). */
abstract class EngineContract {
  @TempDir
  Path dir;
  Engine db;

  abstract EngineOptions.Builder options(Path dir);

  @BeforeEach
  void open() throws IOException {
    db = Engine.open(options(dir).build());
  }

  @AfterEach
  void close() throws IOException {
    db.close();
  }

  void reopen() throws IOException {
    db.close();
    db = Engine.open(options(dir).build());
  }

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, UTF_8);
  }

  static List<String> strings(List<byte[]> keys) {
    List<String> out = new ArrayList<>();
    keys.forEach(k -> out.add(s(k)));
    return out;
  }

  @Test
  void getOfMissingKeyIsNull() throws IOException {
    assertThat(db.get(b("nope"))).isNull();
  }

  @Test
  void putThenGetReturnsTheValue() throws IOException {
    db.put(b("k"), b("v"));
    assertThat(s(db.get(b("k")))).isEqualTo("v");
  }

  @Test
  void putOverwrites() throws IOException {
    db.put(b("k"), b("v1"));
    db.put(b("k"), b("v2"));
    assertThat(s(db.get(b("k")))).isEqualTo("v2");
    assertThat(db.stats().liveKeys()).isEqualTo(1);
  }

  @Test
  void emptyKeyAndEmptyValueAreValues() throws IOException {
    db.put(new byte[0], new byte[0]);
    assertThat(db.get(new byte[0])).isEmpty();
    reopen();
    assertThat(db.get(new byte[0])).isEmpty();
  }

  @Test
  void binaryKeysWithCrLfAndZeros() throws IOException {
    byte[] key = {0, '\r', '\n', (byte) 0xFF, 0};
    db.put(key, new byte[] {1, 2, 3});
    reopen();
    assertThat(db.get(key)).containsExactly(1, 2, 3);
  }

  @Test
  void deleteRemovesAndReportsWhetherThereWasAValue() throws IOException {
    db.put(b("k"), b("v"));
    assertThat(db.delete(b("k"))).isTrue();
    assertThat(db.get(b("k"))).isNull();
    assertThat(db.delete(b("k"))).isFalse();
    reopen();
    assertThat(db.get(b("k"))).isNull();
  }

  @Test
  void callerMutatingItsArraysAfterPutChangesNothing() throws IOException {
    byte[] key = b("key");
    byte[] value = b("value");
    db.put(key, value);
    key[0] = 'X';
    value[0] = 'X';
    assertThat(s(db.get(b("key")))).isEqualTo("value");
    assertThat(strings(db.listKeys())).containsExactly("key");
  }

  @Test
  void largeValuesRoundTrip() throws IOException {
    byte[] big = new byte[Math.min(3 << 20, db.options().dataFileSize() - 100)];
    new java.util.Random(1).nextBytes(big);
    db.put(b("big"), big);
    db.put(b("small"), b("x"));
    assertThat(db.get(b("big"))).isEqualTo(big);
    reopen();
    assertThat(db.get(b("big"))).isEqualTo(big);
    byte[] tooBig = new byte[db.options().dataFileSize()];
    assertThatThrownBy(() -> db.put(b("huge"), tooBig)).isInstanceOf(LimitExceededException.class).hasMessageContaining("dataFileSize");
  }

  @Test
  void sealedFilesHoldNoFileDescriptor() throws IOException {
    long before = openDescriptors();
    db.close();
    db = Engine.open(options(dir).dataFileSize(4096).build());
    for (int i = 0; i < 2000; i++) {
      db.put(b("key" + i), new byte[100]); // ~60 files of 4 KiB
    }
    assertThat(db.stats().dataFiles()).isGreaterThan(50);
    assertThat(openDescriptors() - before).isLessThan(20);
  }

  private static long openDescriptors() throws IOException {
    try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void dataSurvivesReopen() throws IOException {
    for (int i = 0; i < 500; i++) {
      db.put(b("key" + i), b("value" + i));
    }
    db.delete(b("key7"));
    reopen();
    assertThat(db.stats().liveKeys()).isEqualTo(499);
    assertThat(s(db.get(b("key499")))).isEqualTo("value499");
    assertThat(db.get(b("key7"))).isNull();
  }

  @Test
  void listKeysIsInUnsignedByteOrder() throws IOException {
    db.put(new byte[] {(byte) 0x80}, b("high"));
    db.put(b("b"), b("2"));
    db.put(b("a"), b("1"));
    List<byte[]> keys = db.listKeys();
    assertThat(keys).hasSize(3);
    assertThat(s(keys.get(0))).isEqualTo("a");
    assertThat(s(keys.get(1))).isEqualTo("b");
    assertThat(keys.get(2)).containsExactly((byte) 0x80);
  }

  @Test
  void foldVisitsInOrderAndStopsWhenAsked() throws IOException {
    for (String k : List.of("c", "a", "b", "d")) {
      db.put(b(k), b(k.toUpperCase()));
    }
    List<String> seen = new ArrayList<>();
    db.fold((k, v) -> {
      seen.add(s(k) + "=" + s(v));
      return seen.size() < 3;
    });
    assertThat(seen).containsExactly("a=A", "b=B", "c=C");
  }

  @Test
  void iteratorWalksAPrefixForwardAndBackward() throws IOException {
    for (String k : List.of("user:1", "user:2", "user:3", "usex", "app:1")) {
      db.put(b(k), b("v-" + k));
    }
    List<String> forward = new ArrayList<>();
    try (EngineIterator it = db.iterator(IteratorOptions.prefix(b("user:")))) {
      for (; it.isValid(); it.next()) {
        forward.add(s(it.key()) + "=" + s(it.value()));
      }
    }
    assertThat(forward).containsExactly("user:1=v-user:1", "user:2=v-user:2", "user:3=v-user:3");
    List<String> backward = new ArrayList<>();
    try (EngineIterator it = db.iterator(IteratorOptions.prefix(b("user:")).reversed())) {
      for (; it.isValid(); it.next()) {
        backward.add(s(it.key()));
      }
    }
    assertThat(backward).containsExactly("user:3", "user:2", "user:1");
  }

  @Test
  void iteratorSeekLandsAtOrAfterTheKeyOrAtOrBeforeWhenReversed() throws IOException {
    for (String k : List.of("a", "c", "e", "g")) {
      db.put(b(k), b(k));
    }
    try (EngineIterator it = db.iterator(IteratorOptions.all())) {
      it.seek(b("d"));
      assertThat(s(it.key())).isEqualTo("e");
      it.seek(b("c"));
      assertThat(s(it.key())).isEqualTo("c");
      it.seek(b("z"));
      assertThat(it.isValid()).isFalse();
      it.seekToFirst();
      assertThat(s(it.key())).isEqualTo("a");
    }
    try (EngineIterator it = db.iterator(IteratorOptions.all().reversed())) {
      it.seek(b("d"));
      assertThat(s(it.key())).isEqualTo("c");
      it.next();
      assertThat(s(it.key())).isEqualTo("a");
      it.next();
      assertThat(it.isValid()).isFalse();
    }
  }

  @Test
  void seekOutsideThePrefixIsClampedToIt() throws IOException {
    for (String k : List.of("a1", "b1", "b2", "c1")) {
      db.put(b(k), b(k));
    }
    try (EngineIterator it = db.iterator(IteratorOptions.prefix(b("b")))) {
      it.seek(b("a"));
      assertThat(s(it.key())).isEqualTo("b1");
      it.seek(b("c"));
      assertThat(it.isValid()).isFalse();
    }
    try (EngineIterator it = db.iterator(IteratorOptions.prefix(b("b")).reversed())) {
      it.seek(b("z"));
      assertThat(s(it.key())).isEqualTo("b2");
      it.seek(b("a"));
      assertThat(it.isValid()).isFalse();
    }
  }

  @Test
  void writeBatchAppliesEverythingAtOnce() throws IOException {
    db.put(b("gone"), b("x"));
    WriteBatch batch = db.newWriteBatch();
    batch.put(b("a"), b("1")).put(b("b"), b("2")).delete(b("gone")).put(b("a"), b("3"));
    assertThat(db.get(b("a"))).isNull();
    batch.commit();
    assertThat(s(db.get(b("a")))).isEqualTo("3");
    assertThat(s(db.get(b("b")))).isEqualTo("2");
    assertThat(db.get(b("gone"))).isNull();
    reopen();
    assertThat(s(db.get(b("a")))).isEqualTo("3");
    assertThat(db.get(b("gone"))).isNull();
    assertThat(db.stats().liveKeys()).isEqualTo(2);
  }

  @Test
  void writeBatchRefusesMoreThanMaxBatchSizeAndASecondCommit() throws IOException {
    db.close();
    db = Engine.open(options(dir).maxBatchSize(2).build());
    WriteBatch batch = db.newWriteBatch().put(b("a"), b("1")).put(b("b"), b("2"));
    batch.put(b("a"), b("again")); // same key: replaces, still two operations
    assertThatThrownBy(() -> batch.put(b("c"), b("3"))).isInstanceOf(LimitExceededException.class).hasMessageContaining("at most 2");
    batch.commit();
    assertThatThrownBy(batch::commit).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void oversizedKeyIsRefusedWithTheLimitNamed() {
    byte[] key = new byte[db.options().maxKeySize() + 1];
    assertThatThrownBy(() -> db.put(key, b("v"))).isInstanceOf(LimitExceededException.class).hasMessageContaining("maxKeySize");
  }

  @Test
  void statsCountKeysFilesAndReclaimableBytes() throws IOException {
    db.put(b("a"), b("1"));
    db.put(b("a"), b("2"));
    db.put(b("b"), b("1"));
    db.delete(b("b"));
    EngineStats stats = db.stats();
    assertThat(stats.liveKeys()).isEqualTo(1);
    assertThat(stats.dataFiles()).isGreaterThanOrEqualTo(1);
    assertThat(stats.reclaimableBytes()).isPositive();
    assertThat(stats.diskBytes()).isGreaterThan(stats.reclaimableBytes());
    reopen();
    assertThat(db.stats().liveKeys()).isEqualTo(1);
    assertThat(db.stats().reclaimableBytes()).isEqualTo(stats.reclaimableBytes());
  }

  @Test
  void mergeLeavesTheSameDataAndNearlyNothingReclaimable() throws IOException {
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 300; i++) {
        db.put(b("key" + i), b("value" + i + "-" + round));
      }
    }
    for (int i = 0; i < 300; i += 3) {
      db.delete(b("key" + i));
    }
    assertThat(db.stats().reclaimableRatio()).isGreaterThan(0.5);
    assertThat(db.needsMerge()).isTrue();
    db.merge();
    assertThat(db.buildHintFiles()).as("hint files missing after a merge").isZero(); // the merge wrote them
    EngineStats after = db.stats();
    assertThat(after.reclaimableBytes()).isZero();
    assertThat(after.liveKeys()).isEqualTo(200);
    assertThat(db.needsMerge()).isFalse();
    assertThat(s(db.get(b("key1")))).isEqualTo("value1-4");
    assertThat(db.get(b("key3"))).isNull();
    reopen();
    assertThat(db.stats().liveKeys()).isEqualTo(200);
    assertThat(s(db.get(b("key299")))).isEqualTo("value299-4");
    assertThat(db.get(b("key0"))).isNull();
  }

  @Test
  void writesAfterAMergeWinOverMergedCopiesAfterReopen() throws IOException {
    db.put(b("k"), b("old"));
    db.put(b("d"), b("doomed"));
    db.merge();
    db.put(b("k"), b("new"));
    db.delete(b("d"));
    reopen();
    assertThat(s(db.get(b("k")))).isEqualTo("new");
    assertThat(db.get(b("d"))).isNull();
  }

  @Test
  void backupOpensAsAValidDatabase(@TempDir Path backupRoot) throws IOException {
    for (int i = 0; i < 200; i++) {
      db.put(b("k" + i), b("v" + i));
    }
    db.merge();
    db.put(b("after-merge"), b("yes"));
    Path target = backupRoot.resolve("copy");
    db.backup(target);
    db.put(b("after-backup"), b("no"));
    try (Engine copy = Engine.open(options(target).build())) {
      assertThat(copy.stats().liveKeys()).isEqualTo(201);
      assertThat(s(copy.get(b("k199")))).isEqualTo("v199");
      assertThat(s(copy.get(b("after-merge")))).isEqualTo("yes");
      assertThat(copy.get(b("after-backup"))).isNull();
    }
  }

  @Test
  void backupRefusesANonEmptyTarget(@TempDir Path target) throws IOException {
    java.nio.file.Files.writeString(target.resolve("x"), "x");
    assertThatThrownBy(() -> db.backup(target)).isInstanceOf(EngineException.class).hasMessageContaining("not empty");
  }

  @Test
  void secondOpenOfTheSameDirectoryFails() {
    assertThatThrownBy(() -> Engine.open(options(dir).build()))
        .isInstanceOf(DatabaseLockedException.class)
        .hasMessageContaining("already open");
  }

  @Test
  void useAfterCloseFailsClearly() throws IOException {
    db.close();
    assertThatThrownBy(() -> db.get(b("k"))).isInstanceOf(EngineClosedException.class);
    assertThatThrownBy(() -> db.put(b("k"), b("v"))).isInstanceOf(EngineClosedException.class);
    db = Engine.open(options(dir).build());
  }

  @Test
  void hintFilesAreWrittenOnCloseAndUsedOnOpen() throws IOException {
    for (int i = 0; i < 100; i++) {
      db.put(b("k" + i), b("v" + i));
    }
    db.close();
    try (var files = java.nio.file.Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hint"))).isNotEmpty();
    }
    db = Engine.open(options(dir).build());
    assertThat(db.stats().liveKeys()).isEqualTo(100);
    assertThat(db.buildHintFiles()).isZero();
  }
}
