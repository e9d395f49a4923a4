package io.comdb.verticles.resp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RESP client over a raw socket, for tests: it sends exactly what it is given and reads replies
 * into plain values (String for simple strings, {@link Error}, Long, bulk strings as ISO-8859-1 Strings,
 * null, List), so that two servers' answers compare with equals.
 */
final class RespClient implements AutoCloseable {
  /** An error reply, with its text. */
  record Error(String text) {}

  /** A RESP3 double, map, set, boolean or push, kept apart from their RESP2 forms. */
  record Typed(char type, Object value) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RespClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  Object call(String... args) throws IOException {
    send(args);
    return read();
  }

  Object call(List<String> args) throws IOException {
    return call(args.toArray(String[]::new));
  }

  void send(String... args) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.ISO_8859_1);
      b.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      b.write(bytes);
      b.write('\r');
      b.write('\n');
    }
    out.write(b.toByteArray());
    out.flush();
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Shuts this side down, as {@code printf ... | nc} does at the end of its input; replies can still be read. */
  void endInput() throws IOException {
    socket.shutdownOutput();
  }

  Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new IOException("connection closed");
    }
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        return new Error(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        byte[] data = in.readNBytes(n);
        in.readNBytes(2);
        return new String(data, StandardCharsets.ISO_8859_1);
      }
      case '*': {
        int n = Integer.parseInt(line);
        return n < 0 ? null : elements(n);
      }
      case '_':
        return null;
      case ',':
        return new Typed(',', line);
      case '#':
        return new Typed('#', line);
      case '%':
        return new Typed('%', elements(2 * Integer.parseInt(line)));
      case '~':
        return new Typed('~', elements(Integer.parseInt(line)));
      case '>':
        return new Typed('>', elements(Integer.parseInt(line)));
      default:
        throw new IOException("unknown reply type '" + (char) type + "' " + line);
    }
  }

  /** True if the server has closed the connection (reads EOF within the timeout). */
  /** Reads whatever the server still sends; true once it has closed the connection. */
  boolean drainUntilClosed() throws IOException {
    try {
      while (in.read() >= 0) {
        // replies to the lines before the one that closed it (GET / HTTP/1.1 gets an arity error)
      }
      return true;
    } catch (java.net.SocketException e) {
      return true; // reset: closed too
    }
  }

  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  private List<Object> elements(int n) throws IOException {
    List<Object> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(read());
    }
    return list;
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      b.write(c);
    }
    in.read(); // \n
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
