package io.comdb.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The upkeep of an {@link Engine} that changes no key's value: what a server hands to its merge and hint
 * workers (see {@link Engine#maintenance()}). A merge's steps that change what readers see run on the
 * writer, through the {@link WriterHandoff} the caller gives.
 */
public interface EngineMaintenance {
  EngineStats stats();

  EngineOptions options();

  /** See {@link Engine#needsMerge()}. */
  boolean needsMerge();

  /** See {@link Engine#merge(WriterHandoff)}. */
  MergeResult merge(WriterHandoff writer) throws IOException;

  /** See {@link Engine#backup(Path)}. */
  void backup(Path target) throws IOException;

  /** See {@link Engine#buildHintFiles()}. */
  int buildHintFiles() throws IOException;

  /** See {@link Engine#sync()}. */
  void sync() throws IOException;
}
