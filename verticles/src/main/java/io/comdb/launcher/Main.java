package io.comdb.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code comdb}: the command line. With no command it runs the server ({@code comdb server}), so that
 * {@code java -jar comdb.jar} starts ComDB; {@code comdb shell} opens the interactive engine shell;
 * {@code comdb eval locomo DIR} evaluates memory search.
 */
@Command(
    name = "comdb",
    mixinStandardHelpOptions = true,
    version = "ComDB 0.1.0",
    description = "A Bitcask-model key-value database for agents' memory. With no command: runs the server.",
    subcommands = {ServerCommand.class, ShellCommand.class, EvalCommand.class, UserCommand.class})
public final class Main implements Callable<Integer> {
  @Mixin
  ServerCommand server;

  @Override
  public Integer call() throws Exception {
    return server.call();
  }

  public static void main(String[] args) {
    // One line per log record (java.util.logging, where the engine's System.Logger goes by default).
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
