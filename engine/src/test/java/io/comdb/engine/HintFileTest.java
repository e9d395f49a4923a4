package io.comdb.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintFileTest {
  @TempDir
  Path dir;

  /** A sealed data file with a value, an overwrite, a delete and a committed batch, and its hint file. */
  private DataFile sealedFileWithHint() throws IOException {
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
      db.put(new byte[] {1}, new byte[] {10});
      db.put(new byte[] {1}, new byte[] {11});
      db.delete(new byte[] {1});
      db.newWriteBatch().put(new byte[] {2}, new byte[] {20}).put(new byte[] {3}, new byte[] {30}).commit();
    }
    return DataFile.open(TestFiles.dataFiles(dir).get(0));
  }

  @Test
  void listsTheCommittedRecordsInFileOrderWithoutTheCommitRecord() throws IOException {
    try (DataFile file = sealedFileWithHint()) {
      List<HintFile.Entry> entries = HintFile.read(dir, file);
      assertThat(entries).extracting(HintFile.Entry::type).containsExactly(
          RecordType.VALUE, RecordType.VALUE, RecordType.TOMBSTONE, RecordType.VALUE, RecordType.VALUE);
      assertThat(entries).extracting(e -> e.key()[0]).containsExactly((byte) 1, (byte) 1, (byte) 1, (byte) 2, (byte) 3);
      for (HintFile.Entry e : entries) {
        assertThat(file.readRecord(e.offset()).size()).isEqualTo(e.size());
      }
      file.unmap();
    }
  }

  @Test
  void isIgnoredWhenItsChecksumFailsOrTheDataFileSizeDiffers() throws IOException {
    try (DataFile file = sealedFileWithHint()) {
      Path hint = HintFile.path(dir, file.id());
      byte[] good = Files.readAllBytes(hint);
      TestFiles.flipByte(hint, good.length - 20);
      assertThat(HintFile.read(dir, file)).isNull();
      Files.write(hint, good);
      assertThat(HintFile.read(dir, file)).isNotNull();
      Files.write(hint, java.util.Arrays.copyOf(good, good.length - 1));
      assertThat(HintFile.read(dir, file)).isNull();
      file.unmap();
    }
    Files.write(HintFile.path(dir, 1), Files.readAllBytes(HintFile.path(dir, 1))); // unchanged file still fine
    try (DataFile grown = DataFile.open(TestFiles.dataFiles(dir).get(0))) {
      TestFiles.write(grown.path(), grown.size(), new byte[] {0});
      try (DataFile reopened = DataFile.open(grown.path())) {
        assertThat(HintFile.read(dir, reopened)).isNull(); // names another size
        reopened.unmap();
      }
      grown.unmap();
    }
  }
}
