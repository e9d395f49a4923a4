package io.comdb.engine;

import java.nio.file.Path;

/** A file was written in a format version this engine does not read (usually by a newer ComDB). */
public final class IncompatibleFormatException extends EngineException {
  public IncompatibleFormatException(Path file, int found, int supported) {
    super(file + " has format version " + found + "; this ComDB reads version " + supported
        + (found > supported ? " (written by a newer ComDB?)" : ""));
  }
}
