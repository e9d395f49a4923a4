package io.comdb.verticles.tls;

import static io.comdb.verticles.Bus.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.verticles.ServerVerticle;
import io.comdb.verticles.http.HttpVerticle;
import io.comdb.verticles.line.LineProtocolVerticle;
import io.comdb.verticles.resp.RespVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on every listener, with a throwaway certificate made by openssl, and real clients: redis-cli --tls,
 * curl, openssl s_client.
 */
@ExtendWith(VertxExtension.class)
class TlsTest {
  @TempDir
  static Path certs;
  @TempDir
  Path dir;

  private static Path cert;
  private static Path key;

  @BeforeAll
  static void makeACertificate() throws Exception {
    cert = certs.resolve("cert.pem");
    key = certs.resolve("key.pem");
    run(null, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString());
  }

  /** Runs a command, its standard input given; its output, or a failed assertion with it. */
  private static String run(String stdin, String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out.trim();
  }

  private void start(Vertx vertx, JsonObject tls) throws Exception {
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dir.resolve("data").toString()))
        .put("http", new JsonObject().put("port", 0).put("tlsPort", 0))
        .put("resp", new JsonObject().put("port", -1).put("tlsPort", 0)) // TLS only
        .put("line", new JsonObject().put("port", 0).put("tlsPort", 0))
        .put("tls", tls);
    await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
  }

  @Test
  void realClientsSpeakTlsToEveryListener(Vertx vertx) throws Exception {
    start(vertx, new JsonObject().put("cert", cert.toString()).put("key", key.toString()));
    assertThat(RespVerticle.port(vertx)).as("no plain-text RESP").isEqualTo(-1);
    String resp = Integer.toString(RespVerticle.tlsPort(vertx));
    assertThat(run(null, "redis-cli", "--tls", "--cacert", cert.toString(), "-p", resp, "SET", "greeting", "over tls")).isEqualTo("OK");
    assertThat(run(null, "redis-cli", "--tls", "--cacert", cert.toString(), "-p", resp, "GET", "greeting")).isEqualTo("over tls");

    String https = "https://127.0.0.1:" + HttpVerticle.tlsPort(vertx);
    run(null, "curl", "-sf", "--cacert", cert.toString(), "-X", "PUT", "--data-binary", "from curl", https + "/v1/kv/web");
    assertThat(run(null, "curl", "-sf", "--cacert", cert.toString(), https + "/v1/kv/web")).isEqualTo("from curl");
    assertThat(run(null, "curl", "-sf", "http://127.0.0.1:" + HttpVerticle.port(vertx) + "/v1/kv/web"))
        .as("plain and TLS side by side").isEqualTo("from curl");

    // openssl s_client keeps the connection open after its input ends: read the answers, then stop it.
    Process client = new ProcessBuilder("openssl", "s_client", "-quiet", "-CAfile", cert.toString(), "-verify_return_error",
        "-connect", "127.0.0.1:" + LineProtocolVerticle.tlsPort(vertx)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      client.getOutputStream().write("YWxleFwwc29tZXBhc3N3b3Jk\r\nPUT->line->over tls\r\nGET->web\r\n".getBytes(UTF_8));
      client.getOutputStream().flush();
      BufferedReader answers = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8));
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        lines.add(answers.readLine());
      }
      assertThat(lines).containsExactly("AUTH OK", "PUT SUCCESS", "from curl");
    } finally {
      client.destroyForcibly();
    }
  }

  @Test
  void withACaClientsMustPresentACertificate(Vertx vertx) throws Exception {
    start(vertx, new JsonObject().put("cert", cert.toString()).put("key", key.toString()).put("ca", cert.toString()));
    String url = "https://127.0.0.1:" + HttpVerticle.tlsPort(vertx) + "/v1/stats";
    Process anonymous = new ProcessBuilder("curl", "-sf", "--cacert", cert.toString(), url).redirectErrorStream(true).start();
    anonymous.getInputStream().readAllBytes();
    assertThat(anonymous.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(anonymous.exitValue()).as("refused without a client certificate").isNotZero();
    String stats = run(null, "curl", "-sf", "--cacert", cert.toString(), "--cert", cert.toString(), "--key", key.toString(), url);
    assertThat(new JsonObject(stats).getLong("liveKeys")).isZero();
    assertThat(run(null, "redis-cli", "--tls", "--cacert", cert.toString(), "--cert", cert.toString(), "--key", key.toString(),
        "-p", Integer.toString(RespVerticle.tlsPort(vertx)), "PING")).isEqualTo("PONG");
  }
}
