package io.comdb.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;

/** Just enough of RESP for the tests of server processes. */
final class RedisSocket implements AutoCloseable {
  private final java.net.Socket socket;
  private final java.io.DataInputStream in;

  RedisSocket(int port) throws java.io.IOException {
    socket = new java.net.Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
  }

  /** Sends a command and reads its reply ({@link #reply}). */
  Object command(String... args) throws java.io.IOException {
    send(args);
    return reply();
  }

  long integer(String... args) throws java.io.IOException {
    send(args);
    if (!(reply() instanceof Long n)) {
      throw new java.io.IOException("not an integer reply");
    }
    return n;
  }

  void send(String... args) throws java.io.IOException {
    StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    socket.getOutputStream().write(b.toString().getBytes(UTF_8));
  }

  /** One reply: a String (simple or bulk), Long, null, a List, or an IOException for an error. */
  Object reply() throws java.io.IOException {
    String line = line();
    switch (line.charAt(0)) {
      case '+':
        return line.substring(1);
      case ':':
        return Long.parseLong(line.substring(1));
      case '$': {
        int n = Integer.parseInt(line.substring(1));
        if (n < 0) {
          return null;
        }
        byte[] bytes = new byte[n + 2];
        in.readFully(bytes);
        return new String(bytes, 0, n, UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line.substring(1));
        List<Object> elements = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          elements.add(reply());
        }
        return n < 0 ? null : elements;
      }
      default:
        throw new java.io.IOException("error reply: " + line);
    }
  }

  private String line() throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new java.io.EOFException();
      }
      line.append((char) c);
    }
    return line.toString().trim();
  }

  @Override
  public void close() throws java.io.IOException {
    socket.close();
  }
}
