package io.comdb.verticles.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** One raw HTTP/1.x exchange over a fresh socket: for requests no well-behaved client would send. */
final class RawHttp {
  /** A response as it came: status (0 when the server closed without answering), headers, body. */
  record Response(int status, Map<String, String> headers, String body) {}

  private RawHttp() {}

  static Response send(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String statusLine = line(in);
      if (statusLine == null) {
        return new Response(0, Map.of(), "");
      }
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (headers.containsKey("Content-Length")) {
        body.write(in.readNBytes(Integer.parseInt(headers.get("Content-Length"))));
      } else if ("chunked".equals(headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT))) {
        for (int size; (size = Integer.parseInt(line(in).trim(), 16)) > 0; ) {
          body.write(in.readNBytes(size));
          line(in);
        }
      } else {
        body.write(in.readAllBytes());
      }
      return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
