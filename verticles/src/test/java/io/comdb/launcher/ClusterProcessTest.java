package io.comdb.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.comdb.cluster.HazelcastSetup;
import io.comdb.config.ClusterSection;
import io.comdb.examples.ClusterConsumer;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Kv;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of real server JVMs on loopback: every API on every node, real Redis clients (redis-py's
 * RedisCluster, redis-cli -c), a clustered event-bus consumer (this JVM, as a Hazelcast lite member), and
 * no acknowledged write lost when a node is killed with SIGKILL or a node joins under load.
 */
class ClusterProcessTest {
  private static final int PARTITIONS = 271;

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private final List<ServerProcess> nodes = new ArrayList<>();
  private int[] hazelcastPorts;

  /** Stops every node and keeps their logs in {@code target/cluster-logs} (a failure's evidence). */
  @AfterEach
  void stopNodes(org.junit.jupiter.api.TestInfo test) throws Exception {
    Path logs = Path.of("target", "cluster-logs");
    java.nio.file.Files.createDirectories(logs);
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).close();
      java.nio.file.Files.writeString(logs.resolve(test.getTestMethod().orElseThrow().getName() + "-" + i + ".log"), nodes.get(i).log());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private String members() {
    return IntStream.of(hazelcastPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  private ServerProcess startNode(int i, String... flags) throws IOException {
    return startNode(i, members(), List.of(), flags);
  }

  /** Node {@code i}, which joins through {@code members}, in a JVM with {@code jvmOptions}. */
  private ServerProcess startNode(int i, String members, List<String> jvmOptions, String... flags) throws IOException {
    List<String> all = new ArrayList<>(List.of("--sync", "always", "--cluster",
        "--cluster-port", Integer.toString(hazelcastPorts[i]), "--cluster-members", members));
    all.addAll(List.of(flags));
    ServerProcess node = ServerProcess.start(dir.resolve("node" + i), jvmOptions, all.toArray(String[]::new));
    nodes.add(node);
    return node;
  }

  /** Waits until {@code live} nodes are members and each partition and its backup are held whole. */
  private void awaitSettled(List<ServerProcess> live) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      int held = 0;
      int filling = 0;
      boolean members = true;
      for (ServerProcess node : live) {
        try (RedisSocket redis = new RedisSocket(node.respPort())) {
          Map<String, String> info = clusterInfo(redis);
          members &= info.get("cluster_known_nodes").equals(Integer.toString(live.size()));
          held += Integer.parseInt(info.get("comdb_partitions_held"));
          filling += Integer.parseInt(info.get("comdb_partitions_filling"));
        }
      }
      if (members && filling == 0 && held == 2 * PARTITIONS) {
        return;
      }
      assertThat(System.nanoTime()).as("the cluster settles: held %d, filling %d", held, filling).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static Map<String, String> clusterInfo(RedisSocket redis) throws IOException {
    Map<String, String> info = new java.util.HashMap<>();
    for (String line : ((String) redis.command("CLUSTER", "INFO")).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        info.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return info;
  }

  private HttpResponse<String> put(int port, String key, String value) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/kv/" + key))
        .PUT(HttpRequest.BodyPublishers.ofString(value)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(int port, String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.trim();
  }

  @Test
  void everyNodeServesEveryKeyOnEveryApi() throws Exception {
    hazelcastPorts = new int[] {freePort(), freePort(), freePort()};
    for (int i = 0; i < 3; i++) {
      startNode(i);
    }
    awaitSettled(nodes);
    int[] resp = {nodes.get(0).respPort(), nodes.get(1).respPort(), nodes.get(2).respPort()};
    int[] httpPorts = {nodes.get(0).port(), nodes.get(1).port(), nodes.get(2).port()};

    // A plain client on one node, read back on the others; a cluster-aware client anywhere.
    String script = """
        import sys, redis
        from redis.cluster import RedisCluster
        ports = [int(p) for p in sys.argv[1:]]
        plain = redis.Redis(port=ports[0])
        for i in range(300):
            plain.set('k%d' % i, 'v%d' % i)
        for port in ports[1:]:
            other = redis.Redis(port=port)
            assert [other.get('k%d' % i) for i in range(300)] == [b'v%d' % i for i in range(300)]
        try:
            plain.mset({'a': 1, 'b': 2})
            raise SystemExit('no CROSSSLOT')
        except redis.ResponseError as e:
            assert str(e).startswith('CROSSSLOT'), e
        assert plain.mset({'{u}a': 1, '{u}b': 2}) and plain.mget('{u}a', '{u}b') == [b'1', b'2']
        pipe = plain.pipeline(transaction=True)
        pipe.incr('{u}n').incr('{u}n')
        assert pipe.execute() == [1, 2]
        # a script goes where its declared keys live (three fifths of them on other nodes)
        for i in range(5):
            assert plain.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])", 1, 'e%d' % i, i) == i
        assert [redis.Redis(port=ports[1]).get('e%d' % i) for i in range(5)] == [b'%d' % i for i in range(5)]
        aware = RedisCluster(host='127.0.0.1', port=ports[1])
        assert aware.get('k7') == b'v7'
        for i in range(100):
            aware.set('c%d' % i, i)
        assert [int(plain.get('c%d' % i)) for i in range(100)] == list(range(100))
        subscriber = redis.Redis(port=ports[2]).pubsub()
        subscriber.subscribe('news')
        psubscriber = redis.Redis(port=ports[1]).pubsub()
        psubscriber.psubscribe('ne*')
        for s in (subscriber, psubscriber):
            assert s.get_message(timeout=5)['type'] in ('subscribe', 'psubscribe')
        assert plain.publish('news', 'hello') == 2  # subscribers on the other two nodes
        assert subscriber.get_message(timeout=5)['data'] == b'hello'
        assert psubscriber.get_message(timeout=5)['data'] == b'hello'
        print('ok')
        """;
    assertThat(run("/usr/bin/python3", "-c", script, Integer.toString(resp[0]), Integer.toString(resp[1]), Integer.toString(resp[2])))
        .isEqualTo("ok");
    assertThat(run("redis-cli", "-c", "-p", Integer.toString(resp[2]), "GET", "k42")).isEqualTo("v42");
    try (RedisSocket redis = new RedisSocket(resp[0])) {
      assertThat(redis.command("CLUSTER", "KEYSLOT", "foo")).isEqualTo(12182L);
      @SuppressWarnings("unchecked")
      List<List<Object>> slots = (List<List<Object>>) redis.command("CLUSTER", "SLOTS");
      assertThat(slots.stream().mapToLong(r -> (Long) r.get(1) - (Long) r.get(0) + 1).sum()).isEqualTo(16384);
      assertThat(slots.stream().map(r -> ((List<?>) r.get(2)).get(1)).distinct()).hasSize(3);
      // each range lists its backup (cluster.backups 1) as its replica, on another node
      assertThat(slots).allSatisfy(r -> {
        assertThat(r).hasSize(4);
        assertThat(((List<?>) r.get(3)).get(1)).isNotEqualTo(((List<?>) r.get(2)).get(1));
      });
      String nodes = (String) redis.command("CLUSTER", "NODES");
      assertThat(nodes.lines()).hasSize(3).allSatisfy(line -> assertThat(line).matches("[0-9a-f]{40} 127\\.0\\.0\\.1:\\d+@[1-9]\\d* .*"));
    }

    // WATCH (from a plain client) of a key another node owns is held there: a write to it through a third
    // node aborts the EXEC
    try (RedisSocket plain = new RedisSocket(resp[0])) {
      String watched = keyOwnedBy(this.nodes.get(1));
      assertThat(plain.command("WATCH", watched)).isEqualTo("OK");
      try (RedisSocket other = new RedisSocket(resp[2])) {
        assertThat(other.command("SET", watched, "theirs")).isEqualTo("OK");
      }
      assertThat(plain.command("MULTI")).isEqualTo("OK");
      assertThat(plain.command("SET", watched, "mine")).isEqualTo("QUEUED");
      assertThat(plain.command("EXEC")).isNull();
      assertThat(plain.command("WATCH", watched)).isEqualTo("OK");
      assertThat(plain.command("MULTI")).isEqualTo("OK");
      assertThat(plain.command("SET", watched, "mine")).isEqualTo("QUEUED");
      assertThat(plain.command("EXEC")).isEqualTo(List.of("OK"));
      assertThat(plain.command("GET", watched)).isEqualTo("mine");
    }

    // HTTP: written through one node, read and listed through the others.
    for (int i = 0; i < 50; i++) {
      assertThat(put(httpPorts[i % 3], "h" + i, "value" + i).statusCode()).isEqualTo(204);
    }
    for (int port : httpPorts) {
      for (int i = 0; i < 50; i++) {
        assertThat(get(port, "/v1/kv/h" + i).body()).isEqualTo("value" + i);
      }
      assertThat(new JsonObject(get(port, "/v1/kv?prefix=h&limit=1000").body()).getJsonArray("entries")).hasSize(50);
    }

    // A Vert.x service in the same cluster, joined as a lite member: writes, reads, memory, and bad input.
    ClusterSection consumer = new ClusterSection(true, "127.0.0.1", freePort(), members(), 1, 1, 5000);
    Vertx vertx = Vertx.builder().withClusterManager(HazelcastSetup.consumerClusterManager(consumer)).buildClustered()
        .await(60, TimeUnit.SECONDS);
    try {
      Codecs.register(vertx);
      Kv.Done done = vertx.eventBus().<Kv.Done>request(Addresses.KV_PUT, new Kv.Put("bus".getBytes(UTF_8), "from the bus".getBytes(UTF_8)))
          .await(30, TimeUnit.SECONDS).body();
      assertThat(done.sequence()).isPositive();
      assertThat(get(httpPorts[1], "/v1/kv/bus").body()).isEqualTo("from the bus");
      // A consumer holds no data: scans, PUBLISH and the member count leave it out.
      assertThat(new JsonObject(get(httpPorts[0], "/v1/kv?prefix=h&limit=1000").body()).getJsonArray("entries")).hasSize(50);
      try (RedisSocket redis = new RedisSocket(resp[0])) {
        assertThat(clusterInfo(redis).get("cluster_known_nodes")).isEqualTo("3");
        assertThat(redis.command("PUBLISH", "nobody", "listens")).isEqualTo(0L);
      }
      Kv.Value value = vertx.eventBus().<Kv.Value>request(Addresses.KV_GET, new Kv.Get("h3".getBytes(UTF_8))).await(30, TimeUnit.SECONDS).body();
      assertThat(new String(value.value(), UTF_8)).isEqualTo("value3");
      JsonObject added = vertx.eventBus().<JsonObject>request(Addresses.MEMORY_ADD,
          new JsonObject().put("agentId", "agent-7").put("text", "the deploy key lives in the vault").put("createSpace", true))
          .await(30, TimeUnit.SECONDS).body();
      assertThat(added.getJsonArray("ids")).hasSize(1);
      JsonObject found = new JsonObject(post(httpPorts[2], "/v1/agents/agent-7/memories/search", "{\"query\":\"deploy key\"}").body());
      assertThat(found.getJsonArray("results").getJsonObject(0).getString("text")).isEqualTo("the deploy key lives in the vault");
      assertThat(ClusterConsumer.demo(vertx).await(60, TimeUnit.SECONDS)) // the example in the repository
          .startsWith("read 'hello from the event bus' (version ")
          .endsWith("memory search found: The staging database is backed up every night at 02:00");
      try {
        vertx.eventBus().request(Addresses.KV_BATCH, new Kv.Batch(List.of(new Kv.Write("a".getBytes(UTF_8), new byte[1]),
            new Kv.Write("b".getBytes(UTF_8), new byte[1])))).await(30, TimeUnit.SECONDS);
        throw new AssertionError("a batch across slots was taken");
      } catch (ReplyException e) {
        assertThat(e.failureCode()).isEqualTo(10); // CROSS_SLOT
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }

    // The whole cluster dies at once and restarts: each node offers what it held, and nothing is lost.
    for (ServerProcess node : List.copyOf(nodes)) {
      node.kill();
    }
    List<ServerProcess> restarted = new ArrayList<>();
    for (int i = 2; i >= 0; i--) {
      restarted.add(startNode(i));
    }
    awaitSettled(restarted);
    for (int i = 0; i < 50; i++) {
      assertThat(get(restarted.get(i % 3).port(), "/v1/kv/h" + i).body()).isEqualTo("value" + i);
    }
    try (RedisSocket redis = new RedisSocket(restarted.get(0).respPort())) {
      for (int i = 0; i < 300; i++) {
        assertThat(redis.command("GET", "k" + i)).isEqualTo("v" + i);
      }
    }
  }

  /**
   * A node that was down while the others took writes does not win when the whole cluster restarts, even
   * when it starts first: each copy carries its partition's version, and a restarted node compares them once
   * as many members as the cluster had are back.
   */
  @Test
  void aNodeThatMissedWritesDoesNotWinAWholeClusterRestart() throws Exception {
    hazelcastPorts = new int[] {freePort(), freePort(), freePort()};
    for (int i = 0; i < 3; i++) {
      startNode(i);
    }
    List<ServerProcess> before = List.copyOf(nodes);
    awaitSettled(before);
    for (int i = 0; i < 200; i++) {
      assertThat(put(before.get(0).port(), "s" + i, "old").statusCode()).isEqualTo(204);
    }
    before.get(2).kill();
    awaitSettled(before.subList(0, 2));
    for (int i = 0; i < 200; i++) {
      assertThat(put(before.get(0).port(), "s" + i, "new").statusCode()).isEqualTo(204);
    }
    before.get(0).kill();
    before.get(1).kill();

    ServerProcess missedWrites = startNode(2);
    missedWrites.port(); // up: it has looked at a partition table where it is the only member
    List<ServerProcess> restarted = List.of(missedWrites, startNode(0), startNode(1));
    awaitSettled(restarted);
    for (ServerProcess node : restarted) {
      for (int i = 0; i < 200; i++) {
        assertThat(get(node.port(), "/v1/kv/s" + i).body()).as("s%d through port %d", i, node.port()).isEqualTo("new");
      }
    }
  }

  /**
   * Under a write load with sync always, a node is killed with SIGKILL, then a new node joins: every write
   * acknowledged before, during and after is readable from the survivors, and the new node holds
   * partitions' data. {@code -Dcomdb.cluster.rounds=N} repeats the kill and the join N times (a soak test
   * outside the default run: {@code mvn -pl verticles test -Dtest=ClusterProcessTest -Dcomdb.cluster.rounds=10}).
   */
  @Test
  void noAcknowledgedWriteIsLostWhenANodeDiesOrJoins() throws Exception {
    int rounds = Integer.getInteger("comdb.cluster.rounds", 1);
    hazelcastPorts = new int[3 + rounds];
    for (int i = 0; i < hazelcastPorts.length; i++) {
      hazelcastPorts[i] = freePort();
    }
    for (int i = 0; i < 3; i++) {
      startNode(i);
    }
    List<ServerProcess> live = new ArrayList<>(nodes);
    awaitSettled(live);
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger count = new AtomicInteger();
    // The writers go through every live node but the next to be killed (live.get(0)).
    AtomicReference<int[]> writePorts = new AtomicReference<>(httpPorts(live.subList(1, live.size())));
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      int writer = w;
      Thread t = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          int[] ports = writePorts.get();
          String key = "w" + writer + "-" + i;
          try {
            if (put(ports[writer % ports.length], key, "value-" + i).statusCode() == 204) {
              acknowledged.put(key, "value-" + i);
              count.incrementAndGet();
            }
          } catch (Exception e) {
            // not acknowledged
          }
        }
      });
      t.start();
      writers.add(t);
    }
    awaitCount(count, 300);
    int spacesPort = live.get(1).port();
    for (int a = 0; a < 6; a++) { // spaces on every node, some of them on the node about to die
      assertThat(post(spacesPort, "/v1/agents/agent-" + a + "/memories",
          "{\"text\":\"agent " + a + " keeps the blue notebook\",\"createSpace\":true}").statusCode()).isEqualTo(201);
    }
    for (int round = 0; round < rounds; round++) {
      live.remove(0).kill();
      awaitCount(count, count.get() + 300); // writes go on with the survivors
      awaitSettled(live);
      live.add(startNode(3 + round));
      writePorts.set(httpPorts(live.subList(1, live.size())));
      awaitCount(count, count.get() + 300);
      awaitSettled(live);
    }
    stop.set(true);
    for (Thread t : writers) {
      t.join();
    }
    for (ServerProcess node : live) {
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        HttpResponse<String> got = get(node.port(), "/v1/kv/" + e.getKey());
        assertThat(got.statusCode()).as("%s through port %d", e.getKey(), node.port()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(e.getValue());
      }
    }
    ServerProcess joined = live.get(live.size() - 1);
    for (int a = 0; a < 6; a++) {
      JsonObject found = new JsonObject(post(joined.port(), "/v1/agents/agent-" + a + "/memories/search", "{\"query\":\"blue notebook\"}").body());
      assertThat(found.getJsonArray("results").getJsonObject(0).getString("text")).isEqualTo("agent " + a + " keeps the blue notebook");
    }
    JsonObject stats = new JsonObject(get(joined.port(), "/v1/stats").body());
    assertThat(stats.getLong("liveKeys")).as("the new node holds its partitions").isPositive();
  }

  private static int[] httpPorts(List<ServerProcess> nodes) throws Exception {
    int[] ports = new int[nodes.size()];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = nodes.get(i).port();
    }
    return ports;
  }

