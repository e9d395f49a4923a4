package io.comdb.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** The shell's connection to a server's line protocol: plain TCP or TLS, one command and one answer at a time. */
final class LineClient implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  private LineClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code host:port}; with {@code tls}, verifies the server's certificate (against {@code ca} when given). */
  static LineClient connect(String address, boolean tls, Path ca) throws IOException {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IOException("--connect takes HOST:PORT, got " + address);
    }
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    if (!tls) {
      return new LineClient(new Socket(host, port));
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, ca == null ? null : trusting(ca).getTrustManagers(), null);
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return new LineClient(socket);
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS could not be set up: " + e.getMessage(), e);
    }
  }

  private static TrustManagerFactory trusting(Path ca) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream pem = Files.newInputStream(ca)) {
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }

  /** Sends the first line (base64 of user, NUL, password); returns the server's answer. */
  String login(String user, String password) throws IOException {
    String credentials = Base64.getEncoder().encodeToString((user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    return send(credentials);
  }

  /** Sends one line; returns the answer, or a note that the server closed the connection. */
  String send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    String answer = in.readLine();
    if (answer == null) {
      throw new IOException("the server closed the connection");
    }
    return answer;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
