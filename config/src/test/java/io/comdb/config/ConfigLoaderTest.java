package io.comdb.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsRunOutOfTheBox() {
    ComDbConfig c = ConfigLoader.load(null, Map.of(), Map.of());
    assertThat(c.engine().dataDir()).isEqualTo("./data");
    assertThat(c.engine().sync()).isEqualTo("interval");
    assertThat(c.engine().syncIntervalMs()).isEqualTo(1000);
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(9090);
    assertThat(c.resp().port()).isEqualTo(6380);
    assertThat(c.security().password()).isNull();
  }

  @Test
  void fileThenEnvironmentThenOverridesEachWin() throws IOException {
    Path file = dir.resolve("comdb.json");
    Files.writeString(file, "{\"http\": {\"port\": 1111, \"instances\": 3}, \"engine\": {\"sync\": \"none\", \"dataDir\": \"/f\"}}");
    ComDbConfig c = ConfigLoader.load(file,
        Map.of("COMDB_HTTP_PORT", "2222", "COMDB_SYNC", "always", "COMDB_ENGINE_MERGE_THRESHOLD", "0.25", "PATH", "/bin"),
        Map.of("http.port", 3333));
    assertThat(c.http().port()).isEqualTo(3333);
    assertThat(c.http().instances()).isEqualTo(3);
    assertThat(c.engine().sync()).isEqualTo("always");
    assertThat(c.engine().dataDir()).isEqualTo("/f");
    assertThat(c.engine().mergeThreshold()).isEqualTo(0.25);
  }

  @Test
  void jsonRoundTrips() {
    ComDbConfig c = ConfigLoader.load(null, Map.of("COMDB_ENGINE_MERGE_WINDOW", "23:00-02:00", "COMDB_SECURITY_PASSWORD", "s3cret"), Map.of());
    assertThat(ComDbConfig.fromJson(c.toJson())).isEqualTo(c);
    assertThat(c.security().toString()).doesNotContain("s3cret");
  }

  @Test
  void badValuesNameTheFieldAndWhatItAllows() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COMDB_SYNC", "sometimes"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("engine.sync: must be one of always, interval, none; got 'sometimes'");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("http.port", 70000)))
        .hasMessage("http.port: must be from -1 to 65535, got 70000");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COMDB_HTTP_PORT", "ninety"), Map.of()))
        .hasMessage("COMDB_HTTP_PORT: cannot read 'ninety' as a number");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COMDB_HTTP_PROT", "1"), Map.of()))
        .hasMessageStartingWith("COMDB_HTTP_PROT: no such field in section http");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("engine", new JsonObject().put("mergeWindow", "late"))))
        .hasMessage("engine.mergeWindow: must be HH:mm-HH:mm (e.g. 01:00-05:00), got 'late'");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("htp", new JsonObject())))
        .hasMessage("htp: unknown section; known: engine, http, resp, line, search, cluster, security, tls");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("http", new JsonObject().put("prot", 1))))
        .hasMessageStartingWith("http.prot: unknown field; http has allowedOrigins, enabled, host,");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COMDB_SEARCH_DENSE", "gpt"), Map.of()))
        .hasMessage("search.dense: must be one of off, bge-small-en-v15, all-minilm-l6-v2; got 'gpt'");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("search", new JsonObject().put("neighbourWeight", -0.5))))
        .hasMessage("search.neighbourWeight: must be from 0 to 1, got -0.5");
    assertThat(ConfigLoader.load(null, Map.of("COMDB_SEARCH_DENSE", "bge-small-en-v15"), Map.of()).search().dense())
        .isEqualTo("bge-small-en-v15");
  }

  @Test
  void aBadFileIsNamed() throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{not json");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of())).hasMessageContaining("bad.json is not a JSON object");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("none.json"), Map.of(), Map.of())).hasMessageContaining("no such file");
  }

  @Test
  void bindingBeyondLoopbackNeedsAPassword() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COMDB_HTTP_HOST", "0.0.0.0"), Map.of()))
        .hasMessageStartingWith("http.host: binding 0.0.0.0 exposes the data beyond this machine; set security.password");
    ComDbConfig open = ConfigLoader.load(null, Map.of("COMDB_HTTP_HOST", "0.0.0.0", "COMDB_SECURITY_PASSWORD", "pw"), Map.of());
    assertThat(open.http().host()).isEqualTo("0.0.0.0");
  }

  @Test
  void clusterSectionFromEnvironmentAndItsChecks() {
    ComDbConfig config = ConfigLoader.load(null, Map.of("COMDB_CLUSTER_ENABLED", "true",
        "COMDB_CLUSTER_MEMBERS", "127.0.0.1:5701, 127.0.0.1:5702", "COMDB_CLUSTER_MIN_MEMBERS", "2"), Map.of());
    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.cluster().memberList()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    assertThat(config.cluster().minMembers()).isEqualTo(2);
    assertThat(config.cluster().port()).isEqualTo(5701);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COMDB_CLUSTER_MEMBERS", "a:99999"), Map.of()))
        .hasMessageStartingWith("cluster.members: must be host[:port] separated by commas");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("COMDB_CLUSTER_FAILURE_MILLIS", "10"), Map.of()))
        .hasMessageStartingWith("cluster.failureMillis:");
  }

  @Test
  void usersKeepHashesNeverPasswords() {
    JsonObject alex = new JsonObject().put("password", "$pbkdf2$it=210000$c2FsdA$aGFzaA").put("role", "write");
    ComDbConfig config = ComDbConfig.fromJson(new JsonObject().put("security", new JsonObject().put("users", new JsonObject().put("alex", alex)))
        .put("http", new JsonObject().put("host", "0.0.0.0")));
    assertThat(config.security().users().get("alex").role()).isEqualTo("write");
    assertThat(config.security().open()).isFalse();
    assertThat(config.security().toString()).doesNotContain("pbkdf2");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("security", new JsonObject()
        .put("users", new JsonObject().put("alex", alex.copy().put("password", "plain-text"))))))
        .hasMessageStartingWith("security.users.alex.password: must be a PBKDF2 hash");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("security", new JsonObject()
        .put("users", new JsonObject().put("alex", alex.copy().put("role", "root"))))))
        .hasMessageStartingWith("security.users.alex.role: must be one of read, write, admin");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("security", new JsonObject().put("password", "pw")
        .put("users", new JsonObject().put("default", alex)))))
        .hasMessageStartingWith("security.users: names 'default'");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("security", new JsonObject()
        .put("users", new JsonObject().put("a b", alex)))))
        .hasMessageStartingWith("security.users.a b: a user name is");
    ComDbConfig fromEnv = ConfigLoader.load(null, Map.of("COMDB_SECURITY_USERS", new JsonObject().put("alex", alex).encode()), Map.of());
    assertThat(fromEnv.security().users()).containsOnlyKeys("alex");
  }

  @Test
  void aTlsPortNeedsACertificateAndAKey() {
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("resp", new JsonObject().put("tlsPort", 6443))))
        .hasMessage("resp.tlsPort: a TLS port needs tls.cert and tls.key (PEM files)");
    assertThatThrownBy(() -> ComDbConfig.fromJson(new JsonObject().put("tls", new JsonObject().put("cert", "c.pem"))))
        .hasMessageStartingWith("tls.key: tls.cert and tls.key go together");
    ComDbConfig config = ConfigLoader.load(null, Map.of("COMDB_TLS_CERT", "c.pem", "COMDB_TLS_KEY", "k.pem", "COMDB_RESP_TLS_PORT", "6443",
        "COMDB_RESP_PORT", "-1"), Map.of());
    assertThat(config.resp().tlsPort()).isEqualTo(6443);
    assertThat(config.resp().port()).isEqualTo(-1);
    assertThat(config.tls().enabled()).isTrue();
  }
}
