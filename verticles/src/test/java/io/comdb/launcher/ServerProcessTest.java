package io.comdb.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as a process: durability across kill -9, the directory lock, and a clean SIGTERM. */
class ServerProcessTest {
  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  private HttpResponse<String> put(int port, String key, String value) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/kv/" + key))
        .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String key) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/kv/" + key)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** One client's loop of writes: it counts each acknowledged write down on {@code acknowledged}. */
  private interface Writes {
    void run(int writer, AtomicBoolean killed, CountDownLatch acknowledged) throws Exception;
  }

  /**
   * Runs {@code writers} clients' writes against a server under sync always until {@code enough} of them
   * are acknowledged, then kills the server with SIGKILL while writes are in flight. A client's loop ends
   * when its server is gone: the write it had in flight was never acknowledged.
   */
  private static void killMidStream(ServerProcess server, int writers, int enough, Writes writes) throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    CountDownLatch acknowledged = new CountDownLatch(enough);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread t = new Thread(() -> {
        try {
          writes.run(writer, killed, acknowledged);
        } catch (Exception e) {
          // the server is gone
        }
      });
      t.start();
      threads.add(t);
    }
    boolean reached = acknowledged.await(120, java.util.concurrent.TimeUnit.SECONDS);
    server.kill();
    killed.set(true);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(reached).as("%d writes acknowledged before the kill; log:%n%s", enough, server.log()).isTrue();
  }

  @Test
  void everyAcknowledgedPutUnderSyncAlwaysSurvivesKillMinus9() throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    try (ServerProcess server = ServerProcess.start(data, "--sync", "always")) {
      int port = server.port();
      killMidStream(server, 8, 2_000, (writer, killed, done) -> {
        for (int i = 0; !killed.get(); i++) {
          String key = "w" + writer + "-" + i;
          String value = "value-" + i + "-" + "x".repeat(i % 100);
          if (put(port, key, value).statusCode() == 204) {
            acknowledged.put(key, value);
            done.countDown();
          }
        }
      });
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(2_000);
    try (ServerProcess restarted = ServerProcess.start(data)) {
      int port = restarted.port();
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        HttpResponse<String> got = get(port, e.getKey());
        assertThat(got.statusCode()).as(e.getKey()).isEqualTo(200);
        assertThat(got.body()).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void everyAcknowledgedRedisWriteUnderSyncAlwaysSurvivesKillMinus9() throws Exception {
    Path data = dir.resolve("data");
    Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    try (ServerProcess server = ServerProcess.start(data, "--sync", "always")) {
      int port = server.respPort();
      killMidStream(server, 8, 3_000, (writer, killed, done) -> {
        String list = "list" + writer;
        try (RedisSocket redis = new RedisSocket(port)) {
          for (long i = 1; !killed.get(); i++) {
            if (redis.integer("RPUSH", list, "e" + i) == i) {
              acknowledged.put(list, i); // the list holds e1 .. ei
              done.countDown();
            }
          }
        }
      });
    }
    try (ServerProcess restarted = ServerProcess.start(data); RedisSocket redis = new RedisSocket(restarted.respPort())) {
      for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
        long length = redis.integer("LLEN", e.getKey());
        assertThat(length).as(e.getKey()).isBetween(e.getValue(), e.getValue() + 1); // + the one in flight
        assertThat(redis.integer("LPOS", e.getKey(), "e" + e.getValue())).isEqualTo(e.getValue() - 1);
      }
    }
  }

  private HttpResponse<String> post(int port, String path, String json) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Memories added under sync always while the server is killed: after the restart every acknowledged one is
   * stored and found by search, and the index holds exactly what the records hold (it caught up with the
   * adds its last commit, at most 5 s old, did not cover).
   */
  @Test
  void everyAcknowledgedMemoryIsStoredAndSearchableAfterKillMinus9() throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> acknowledged = new ConcurrentHashMap<>(); // id of agent/memory -> its unique word
    try (ServerProcess server = ServerProcess.start(data, "--sync", "always")) {
      int port = server.port();
      for (int agent = 0; agent < 4; agent++) {
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/agents/agent" + agent))
            .PUT(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      }
      killMidStream(server, 4, 600, (writer, killed, done) -> {
        for (int i = 0; !killed.get(); i++) {
          String word = "w" + writer + "x" + i + "q";
          HttpResponse<String> added = post(port, "/v1/agents/agent" + writer + "/memories",
              new JsonObject().put("text", "note " + word + " about the day").encode());
          if (added.statusCode() == 201) {
            String id = new JsonObject(added.body()).getString("id");
            acknowledged.put("agent" + writer + "/" + id, word);
            done.countDown();
          }
        }
      });
    }
    try (ServerProcess restarted = ServerProcess.start(data)) {
      int port = restarted.port();
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        String agent = e.getKey().substring(0, e.getKey().indexOf('/'));
        String id = e.getKey().substring(agent.length() + 1);
        HttpResponse<String> found = post(port, "/v1/agents/" + agent + "/memories/search",
            new JsonObject().put("query", e.getValue()).put("k", 5).put("mode", "bm25").encode());
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        io.vertx.core.json.JsonArray results = new JsonObject(found.body()).getJsonArray("results");
        assertThat(results).as(e.getKey()).hasSize(1);
        assertThat(results.getJsonObject(0).getString("id")).isEqualTo(id);
      }
      for (int agent = 0; agent < 4; agent++) {
        String name = "agent" + agent;
        long stored = new JsonObject(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/agents/" + name))
            .build(), HttpResponse.BodyHandlers.ofString()).body()).getLong("count");
        long acked = acknowledged.keySet().stream().filter(k -> k.startsWith(name + "/")).count();
        assertThat(stored).as("agent%d: acknowledged adds, and the one in flight at most", agent).isBetween(acked, acked + 1);
        HttpResponse<String> all = post(port, "/v1/agents/agent" + agent + "/memories/search",
            new JsonObject().put("query", "note day").put("k", 1000).put("mode", "bm25").encode());
        assertThat(new JsonObject(all.body()).getJsonArray("results")).as("the index holds what the records hold").hasSize((int) stored);
      }
    }
  }

  /**
   * Every EXEC acknowledged before a kill -9 is there after the restart, whole; the one in flight is there
   * whole or not at all: an EXEC is one batch on disk.
   */
  /** MULTI/EXEC, and a Lua script, each setting 40 keys: after kill -9 all of one round or none of it. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"EXEC", "EVAL"})
  void aTransactionSurvivesKillMinus9WholeOrNotAtAll(String form) throws Exception {
    Path data = dir.resolve("data-" + form);
    int keys = 40;
    Map<Integer, Long> acknowledged = new ConcurrentHashMap<>();
    try (ServerProcess server = ServerProcess.start(data, "--sync", "always")) {
      int port = server.respPort();
      killMidStream(server, 4, 400, (writer, killed, done) -> {
        try (RedisSocket redis = new RedisSocket(port)) {
          for (long round = 1; !killed.get(); round++) {
            String value = round + ":" + "x".repeat(200);
            if (form.equals("EXEC") ? execRound(redis, writer, keys, value) : evalRound(redis, writer, keys, value)) {
              acknowledged.put(writer, round);
              done.countDown();
            }
          }
        }
      });
    }
    try (ServerProcess restarted = ServerProcess.start(data); RedisSocket redis = new RedisSocket(restarted.respPort())) {
      for (Map.Entry<Integer, Long> e : acknowledged.entrySet()) {
        java.util.Set<Object> rounds = new java.util.HashSet<>();
        for (int k = 0; k < keys; k++) {
          redis.send("GET", "w" + e.getKey() + ":" + k);
          rounds.add(String.valueOf(redis.reply()).split(":")[0]);
        }
        assertThat(rounds).as("writer %d: one round for all its keys", e.getKey()).hasSize(1);
        long round = Long.parseLong((String) rounds.iterator().next());
        assertThat(round).as("writer %d", e.getKey()).isBetween(e.getValue(), e.getValue() + 1); // + the one in flight
      }
    }
  }


  private static boolean execRound(RedisSocket redis, int writer, int keys, String value) throws java.io.IOException {
    redis.send("MULTI");
    for (int k = 0; k < keys; k++) {
      redis.send("SET", "w" + writer + ":" + k, value);
    }
    redis.send("EXEC");
    for (int i = 0; i < keys + 1; i++) {
      redis.reply(); // OK, then QUEUED for each
    }
    return redis.reply() instanceof List<?> ran && ran.size() == keys;
  }

  private static boolean evalRound(RedisSocket redis, int writer, int keys, String value) throws java.io.IOException {
    List<String> command = new java.util.ArrayList<>(List.of("EVAL",
        "for _, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1]) end return #KEYS", Integer.toString(keys)));
    for (int k = 0; k < keys; k++) {
      command.add("w" + writer + ":" + k);
    }
    command.add(value);
    redis.send(command.toArray(String[]::new));
    return Long.valueOf(keys).equals(redis.reply());
  }

  @Test
  void aSecondServerOnTheSameDirectoryFailsNamingTheFirst() throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess first = ServerProcess.start(data)) {
      first.port();
      try (ServerProcess second = ServerProcess.start(data)) {
        assertThat(second.waitFor()).isNotZero();
        assertThat(second.log()).contains("comdb: the server did not start: data directory " + data + " is already open by another process");
      }
      assertThat(get(first.port(), "still-serving").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void sigtermFinishesCleanlyExitsZeroAndReleasesTheDirectory() throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess server = ServerProcess.start(data)) {
      int port = server.port();
      assertThat(put(port, "k", "v").statusCode()).isEqualTo(204);
      server.terminate();
      assertThat(server.waitFor()).as(server.log()).isZero();
    }
    assertThat(Files.readString(data.resolve("META"))).contains("clean-shutdown=true");
    try (Engine engine = Engine.open(EngineOptions.builder(data).build())) {
      assertThat(engine.get("k".getBytes(UTF_8))).isEqualTo("v".getBytes(UTF_8));
    }
  }

  /** {@code redis-cli shutdown}, as a user stops a Redis server: the same clean stop as SIGTERM. */
  @Test
  void redisCliShutdownStopsCleanlyAndKeepsTheData() throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess server = ServerProcess.start(data)) {
      int resp = server.respPort();
      try (RedisSocket redis = new RedisSocket(resp)) {
        assertThat(redis.command("SET", "k", "v")).isEqualTo("OK");
      }
      Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(resp), "shutdown").redirectErrorStream(true).start();
      String said = new String(cli.getInputStream().readAllBytes(), UTF_8);
      assertThat(cli.waitFor()).as(said).isZero();
      assertThat(server.waitFor()).as(server.log()).isZero();
      assertThat(server.log()).contains("User requested shutdown");
    }
    assertThat(Files.readString(data.resolve("META"))).contains("clean-shutdown=true");
    try (ServerProcess again = ServerProcess.start(data); RedisSocket redis = new RedisSocket(again.respPort())) {
      assertThat(redis.command("GET", "k")).isEqualTo("v");
    }
  }

  @Test
  void aBadConfigurationStopsTheStartNamingTheField() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--sync", "sometimes")) {
      assertThat(server.waitFor()).isEqualTo(2);
      assertThat(server.log()).contains("comdb: bad configuration: engine.sync: must be one of always, interval, none; got 'sometimes'");
    }
  }
}