  /**
   * With tls.cert and tls.key, the nodes' event bus is TLS with certificates both ways: requests between
   * nodes work, and a member without the certificate reaches no node's verticles.
   */
  @Test
  void withTlsTheEventBusBetweenNodesIsEncryptedAndAuthenticated() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString());
    hazelcastPorts = new int[] {freePort(), freePort()};
    for (int i = 0; i < 2; i++) {
      startNode(i, "--tls-cert", cert.toString(), "--tls-key", key.toString());
    }
    awaitSettled(nodes);
    int[] httpPorts = httpPorts(nodes);
    for (int i = 0; i < 40; i++) {
      assertThat(put(httpPorts[i % 2], "t" + i, "v" + i).statusCode()).isEqualTo(204);
    }
    for (int port : httpPorts) {
      for (int i = 0; i < 40; i++) { // half of them on the other node: over the TLS event bus
        assertThat(get(port, "/v1/kv/t" + i).body()).isEqualTo("v" + i);
      }
    }
    ClusterSection member = new ClusterSection(true, "127.0.0.1", freePort(), members(), 1, 1, 5000);
    Vertx plain = Vertx.builder().withClusterManager(HazelcastSetup.consumerClusterManager(member)).buildClustered()
        .await(60, TimeUnit.SECONDS);
    try {
      Codecs.register(plain);
      assertThatThrownBy(() -> plain.eventBus().request(Addresses.KV_GET, new Kv.Get("t1".getBytes(UTF_8)),
          new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(5000)).await(30, TimeUnit.SECONDS))
          .as("no certificate, no answer").isInstanceOf(ReplyException.class);
    } finally {
      plain.close().await(30, TimeUnit.SECONDS);
    }
    io.vertx.core.VertxOptions options = new io.vertx.core.VertxOptions();
    HazelcastSetup.secureEventBus(options.getEventBusOptions().setHost("127.0.0.1"),
        new io.comdb.config.TlsSection(cert.toString(), key.toString(), null));
    Vertx secure = Vertx.builder().with(options)
        .withClusterManager(HazelcastSetup.consumerClusterManager(new ClusterSection(true, "127.0.0.1", freePort(), members(), 1, 1, 5000)))
        .buildClustered().await(60, TimeUnit.SECONDS);
    try {
      Codecs.register(secure);
      Kv.Value value = secure.eventBus().<Kv.Value>request(Addresses.KV_GET, new Kv.Get("t1".getBytes(UTF_8)))
          .await(30, TimeUnit.SECONDS).body();
      assertThat(new String(value.value(), UTF_8)).isEqualTo("v1");
    } finally {
      secure.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The two sides of a split brain both take writes, then merge (cluster.minMembers 1): while the larger
   * side (two nodes) is frozen, a third node that knows no other member forms a side of its own and writes
   * the same keys and keys of its own; once the larger side goes on, it finds that node and Hazelcast
   * merges it in, with a new member UUID. The merged node keeps its node id, drops its copies and fills what
   * the merged table gives it from the larger side. Every node then answers the larger side's values, the
   * smaller side's own keys are gone everywhere, writes go on through every node, and the values survive
   * the loss of a node. (Before nodes were named by their Vert.x id, the merged node was never ready again.)
   */
  @Test
  void theSmallerSideOfASplitBrainMergesIntoTheLargerOne() throws Exception {
    hazelcastPorts = new int[] {freePort(), freePort(), freePort()};
    // The larger side looks for the member it knows but has not got every 2 s.
    List<String> merges = List.of("-Dhazelcast.merge.first.run.delay.seconds=2", "-Dhazelcast.merge.next.run.delay.seconds=2");
    ServerProcess first = startNode(0, members(), merges);
    ServerProcess second = startNode(1, members(), merges);
    awaitSettled(List.of(first, second));
    for (int i = 0; i < 50; i++) {
      assertThat(put(first.port(), "k" + i, "larger").statusCode()).isEqualTo(204);
    }
    first.pause();
    second.pause();
    ServerProcess smaller = startNode(2, "127.0.0.1:" + hazelcastPorts[2], List.of()); // knows no other member
    for (int i = 0; i < 50; i++) {
      assertThat(put(smaller.port(), "k" + i, "smaller").statusCode()).isEqualTo(204);
      assertThat(put(smaller.port(), "only-smaller" + i, "v").statusCode()).isEqualTo(204);
    }
    first.resume();
    second.resume();
    awaitSettled(List.of(first, second, smaller)); // merged: three members, each partition and its backup held
    for (ServerProcess node : List.of(first, second, smaller)) {
      for (int i = 0; i < 50; i++) {
        assertThat(get(node.port(), "/v1/kv/k" + i).body()).as("k%d through port %d", i, node.port()).isEqualTo("larger");
        assertThat(get(node.port(), "/v1/kv/only-smaller" + i).statusCode()).isEqualTo(404);
      }
      assertThat(put(node.port(), "after" + node.port(), "v").statusCode()).isEqualTo(204);
    }
    first.kill(); // the others' copies, the merged node's included, are the larger side's
    awaitSettled(List.of(second, smaller));
    for (ServerProcess node : List.of(second, smaller)) {
      for (int i = 0; i < 50; i++) {
        assertThat(get(node.port(), "/v1/kv/k" + i).body()).as("k%d through port %d", i, node.port()).isEqualTo("larger");
      }
    }
  }

  /** With cluster.minMembers 2, the node left alone refuses writes on every API, and reads go on. */
  @Test
  void aSideWithFewerThanMinMembersRefusesWrites() throws Exception {
    hazelcastPorts = new int[] {freePort(), freePort()};
    Path conf = dir.resolve("comdb.json");
    java.nio.file.Files.writeString(conf, "{\"cluster\": {\"minMembers\": 2}}");
    startNode(0, "--conf", conf.toString());
    startNode(1, "--conf", conf.toString());
    awaitSettled(nodes);
    ServerProcess survivor = nodes.get(1);
    try (RedisSocket redis = new RedisSocket(survivor.respPort()); RedisSocket blocked = new RedisSocket(survivor.respPort())) {
      for (int i = 0; i < 20; i++) {
        assertThat(redis.command("SET", "before" + i, "v")).isEqualTo("OK");
      }
      blocked.send("BLPOP", keyOwnedBy(nodes.get(0)), "0"); // waits on the writer of the node about to die
      nodes.get(0).kill();
      assertThatThrownBy(blocked::reply).hasMessageContaining("left the cluster while this command waited");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!clusterInfo(redis).get("cluster_known_nodes").equals("1")) {
        assertThat(System.nanoTime()).as("the survivor sees the other gone").isLessThan(deadline);
        Thread.sleep(200);
      }
      assertThat(clusterInfo(redis).get("cluster_state")).isEqualTo("fail");
      try {
        redis.command("SET", "after", "v");
        throw new AssertionError("a write was taken without quorum");
      } catch (IOException e) {
        assertThat(e).hasMessage("error reply: -CLUSTERDOWN The cluster is down");
      }
      for (int i = 0; i < 20; i++) {
        assertThat(redis.command("GET", "before" + i)).isEqualTo("v");
      }
    }
    HttpResponse<String> refused = put(survivor.port(), "after", "v");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(refused.body()).getString("error")).contains("cluster.minMembers");
  }

  /** A key in one of {@code node}'s slots. */
  private static String keyOwnedBy(ServerProcess node) throws Exception {
    try (RedisSocket redis = new RedisSocket(node.respPort())) {
      @SuppressWarnings("unchecked")
      List<List<Object>> slots = (List<List<Object>>) redis.command("CLUSTER", "SLOTS");
      for (int i = 0; ; i++) {
        long slot = (Long) redis.command("CLUSTER", "KEYSLOT", "queue" + i);
        for (List<Object> range : slots) {
          if ((Long) range.get(0) <= slot && slot <= (Long) range.get(1) && ((List<?>) range.get(2)).get(1).equals((long) node.respPort())) {
            return "queue" + i;
          }
        }
      }
    }
  }

  private static void awaitCount(AtomicInteger count, int target) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (count.get() < target) {
      assertThat(System.nanoTime()).as("%d acknowledged writes", target).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
