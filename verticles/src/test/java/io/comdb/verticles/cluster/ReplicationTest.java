package io.comdb.verticles.cluster;

import static io.comdb.verticles.Bus.await;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.comdb.cluster.HazelcastSetup;
import io.comdb.config.ClusterSection;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.ReadView;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.ServerVerticle;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Redis;
import io.comdb.verticles.api.Replica;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's side of partition copies, on a one-member cluster (a real Hazelcast in this JVM): what it
 * does with requests that arrive in the orders the replica verticle can send them.
 */
class ReplicationTest {
  @TempDir
  Path dir;

  private Vertx vertx;
  private ClusterNode node;
  /** The node's Hazelcast port. */
  private int port;

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @BeforeEach
  void start() throws Exception {
    port = freePort();
    ClusterSection cluster = new ClusterSection(true, "127.0.0.1", port, "127.0.0.1:" + port, 1, 1, 5000);
    vertx = await(Vertx.builder().withClusterManager(HazelcastSetup.clusterManager(cluster)).buildClustered());
    JsonObject config = new JsonObject()
        .put("engine", new JsonObject().put("dataDir", dir.resolve("data").toString()))
        .put("cluster", cluster.toJson())
        .put("http", new JsonObject().put("enabled", false))
        .put("resp", new JsonObject().put("enabled", false))
        .put("line", new JsonObject().put("enabled", false))
        .put("search", new JsonObject().put("enabled", false));
    await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    node = ClusterNode.of(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      await(ServerVerticle.stopInOrder(vertx));
      await(vertx.close());
    }
  }

  private Future<Kv.Done> toWriter(Object request) {
    return vertx.eventBus().<Kv.Done>request(Addresses.WRITER_REPLICA, request).map(m -> m.body());
  }

  /** A key of {@code partition}, as stored. */
  private byte[] keyIn(int partition, String prefix) {
    for (int i = 0; ; i++) {
      byte[] key = (prefix + i).getBytes(UTF_8);
      if (node.partitionOfStored(key) == partition) {
        return key;
      }
    }
  }

