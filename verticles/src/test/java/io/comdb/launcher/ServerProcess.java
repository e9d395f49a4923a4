package io.comdb.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code comdb server} in a child JVM, as a user runs it; its log is read for the port it took. */
final class ServerProcess implements AutoCloseable {
  private static final Pattern UP = Pattern.compile("ComDB is up: .* HTTP on [^ ]*:(\\d+), RESP on [^ ]*:(-?\\d+),");

  private final Process process;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final CompletableFuture<Integer> respPort = new CompletableFuture<>();
  private final List<String> log = new ArrayList<>();

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readLog, "server-log-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static ServerProcess start(Path dataDir, String... flags) throws IOException {
    return start(dataDir, List.of(), flags);
  }

  /** As {@link #start(Path, String...)}, with options for the child JVM ({@code -Dname=value}). */
  static ServerProcess start(Path dataDir, List<String> jvmOptions, String... flags) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    command.addAll(jvmOptions);
    command.addAll(List.of(Main.class.getName(), "server", "--data-dir", dataDir.toString(), "--http-port", "0", "--resp-port", "0",
        "--line-port", "0"));
    command.addAll(List.of(flags));
    return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** The HTTP port, once the server says it is up. */
  int port() throws Exception {
    return port.get(60, TimeUnit.SECONDS);
  }

  /** The Redis-protocol port, once the server says it is up. */
  int respPort() throws Exception {
    return respPort.get(60, TimeUnit.SECONDS);
  }

  /** Waits for the process to exit; returns its exit code. */
  int waitFor() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("the server did not exit; its log:\n" + log());
    }
    return process.exitValue();
  }

  /** Freezes the process (SIGSTOP), as a long pause or a cut network would: it answers nothing until {@link #resume}. */
  void pause() throws Exception {
    signal("STOP");
  }

  /** Lets a paused process go on (SIGCONT). */
  void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly(); // SIGKILL
    process.waitFor(30, TimeUnit.SECONDS);
  }

  void terminate() {
    process.toHandle().destroy(); // SIGTERM
  }

  synchronized String log() {
    return String.join("\n", log);
  }

  private void readLog() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (this) {
          log.add(line);
        }
        Matcher m = UP.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
          respPort.complete(Integer.parseInt(m.group(2)));
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    port.completeExceptionally(new AssertionError("the server exited before it was up; its log:\n" + log()));
    respPort.completeExceptionally(new AssertionError("the server exited before it was up; its log:\n" + log()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
