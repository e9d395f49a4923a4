package io.comdb.engine;

import java.nio.file.Path;

/**
 * A file holds bytes that fail their checksum or cannot be decoded. Names the file and the byte offset,
 * so that a broken disk is told apart from a bug. Opening with {@link EngineOptions.Builder#repair(boolean)}
 * cuts the damaged bytes out of the data file instead of failing.
 */
public final class CorruptRecordException extends EngineException {
  private final Path file;
  private final long offset;

  public CorruptRecordException(Path file, long offset, String reason) {
    super(file + " is corrupt at offset " + offset + ": " + reason);
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
