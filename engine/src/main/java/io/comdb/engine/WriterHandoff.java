package io.comdb.engine;

import java.io.IOException;

/**
 * Runs a task on the thread that performs an engine's writes and waits for it. A merge hands over the two
 * steps that change what readers see (sealing the active file, swapping the merged files in), so that in a
 * server they run on the one writer, in order with every other write. {@link #DIRECT} runs them on the
 * caller's thread, as an embedded engine does.
 */
@FunctionalInterface
public interface WriterHandoff {
  /** Work for the writer. */
  @FunctionalInterface
  interface Task {
    void run() throws IOException;
  }

  WriterHandoff DIRECT = Task::run;

  /** Runs {@code task} on the writer and returns once it has run; rethrows what it threw. */
  void run(Task task) throws IOException;
}
