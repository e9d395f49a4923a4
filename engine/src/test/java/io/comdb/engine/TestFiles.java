package io.comdb.engine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** File surgery for recovery tests. */
final class TestFiles {
  private TestFiles() {}

  static List<Path> dataFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> DataFile.idOf(p) >= 0).sorted().toList();
    }
  }

  static List<Path> hintFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(HintFile.SUFFIX)).sorted().toList();
    }
  }

  static void deleteHintFiles(Path dir) throws IOException {
    for (Path p : hintFiles(dir)) {
      Files.delete(p);
    }
  }

  /** Copies every file but the lock while an engine has the directory open: what a kill -9 would leave. */
  static void crashImage(Path dir, Path target) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().equals(DirectoryLock.NAME)) {
          Files.copy(p, target.resolve(p.getFileName()));
        }
      }
    }
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0x5A);
    }
  }

  static void write(Path file, long offset, byte[] bytes) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      raf.write(bytes);
    }
  }

  /** Rewrites a data file header's int field at {@code offset} (8: version, 12: file id) with a valid checksum. */
  static byte[] withHeaderInt(byte[] file, int offset, int value) {
    byte[] bytes = file.clone();
    java.nio.ByteBuffer.wrap(bytes).putInt(offset, value);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, 28);
    java.nio.ByteBuffer.wrap(bytes).putInt(28, (int) crc.getValue());
    return bytes;
  }

  static void truncate(Path file, long size) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
  }

  /** Offset of the record that ends last before {@code limit} in a sealed data file: its records, in order. */
  static List<Long> recordOffsets(Path file) throws IOException {
    try (DataFile f = DataFile.open(file)) {
      List<Long> offsets = new java.util.ArrayList<>();
      RecordScanner.scan(f, true, (r, buf, offset) -> offsets.add(offset));
      f.unmap();
      return offsets;
    }
  }

  /** The data end of a crashed (capacity-extended) active file: where the zeros start. */
  static long writtenEnd(Path file) throws IOException {
    try (DataFile f = DataFile.open(file)) {
      long end = RecordScanner.scan(f, true, (r, buf, offset) -> {}).end();
      f.unmap();
      return end;
    }
  }
}
