package io.comdb.verticles.resp;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real redis-server (Debian package redis-server) on a free port, for differential tests. */
final class RedisServerProcess implements AutoCloseable {
  private final Process process;
  final int port;

  private RedisServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static RedisServerProcess start(Path dir, String... extra) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    command.addAll(java.util.List.of(extra));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    RedisServerProcess server = new RedisServerProcess(process, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (RespClient c = new RespClient(port)) {
        if ("PONG".equals(c.call("PING"))) {
          return server;
        }
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          server.close();
          throw new IllegalStateException("redis-server did not start: " + e + "; is the Debian package redis-server installed?");
        }
        process.waitFor(50, TimeUnit.MILLISECONDS); // it is still binding its port
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
