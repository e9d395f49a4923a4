package io.comdb.verticles.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real HTTP client (the JDK's) against one server, with the calls the tests make written short. */
final class Http {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private final int port;
  private final String base;
  private String authorization;

  Http(int port) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
    return put(path, body.getBytes(StandardCharsets.UTF_8));
  }

  Http authorization(String header) {
    this.authorization = header;
    return this;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
  }

  HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
    return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return send("POST", path, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8), "application/json");
  }

  HttpResponse<String> put(String path, byte[] body) throws IOException, InterruptedException {
    return send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(body), "application/octet-stream");
  }

  HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null);
  }

  HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path).method(method, body);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Sends one request as raw bytes, for what a well-behaved client refuses to send; returns the status line. */
  String raw(String method, String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }
}
