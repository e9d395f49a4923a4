package io.comdb.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PUT then GET over ChromoDB's line protocol, as redis-benchmark drives RESP: {@code connections} clients,
 * each sending one command and waiting for its answer, keys drawn from {@code keyspace}, 100-byte values.
 * Prints {@code put_ops=<n> get_ops=<n>} (operations per second).
 *
 * <pre>java -cp comdb-bench.jar io.comdb.bench.LineBench PORT CONNECTIONS REQUESTS [USER PASSWORD]</pre>
 */
public final class LineBench {
  private static final int KEYSPACE = 1_000_000;

  private LineBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int connections = Integer.parseInt(args[1]);
    int requests = Integer.parseInt(args[2]);
    String login = Base64.getEncoder().encodeToString(
        ((args.length > 3 ? args[3] : "bench") + "\\0" + (args.length > 4 ? args[4] : "bench")).getBytes(StandardCharsets.UTF_8));
    String value = "v".repeat(100);
    double put = run(port, login, connections, requests, key -> "PUT->" + key + "->" + value);
    double get = run(port, login, connections, requests, key -> "GET->" + key);
    System.out.printf("put_ops=%.0f get_ops=%.0f%n", put, get);
  }

  /** Operations per second of {@code requests} commands spread over {@code connections} clients. */
  private static double run(int port, String login, int connections, int requests, java.util.function.IntFunction<String> command)
      throws Exception {
    List<Thread> clients = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Socket> sockets = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      socket.getOutputStream().write((login + "\r\n").getBytes(StandardCharsets.UTF_8));
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (!readLine(in).equals("AUTH OK")) {
        throw new IOException("the server refused the benchmark's credentials");
      }
      sockets.add(socket);
      int share = requests / connections + (c < requests % connections ? 1 : 0);
      clients.add(new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          for (int i = 0; i < share; i++) {
            out.write((command.apply(ThreadLocalRandom.current().nextInt(KEYSPACE)) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            readLine(in);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    long start = System.nanoTime();
    clients.forEach(Thread::start);
    for (Thread t : clients) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (Socket s : sockets) {
      s.close();
    }
    if (failure.get() != null) {
      throw new IOException("a client failed", failure.get());
    }
    return requests / seconds;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("the server closed the connection");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
