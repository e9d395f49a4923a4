package io.comdb.launcher;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.SyncMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code comdb shell}: an interactive shell on an engine opened in this process. */
@Command(name = "shell", mixinStandardHelpOptions = true, description = "Interactive engine shell: put, get, del, keys, stats, merge.")
final class ShellCommand implements Callable<Integer> {
  /** Held so the level sticks (java.util.logging keeps loggers weakly). */
  private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("io.comdb");

  @Option(names = "--data-dir", defaultValue = "${env:COMDB_DATA_DIR:-./data}", description = "Data directory (env COMDB_DATA_DIR, default ./data).")
  Path dataDir;

  @Option(names = "--sync", defaultValue = "${env:COMDB_SYNC:-interval}", description = "always | interval[:ms] | none (env COMDB_SYNC, default interval = 1000 ms).")
  String sync;

  @Option(names = "--verbose", description = "Log the engine's progress (open, merge, close) to stderr.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    ENGINE_LOG.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
    EngineOptions options = EngineOptions.builder(dataDir).syncMode(SyncMode.parse(sync)).build();
    boolean interactive = System.console() != null;
    try (Engine engine = Engine.open(options)) {
      PrintStream out = System.out;
      if (interactive) {
        out.println("ComDB shell on " + dataDir.toAbsolutePath() + " (" + engine.stats().liveKeys() + " keys). Type help.");
      }
      EngineShell shell = new EngineShell(engine, out);
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      while (true) {
        if (interactive) {
          out.print("comdb> ");
          out.flush();
        }
        String line = in.readLine();
        if (line == null || !shell.execute(line)) {
          break;
        }
      }
    }
    return 0;
  }
}
