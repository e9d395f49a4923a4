package io.comdb.verticles;

import static java.nio.charset.StandardCharsets.UTF_8;
import static io.comdb.verticles.Bus.await;
import static io.comdb.verticles.Bus.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Kv;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class EngineVerticleTest {
  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }


  private Future<String> deploy(Vertx vertx, JsonObject config) {
    return vertx.deployVerticle(new EngineVerticle(),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setConfig(config));
  }

  private JsonObject config(String sync) {
    return new JsonObject().put("dataDir", dir.toString()).put("sync", sync);
  }


  @Test
  void putGetDeleteOverTheEventBus(Vertx vertx) throws Exception {
    await(deploy(vertx, config("always")));
    Object done = request(vertx, Addresses.KV_PUT, new Kv.Put(b("k"), b("v")));
    assertThat(done).isInstanceOf(Kv.Done.class);
    Kv.Value value = request(vertx, Addresses.KV_GET, new Kv.Get(b("k")));
    assertThat(value.value()).isEqualTo(b("v"));
    Kv.Deleted deleted = request(vertx, Addresses.KV_DELETE, new Kv.Delete(b("k")));
    assertThat(deleted.sequence()).isPositive();
    assertThat(deleted.existed()).isTrue();
    Kv.Value gone = request(vertx, Addresses.KV_GET, new Kv.Get(b("k")));
    assertThat(gone.value()).isNull();
    Kv.Deleted again = request(vertx, Addresses.KV_DELETE, new Kv.Delete(b("k")));
    assertThat(again.existed()).isFalse();
  }

  @Test
  void aBatchAppliesAllItsWritesAndScansPageThroughThem(Vertx vertx) throws Exception {
    await(deploy(vertx, config("interval")));
    List<Kv.Write> writes = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      writes.add(new Kv.Write(b(String.format("item:%02d", i)), b("v" + i)));
    }
    writes.add(new Kv.Write(b("other"), b("x")));
    request(vertx, Addresses.KV_BATCH, new Kv.Batch(writes));
    request(vertx, Addresses.KV_BATCH, new Kv.Batch(List.of(new Kv.Write(b("item:03"), null))));

    List<String> seen = new ArrayList<>();
    byte[] after = null;
    int pages = 0;
    do {
      Kv.Page page = request(vertx, Addresses.KV_SCAN, new Kv.Scan(b("item:"), after, 10, false));
      page.entries().forEach(e -> seen.add(new String(e.key(), UTF_8)));
      after = page.next();
      pages++;
    } while (after != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(24).doesNotContain("item:03", "other").startsWith("item:00", "item:01", "item:02", "item:04");
    Kv.Page last = request(vertx, Addresses.KV_SCAN, new Kv.Scan(b("item:"), null, 2, true));
    assertThat(last.entries()).extracting(e -> new String(e.key(), UTF_8)).containsExactly("item:24", "item:23");
    assertThat(new String(last.next(), UTF_8)).isEqualTo("item:23");
  }

  @Test
  void statsAnswerFromTheEngine(Vertx vertx) throws Exception {
    await(deploy(vertx, config("none")));
    request(vertx, Addresses.KV_PUT, new Kv.Put(b("a"), b("1")));
    request(vertx, Addresses.KV_PUT, new Kv.Put(b("a"), b("2")));
    Admin.Stats stats = request(vertx, Addresses.ADMIN_STATS, new Admin.StatsRequest());
    assertThat(stats.liveKeys()).isEqualTo(1);
    assertThat(stats.reclaimableBytes()).isPositive();
    assertThat(stats.lastSequence()).isEqualTo(2);
  }

  @Test
  void aSenderReadsItsOwnWritesWithoutWaitingForTheirAcks(Vertx vertx) throws Exception {
    await(deploy(vertx, config("always")));
    List<Future<Message<Object>>> acks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      acks.add(vertx.eventBus().request(Addresses.KV_PUT, new Kv.Put(b("k"), b("v" + i))));
    }
    Kv.Value value = request(vertx, Addresses.KV_GET, new Kv.Get(b("k")));
    assertThat(value.value()).isEqualTo(b("v199"));
    await(Future.all(acks));
  }

  @Test
  void failuresCarryStableCodes(Vertx vertx) throws Exception {
    await(deploy(vertx, config("interval").put("maxKeySize", 16)));
    assertThatThrownBy(() -> request(vertx, Addresses.KV_PUT, new Kv.Put(b("x".repeat(17)), b("v"))))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(Failure.of(e.failureCode())).isEqualTo(Failure.TOO_LARGE);
          assertThat(e.getMessage()).contains("maxKeySize");
        });
    assertThatThrownBy(() -> request(vertx, Addresses.KV_PUT, new Kv.Put(new byte[] {0, 1, 0, 'k'}, b("v"))))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(Failure.of(e.failureCode())).isEqualTo(Failure.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("reserved");
        });
    assertThatThrownBy(() -> request(vertx, Addresses.KV_GET, "not a request"))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(Failure.of(e.failureCode())).isEqualTo(Failure.INVALID_ARGUMENT));
    Kv.Value still = request(vertx, Addresses.KV_GET, new Kv.Get(b("k"))); // the verticle carries on
    assertThat(still.value()).isNull();
  }

  @Test
  void inProcessVerticlesReadThroughTheEngineReadView(Vertx vertx) throws Exception {
    assertThatThrownBy(() -> EngineVerticle.reads(vertx)).isInstanceOf(IllegalStateException.class);
    await(deploy(vertx, config("interval")));
    request(vertx, Addresses.KV_PUT, new Kv.Put(b("k"), b("v")));
    assertThat(EngineVerticle.reads(vertx).get(b("k"))).isEqualTo(b("v"));
  }

  @Test
  void aSecondEngineVerticleIsRefused(Vertx vertx) throws Exception {
    await(deploy(vertx, config("interval")));
    assertThatThrownBy(() -> await(deploy(vertx, config("interval"))))
        .hasMessageContaining("already deployed");
  }

  @Test
  void aBadConfigFailsTheDeploymentNamingTheFieldAndTheAllowedValues(Vertx vertx) {
    assertThatThrownBy(() -> await(deploy(vertx, config("sometimes"))))
        .hasMessage("engine.sync: must be one of always, interval, none; got 'sometimes'");
    assertThatThrownBy(() -> await(deploy(vertx, config("always").put("indexKind", "tree"))))
        .hasMessage("engine.indexKind: must be one of ordered, hash; got 'tree'");
    assertThatThrownBy(() -> await(deploy(vertx, config("always").put("colour", "blue"))))
        .hasMessageStartingWith("engine.colour: unknown field");
    assertThatThrownBy(() -> await(deploy(vertx, config("always").put("dataFileSize", 12))))
        .hasMessage("engine.dataFileSize: must be from 4096 to 1073741824, got 12");
  }

  @Test
  void dataOutlivesARedeployment(Vertx vertx) throws Exception {
    String id = await(deploy(vertx, config("always")));
    request(vertx, Addresses.KV_PUT, new Kv.Put(b("k"), b("kept")));
    await(vertx.undeploy(id));
    await(deploy(vertx, config("always")));
    Kv.Value value = request(vertx, Addresses.KV_GET, new Kv.Get(b("k")));
    assertThat(value.value()).isEqualTo(b("kept"));
  }

  @Test
  void aTransactionComparesThenRunsOneBranchAtomically(Vertx vertx) throws Exception {
    await(deploy(vertx, config("always")));
    Object put = request(vertx, Addresses.KV_PUT, new Kv.Put(b("stock"), b("3")));
    long version = ((Kv.Done) put).sequence();

    // compare-and-set on the version a read saw: the first wins, the second finds it changed
    Kv.Txn cas = new Kv.Txn(List.of(Kv.Compare.version(b("stock"), Kv.Op.EQUAL, version)),
        List.of(Kv.TxnOp.put(b("stock"), b("2")), Kv.TxnOp.put(b("order:1"), b("widget")), Kv.TxnOp.get(b("stock"))),
        List.of(Kv.TxnOp.get(b("stock"))));
    Kv.TxnResult first = request(vertx, Addresses.KV_TXN, cas);
    assertThat(first.succeeded()).isTrue();
    assertThat(first.responses()).extracting(Kv.TxnResponse::kind).containsExactly(Kv.TxnOpKind.PUT, Kv.TxnOpKind.PUT, Kv.TxnOpKind.GET);
    assertThat(first.responses().get(2).value()).as("a get sees the writes before it").isEqualTo(b("2"));
    Kv.TxnResult second = request(vertx, Addresses.KV_TXN, cas);
    assertThat(second.succeeded()).isFalse();
    assertThat(second.responses().get(0).value()).isEqualTo(b("2"));
    assertThat(second.sequence()).as("the failure branch wrote nothing").isEqualTo(-1);

    Kv.TxnResult absent = request(vertx, Addresses.KV_TXN, new Kv.Txn(
        List.of(Kv.Compare.exists(b("order:2"), false), Kv.Compare.value(b("stock"), Kv.Op.GREATER, b("1"))),
        List.of(Kv.TxnOp.put(b("order:2"), b("gadget")), Kv.TxnOp.delete(b("order:1"))), List.of()));
    assertThat(absent.succeeded()).isTrue();
    assertThat(absent.responses().get(1).existed()).isTrue();
    Kv.Value gone = request(vertx, Addresses.KV_GET, new Kv.Get(b("order:1")));
    assertThat(gone.value()).isNull();

    assertThatThrownBy(() -> request(vertx, Addresses.KV_TXN, new Kv.Txn(List.of(),
        List.of(Kv.TxnOp.put(b("fine"), b("x")), Kv.TxnOp.put(new byte[] {0, 1}, b("reserved"))), List.of())))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(Failure.of(e.failureCode())).isEqualTo(Failure.INVALID_ARGUMENT));
    Kv.Value untouched = request(vertx, Addresses.KV_GET, new Kv.Get(b("fine")));
    assertThat(untouched.value()).as("a refused transaction writes nothing").isNull();
  }

  @Test
  void underSyncAlwaysNoWriteIsAcknowledgedBeforeItIsDurable(Vertx vertx) throws Exception {
    await(deploy(vertx, config("always")));
    List<Long> sequences = new ArrayList<>();
    sequences.add(((Kv.Done) request(vertx, Addresses.KV_PUT, new Kv.Put(b("a"), b("1")))).sequence());
    sequences.add(((Kv.Deleted) request(vertx, Addresses.KV_DELETE, new Kv.Delete(b("a")))).sequence());
    sequences.add(((Kv.Done) request(vertx, Addresses.KV_BATCH, new Kv.Batch(List.of(new Kv.Write(b("b"), b("2")))))).sequence());
    sequences.add(((Kv.TxnResult) request(vertx, Addresses.KV_TXN,
        new Kv.Txn(List.of(), List.of(Kv.TxnOp.put(b("c"), b("3"))), List.of()))).sequence());
    request(vertx, Addresses.REDIS_EXEC, new io.comdb.verticles.api.Redis.Exec(0, List.of(b("SET"), b("r"), b("v"))));
    sequences.add(EngineVerticle.reads(vertx).stats().lastSequence());
    for (long seq : sequences) {
      assertThat(seq).isPositive();
      assertThat(EngineVerticle.reads(vertx).stats().durableSequence()).isGreaterThanOrEqualTo(seq);
    }
  }

  @Test
  void underIntervalAnAcknowledgedWriteWaitsForTheNextFsync(Vertx vertx) throws Exception {
    await(deploy(vertx, config("interval").put("syncIntervalMs", 60_000)));
    Kv.Done done = request(vertx, Addresses.KV_PUT, new Kv.Put(b("a"), b("1")));
    assertThat(EngineVerticle.reads(vertx).stats().durableSequence()).as("what the sequence check under always tells apart")
        .isLessThan(done.sequence());
  }

  @Test
  void aFullQueueRefusesWithBusyAndLosesNothing(Vertx vertx) throws Exception {
    await(deploy(vertx, config("always").put("maxPending", 10)));
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
    vertx.eventBus().send(Addresses.WRITER_TASK, new io.comdb.verticles.api.Writer.Task(() -> {
      stuck.countDown();
      try {
        release.await(); // the writer is stuck, say on a slow disk
      } catch (InterruptedException e) {
        throw new java.io.IOException(e);
      }
    }, new java.util.concurrent.CompletableFuture<>()));
    assertThat(stuck.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    List<Future<Message<Object>>> puts = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      puts.add(vertx.eventBus().request(Addresses.KV_PUT, new Kv.Put(b("k" + i), b("v" + i))));
    }
    release.countDown();
    await(Future.join(puts).otherwiseEmpty()); // every one answered, some refused
    int stored = 0;
    for (int i = 0; i < 25; i++) {
      Future<Message<Object>> put = puts.get(i);
      Kv.Value value = request(vertx, Addresses.KV_GET, new Kv.Get(b("k" + i)));
      if (put.succeeded()) {
        stored++;
        assertThat(value.value()).isEqualTo(b("v" + i));
      } else {
        assertThat(put.cause()).isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(Failure.of(e.failureCode())).isEqualTo(Failure.BUSY);
          assertThat(e.getMessage()).contains("engine.maxPending");
        });
        assertThat(value.value()).as("a refused write is not stored").isNull();
      }
    }
    assertThat(stored).isEqualTo(10);
    assertThat(EngineVerticle.queue(vertx).depth()).isZero();
  }

  @Test
  void theWritersWorkIsCountedInTheMetrics(Vertx vertx) throws Exception {
    await(deploy(vertx, config("always")));
    for (int i = 0; i < 5; i++) {
      request(vertx, Addresses.KV_PUT, new Kv.Put(b("k" + i), b("v")));
    }
    String scrape = ServerMetrics.registry(vertx).scrape();
    assertThat(scrape).contains("comdb_writer_commands_total{source=\"bus\"} 5.0", "comdb_writer_fsyncs_total",
        "comdb_writer_drain_commands_bucket", "comdb_writer_queue_depth 0.0", "comdb_writer_refused_total 0.0",
        "comdb_engine_durable_sequence");
  }
}
