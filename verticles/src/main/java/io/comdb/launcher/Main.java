package io.comdb.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code comdb}: the command line. Each subcommand is one way of running ComDB. */
@Command(
    name = "comdb",
    mixinStandardHelpOptions = true,
    version = "ComDB 0.1.0",
    description = "A Bitcask-model key-value database for agents' memory.",
    subcommands = {ShellCommand.class})
public final class Main implements Callable<Integer> {
  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  public static void main(String[] args) {
    // One line per log record (java.util.logging, where the engine's System.Logger goes by default).
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
