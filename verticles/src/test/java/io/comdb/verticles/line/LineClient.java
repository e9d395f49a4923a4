package io.comdb.verticles.line;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A raw TCP client of the line protocol, as {@code nc} is: writes bytes, reads answers line by line. */
final class LineClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  LineClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = socket.getInputStream();
  }

  /** Connects and sends the first line, base64 of user, the two characters backslash and zero, password. */
  static LineClient login(int port, String user, String password) throws IOException {
    LineClient client = new LineClient(port);
    client.send(base64(user + "\\0" + password) + "\r\n");
    return client;
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  LineClient send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return this;
  }

  /** The next answer, its CRLF taken off; null when the server closed the connection. */
  String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  /** Sends one command line and reads its answer. */
  String command(String line) throws IOException {
    return send(line + "\r\n").line();
  }

  /** Shuts this side down, as {@code nc} does at the end of its input; answers can still be read. */
  void endInput() throws IOException {
    socket.shutdownOutput();
  }

  void timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
