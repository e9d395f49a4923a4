package io.comdb.launcher;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.SyncMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code comdb shell}: an interactive shell on an engine opened in this process, taking ComDB's commands and
 * ChromoDB's ({@code PUT->k->v}, ...); or, with {@code --connect}, a client of a running server's line
 * protocol. On a terminal it edits lines and keeps a history ({@code ~/.comdb_history}) with JLine; on a
 * pipe it reads one command per line.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
    description = "Interactive shell: an engine in this process (put, get, del, keys, stats, merge; PUT->k->v, GET->k, DEL->k, MEM, DISK), "
        + "or --connect HOST:PORT to a server's line protocol.")
final class ShellCommand implements Callable<Integer> {
  /** Held so the level sticks (java.util.logging keeps loggers weakly). */
  private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("io.comdb");
  static final String PROMPT = "db> ";

  @Option(names = "--data-dir", defaultValue = "${env:COMDB_DATA_DIR:-./data}", description = "Data directory (env COMDB_DATA_DIR, default ./data).")
  Path dataDir;

  @Option(names = "--sync", defaultValue = "${env:COMDB_SYNC:-interval}", description = "always | interval[:ms] | none (env COMDB_SYNC, default interval = 1000 ms).")
  String sync;

  @Option(names = "--verbose", description = "Log the engine's progress (open, merge, close) to stderr.")
  boolean verbose;

  @Option(names = "--connect", paramLabel = "HOST:PORT", description = "Connect to a running server's line protocol (ChromoDB's, port 7676) instead.")
  String connect;

  @Option(names = "--user", paramLabel = "USER", defaultValue = "default", description = "With --connect: the user to sign in as (default: default); the password is asked for.")
  String user;

  @Option(names = "--tls", description = "With --connect: speak TLS.")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "With --tls: trust this CA (or self-signed certificate) besides the JVM's.")
  Path tlsCa;

  private BufferedReader stdin;

  @Override
  public Integer call() throws Exception {
    boolean interactive = System.console() != null;
    try (Terminal terminal = interactive ? TerminalBuilder.builder().system(true).build() : null) {
      LineReader reader = terminal == null ? null : LineReaderBuilder.builder()
          .terminal(terminal)
          .appName("comdb")
          .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".comdb_history"))
          .build();
      PrintStream out = System.out;
      if (connect != null) {
        String password = reader != null ? reader.readLine("password: ", '*') : stdin().readLine();
        if (password == null) {
          return 2;
        }
        try (LineClient client = LineClient.connect(connect, tls, tlsCa)) {
          String answer = client.login(user, password);
          out.println(answer);
          if (!"AUTH OK".equals(answer)) {
            return 1;
          }
          loop(reader, out, line -> {
            out.println(client.send(line));
            return true;
          });
        } catch (IOException | NumberFormatException e) {
          System.err.println("comdb: " + connect + ": " + e.getMessage());
          return 1;
        }
        return 0;
      }
      ENGINE_LOG.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
      EngineOptions options = EngineOptions.builder(dataDir).syncMode(SyncMode.parse(sync)).build();
      try (Engine engine = Engine.open(options)) {
        if (interactive) {
          out.println("ComDB shell on " + dataDir.toAbsolutePath() + " (" + engine.stats().liveKeys() + " keys). Type help.");
        }
        EngineShell shell = new EngineShell(engine, out);
        loop(reader, out, shell::execute);
      }
      return 0;
    }
  }

  /** One command a line, from the terminal (edited, kept in the history) or standard input, until it ends. */
  private void loop(LineReader reader, PrintStream out, IoPredicate<String> command) throws IOException {
    while (true) {
      String line;
      try {
        line = reader != null ? reader.readLine(PROMPT) : stdin().readLine();
      } catch (UserInterruptException e) {
        continue; // Ctrl-C drops the line, as in redis-cli
      } catch (EndOfFileException e) {
        return; // Ctrl-D
      }
      if (line == null) {
        return;
      }
      if (line.isBlank()) {
        continue;
      }
      if (connect != null && (line.strip().equalsIgnoreCase("quit") || line.strip().equalsIgnoreCase("exit"))) {
        return;
      }
      if (!command.test(line)) {
        return;
      }
      out.flush();
    }
  }

  /** Standard input, when it is no terminal: one reader for the password and the commands after it. */
  private BufferedReader stdin() {
    if (stdin == null) {
      stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    return stdin;
  }

  /** A command that may fail with an I/O error. */
  private interface IoPredicate<T> {
    boolean test(T value) throws IOException;
  }
}
