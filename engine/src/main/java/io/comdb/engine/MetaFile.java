package io.comdb.engine;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * {@code META}: the data directory's format version and whether the last engine closed it cleanly. A
 * small text file, replaced whole through a temp file and an atomic rename, so it is always one version or
 * the other.
 */
record MetaFile(int formatVersion, boolean cleanShutdown) {
  static final String NAME = "META";

  /** Reads the file, or returns null if there is none (a new directory). */
  static MetaFile read(Path dir) throws IOException {
    String text;
    try {
      text = Files.readString(dir.resolve(NAME), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    Properties p = new Properties();
    p.load(new StringReader(text));
    try {
      int version = Integer.parseInt(p.getProperty("format-version", ""));
      if (version != FileHeader.FORMAT_VERSION) {
        throw new IncompatibleFormatException(dir.resolve(NAME), version, FileHeader.FORMAT_VERSION);
      }
      return new MetaFile(version, Boolean.parseBoolean(p.getProperty("clean-shutdown")));
    } catch (NumberFormatException e) {
      throw new CorruptRecordException(dir.resolve(NAME), 0, "no valid format-version");
    }
  }

  void write(Path dir) throws IOException {
    Path target = dir.resolve(NAME);
    Path temp = dir.resolve(NAME + ".tmp");
    String text = "# ComDB data directory\nformat-version=" + formatVersion + "\nclean-shutdown=" + cleanShutdown + "\n";
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Fsync.file(temp);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Fsync.directory(dir);
  }
}
