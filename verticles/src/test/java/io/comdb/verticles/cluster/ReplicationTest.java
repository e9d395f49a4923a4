package io.comdb.verticles.cluster;

import static io.comdb.verticles.Bus.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.comdb.cluster.HazelcastSetup;
import io.comdb.config.ClusterSection;
import io.comdb.engine.ReadView;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.ServerVerticle;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Replica;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
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

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
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
}