  /**
   * A member leaves (a Vert.x service, a lite member, whose Vert.x node id is not its Hazelcast UUID): the
   * node is told its node id, and a request sent to it after that is given up at once, not left to its
   * timeout (the partition table may name a member a moment after its leaving is known).
   */
  @Test
  void aRequestToAMemberThatHasLeftIsGivenUpAtOnce() throws Exception {
    ClusterSection member = new ClusterSection(true, "127.0.0.1", freePort(), "127.0.0.1:" + port, 1, 1, 5000);
    Vertx other = await(Vertx.builder().withClusterManager(HazelcastSetup.consumerClusterManager(member)).buildClustered());
    String otherId = ((io.vertx.core.internal.VertxInternal) other).clusterManager().getNodeId();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    CompletableFuture<Outstanding> outstanding = new CompletableFuture<>();
    context.runOnContext(v -> outstanding.complete(new Outstanding(node, context)));
    CompletableFuture<String> left = new CompletableFuture<>();
    outstanding.get(10, TimeUnit.SECONDS);
    node.onLeft(left::complete); // after Outstanding's own listener, which hops to the context first
    await(other.close());
    assertThat(left.get(30, TimeUnit.SECONDS)).isEqualTo(otherId);
    CompletableFuture<Void> givenUp = new CompletableFuture<>();
    context.runOnContext(v -> outstanding.join().sent(otherId, () -> givenUp.complete(null)));
    givenUp.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPartitionGivenUpAndFilledAgainAtOnceKeepsEveryEntryOfTheFill() throws Exception {
    int partition = 42;
    byte[] old = keyIn(partition, "old");
    byte[] copied = keyIn(partition, "copied");
    await(toWriter(new Replica.Apply(List.of(new Kv.Write(old, "stale".getBytes(UTF_8))))));
    // Sent back to back, as two looks at the partition table a moment apart send them.
    Future<Kv.Done> dropped = toWriter(new Replica.Drop(List.of(partition)));
    Future<Kv.Done> begun = toWriter(new Replica.Fill(List.of(partition), true));
    await(dropped);
    await(begun);
    await(toWriter(new Replica.Filled(List.of(new Kv.Write(copied, "from the holder".getBytes(UTF_8))))));
    await(toWriter(new Replica.Fill(List.of(partition), false)));
    ReadView reads = EngineVerticle.reads(vertx);
    assertThat(reads.get(old)).isNull();
    assertThat(reads.get(copied)).asString(UTF_8).isEqualTo("from the holder");
  }

  @Test
  void aPageForAPartitionNotBeingFilledFailsAndAppliesNothing() throws Exception {
    byte[] key = keyIn(7, "k");
    assertThatThrownBy(() -> await(toWriter(new Replica.Filled(List.of(new Kv.Write(key, "v".getBytes(UTF_8)))))))
        .isInstanceOf(ReplyException.class)
        .hasMessageContaining("is not being filled");
    assertThat(EngineVerticle.reads(vertx).get(key)).isNull();
  }

  @Test
  void aLiveCopyDuringAFillWinsOverTheFillsPage() throws Exception {
    int partition = 100;
    byte[] key = keyIn(partition, "k");
    await(toWriter(new Replica.Fill(List.of(partition), true)));
    await(toWriter(new Replica.Apply(List.of(new Kv.Write(key, "live".getBytes(UTF_8))))));
    await(toWriter(new Replica.Filled(List.of(new Kv.Write(key, "older page".getBytes(UTF_8))))));
    await(toWriter(new Replica.Fill(List.of(partition), false)));
    assertThat(EngineVerticle.reads(vertx).get(key)).asString(UTF_8).isEqualTo("live");
  }

  @Test
  void aFillStreamsExactlyItsPartitionsInPagesAndADropDeletesExactlyThem() throws Exception {
    for (int i = 0; i < 1000; i++) {
      await(vertx.eventBus().request(Addresses.KV_PUT, new Kv.Put(("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8))));
      if (i % 10 == 0) { // a Redis hash: a metadata record and sub-keys, all in the slot of its key
        await(vertx.eventBus().request(Addresses.REDIS_EXEC, new Redis.Exec(0,
            List.of("HSET".getBytes(UTF_8), ("h" + i).getBytes(UTF_8), "f1".getBytes(UTF_8), "x".getBytes(UTF_8), "f2".getBytes(UTF_8), "y".getBytes(UTF_8)))));
      }
    }
    List<Integer> partitions = List.of(node.partitionOfStored("k7".getBytes(UTF_8)), node.partitionOfStored("h990".getBytes(UTF_8)),
        node.partitionOfStored("h0".getBytes(UTF_8))); // pages come in partition order, whatever this order
    ReadView reads = EngineVerticle.reads(vertx);
    List<String> expected = new ArrayList<>();
    try (EngineIterator it = reads.iterator(IteratorOptions.all())) {
      for (; it.isValid(); it.next()) {
        if (partitions.contains(node.partitionOfStored(it.key()))) {
          expected.add(new String(it.key(), ISO_8859_1));
        }
      }
    }
    expected.sort(Comparator.comparingInt((String k) -> node.partitionOfStored(k.getBytes(ISO_8859_1)))
        .thenComparing(Comparator.naturalOrder()));
    assertThat(expected).hasSizeGreaterThan(10).anyMatch(k -> k.startsWith("\0")); // a hash's records too

    List<String> streamed = new ArrayList<>();
    byte[] after = null;
    do {
      Replica.Chunk page = await(vertx.eventBus().<Replica.Chunk>request(node.local(Addresses.REPLICA_FETCH),
          new Replica.Fetch(partitions, after, 3, node.id()))).body();
      assertThat(page.entries()).hasSizeLessThanOrEqualTo(3);
      for (Kv.Write w : page.entries()) {
        streamed.add(new String(w.key(), ISO_8859_1));
        assertThat(w.value()).isEqualTo(reads.get(w.key()));
      }
      after = page.next();
    } while (after != null);
    assertThat(streamed).containsExactlyElementsOf(expected);

    long before = reads.stats().liveKeys();
    await(toWriter(new Replica.Drop(partitions)));
    assertThat(reads.stats().liveKeys()).isEqualTo(before - expected.size());
    for (String key : expected) {
      assertThat(reads.get(key.getBytes(ISO_8859_1))).isNull();
    }
  }

  @Test
  void theFirstWriteToAPartitionCountsItsVersionUpAndLaterOnesWithTheSameReplicasDoNot() throws Exception {
    byte[] key = "versioned".getBytes(UTF_8);
    byte[] versionKey = PartitionVersion.key(node.partitionOfStored(key), node.table().partitionCount());
    ReadView reads = EngineVerticle.reads(vertx);
    assertThat(reads.get(versionKey)).isNull();
    await(vertx.eventBus().request(Addresses.KV_PUT, new Kv.Put(key, "1".getBytes(UTF_8))));
    assertThat(PartitionVersion.decode(reads.get(versionKey))).isEqualTo(new PartitionVersion(1, node.name()));
    await(vertx.eventBus().request(Addresses.KV_PUT, new Kv.Put(key, "2".getBytes(UTF_8))));
    assertThat(PartitionVersion.decode(reads.get(versionKey))).isEqualTo(new PartitionVersion(1, node.name()));
    assertThat(node.partitionOfStored(versionKey)).isEqualTo(node.partitionOfStored(key)); // streamed and dropped with it
  }

  @Test
  void theHoldingsFileNamesThisNodeAndTheMembersThatMadeTheirOffers() throws Exception {
    List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("data").resolve("cluster-holdings"));
    assertThat(lines).contains("node " + node.name(), "members " + node.name());
  }
}
