package io.comdb.verticles.resp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.engine.EngineStats;
import io.comdb.verticles.Bus;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.ServerMetrics;
import io.comdb.verticles.ServerVerticle;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Writer;
import io.comdb.verticles.http.HttpVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one writer, seen from the protocols of a whole server: every API's acknowledged write is durable
 * under sync always, readers never see half of a command, and a full writer queue is answered, not
 * swallowed.
 */
class OneWriterTest {
  @TempDir
  Path dir;

  /** A whole server in this JVM: HTTP, RESP and agent memory on free ports. */
  private static final class Server implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    final int respPort;
    final int httpPort;

    Server(Path data, JsonObject engine) throws Exception {
      JsonObject config = new JsonObject()
          .put("engine", engine.copy().put("dataDir", data.toString()))
          .put("http", new JsonObject().put("port", 0))
          .put("resp", new JsonObject().put("port", 0))
          .put("line", new JsonObject().put("port", 0));
      Bus.await(vertx.deployVerticle(ServerVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
      respPort = RespVerticle.port(vertx);
      httpPort = HttpVerticle.port(vertx);
    }

    EngineStats stats() {
      return EngineVerticle.reads(vertx).stats();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
      HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).method(method, publisher)
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Makes the writer wait until the returned latch is counted down, as a disk that hangs would. */
    CountDownLatch pauseWriter() throws Exception {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(1);
      vertx.eventBus().send(Addresses.WRITER_TASK, new Writer.Task(() -> {
        running.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new java.io.IOException(e);
        }
      }, new CompletableFuture<>()));
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
      return release;
    }

    /** Waits (30 s at most) until the writer's queue holds {@code commands}. */
    void awaitQueueDepth(int commands) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (ServerMetrics.registry(vertx).get("comdb.writer.queue.depth").gauge().value() != commands) {
        assertThat(System.nanoTime()).as("queue depth %d reached", commands).isLessThan(deadline);
        Thread.sleep(5);
      }
    }

    @Override
    public void close() throws Exception {
      Bus.await(ServerVerticle.stopInOrder(vertx).compose(v -> vertx.close()));
    }
  }

  /** The write just acknowledged, and every write before it, is on disk: nothing is newer than the fsync. */
  private static long assertDurable(Server server, long before, String what) {
    EngineStats stats = server.stats();
    assertThat(stats.lastSequence()).as("%s wrote", what).isGreaterThan(before);
    assertThat(stats.durableSequence()).as("%s is durable once acknowledged", what).isEqualTo(stats.lastSequence());
    return stats.lastSequence();
  }

  @Test
  void underSyncAlwaysEveryApiAcknowledgesOnlyWritesThatAreOnDisk() throws Exception {
    try (Server server = new Server(dir, new JsonObject().put("sync", "always"));
         RespClient redis = new RespClient(server.respPort);
         RespClient waiter = new RespClient(server.respPort)) {
      long seq = server.stats().lastSequence();
      assertThat(redis.call("SET", "k", "v")).isEqualTo("OK");
      seq = assertDurable(server, seq, "SET");
      assertThat(redis.call("HSET", "h", "a", "1", "b", "2")).isEqualTo(2L);
      seq = assertDurable(server, seq, "HSET");
      redis.call("MULTI");
      redis.call("INCR", "n");
      redis.call("RPUSH", "l", "x");
      assertThat(redis.call("EXEC")).isEqualTo(List.of(1L, 1L));
      seq = assertDurable(server, seq, "EXEC");
      waiter.send("BLPOP", "q", "0");
      assertThat(redis.call("RPUSH", "q", "job")).isEqualTo(1L);
      assertThat(waiter.read()).isEqualTo(List.of("q", "job"));
      seq = assertDurable(server, seq, "a blocked pop served");
      String info = (String) redis.call("INFO", "persistence");
      assertThat(info).contains("comdb_durable_sequence:" + seq, "comdb_last_sequence:" + seq);

      HttpResponse<String> put = server.send("PUT", "/v1/kv/doc", "body");
      assertThat(put.statusCode()).isEqualTo(204);
      long putSeq = Long.parseLong(put.headers().firstValue("ComDB-Sequence").orElseThrow());
      assertThat(server.stats().durableSequence()).isGreaterThanOrEqualTo(putSeq);
      seq = assertDurable(server, seq, "PUT /v1/kv");
      assertThat(server.send("DELETE", "/v1/kv/doc", null).statusCode()).isEqualTo(200);
      seq = assertDurable(server, seq, "DELETE /v1/kv");
      assertThat(server.send("POST", "/bitcask/put", "{\"a\": \"1\", \"b\": \"2\"}").statusCode()).isEqualTo(200);
      seq = assertDurable(server, seq, "POST /bitcask/put");
      HttpResponse<String> txn = server.send("POST", "/v1/txn",
          "{\"compare\": [{\"key\": \"a\", \"value\": \"1\"}], \"success\": [{\"put\": {\"key\": \"a\", \"value\": \"2\"}}]}");
      assertThat(txn.body()).contains("\"succeeded\":true");
      seq = assertDurable(server, seq, "POST /v1/txn");

      assertThat(server.send("PUT", "/v1/agents/ana", "{\"capacity\": 100}").statusCode()).isEqualTo(200);
      seq = assertDurable(server, seq, "PUT /v1/agents");
      HttpResponse<String> added = server.send("POST", "/v1/agents/ana/memories", "{\"text\": \"Ana adopted a cat named Miso\"}");
      assertThat(added.statusCode()).isEqualTo(201);
      seq = assertDurable(server, seq, "POST /v1/agents/{id}/memories");
      String id = new JsonObject(added.body()).getString("id");
      assertThat(server.send("PATCH", "/v1/agents/ana/memories/" + id, "{\"text\": \"Miso is a grey cat\"}").statusCode()).isEqualTo(200);
      seq = assertDurable(server, seq, "PATCH a memory");
      assertThat(server.send("DELETE", "/v1/agents/ana/memories/" + id, null).statusCode()).isEqualTo(200);
      seq = assertDurable(server, seq, "DELETE a memory");
      assertThat(server.send("POST", "/memory/set", "{\"agentId\": \"bob\", \"value\": \"Bob likes tea\"}").statusCode()).isEqualTo(200);
      seq = assertDurable(server, seq, "POST /memory/set");
      assertThat(server.send("DELETE", "/v1/agents/ana", null).statusCode()).isEqualTo(200);
      seq = assertDurable(server, seq, "DELETE /v1/agents");

      Kv.Done done = Bus.request(server.vertx, Addresses.KV_PUT, new Kv.Put("bus".getBytes(UTF_8), "v".getBytes(UTF_8)));
      assertThat(server.stats().durableSequence()).isGreaterThanOrEqualTo(done.sequence());
      assertDurable(server, seq, "comdb.kv.put");
    }
  }

  @Test
  void underIntervalAnAcknowledgedRedisWriteIsNotYetOnDisk() throws Exception {
    try (Server server = new Server(dir, new JsonObject().put("sync", "interval").put("syncIntervalMs", 60_000));
         RespClient redis = new RespClient(server.respPort)) {
      redis.call("SET", "k", "v");
      EngineStats stats = server.stats();
      assertThat(stats.durableSequence()).as("what the check under always tells apart").isLessThan(stats.lastSequence());
    }
  }

  @Test
  void aReaderNeverSeesHalfOfAnHsetOrAnMset() throws Exception {
    try (Server server = new Server(dir, new JsonObject().put("sync", "none"))) {
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Long>> work = new ArrayList<>();
      work.add(pool.submit(() -> {
        try (RespClient c = new RespClient(server.respPort)) {
          long i = 0;
          while (!stop.get()) {
            i++;
            c.call("HSET", "h", "f1", Long.toString(i), "f2", Long.toString(i));
            c.call("MSET", "x", Long.toString(i), "y", Long.toString(i));
          }
          return i;
        }
      }));
      for (int r = 0; r < 2; r++) {
        work.add(pool.submit(() -> {
          long reads = 0;
          try (RespClient c = new RespClient(server.respPort)) {
            while (!stop.get()) {
              Object all = c.call("HGETALL", "h");
              if (all instanceof List<?> fields && !fields.isEmpty()) {
                assertThat(fields).hasSize(4);
                assertThat(fields.get(1)).as("f1 and f2 of one HSET").isEqualTo(fields.get(3));
              }
              List<?> both = (List<?>) c.call("MGET", "x", "y");
              assertThat(both.get(0)).as("x and y of one MSET").isEqualTo(both.get(1));
              reads++;
            }
          }
          return reads;
        }));
      }
      Thread.sleep(3000);
      stop.set(true);
      for (Future<Long> f : work) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isGreaterThan(50);
      }
      pool.shutdown();
    }
  }

  @Test
  void aFullWriterQueueAnswersBusyOnRespAnd503OnHttpAndLosesNothing() throws Exception {
    try (Server server = new Server(dir, new JsonObject().put("sync", "always").put("maxPending", 8));
         RespClient first = new RespClient(server.respPort);
         RespClient second = new RespClient(server.respPort)) {
      CountDownLatch release = server.pauseWriter();
      try {
        for (int i = 0; i < 8; i++) {
          first.send("SET", "queued" + i, "v");
        }
        server.awaitQueueDepth(8);
        Object refused = second.call("SET", "refused", "v");
        assertThat(refused).isInstanceOfSatisfying(RespClient.Error.class,
            e -> assertThat(e.text()).startsWith("BUSY ").contains("engine.maxPending"));
        HttpResponse<String> http = server.send("PUT", "/v1/kv/refused-too", "v");
        assertThat(http.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(http.body()).getString("error")).contains("engine.maxPending");
      } finally {
        release.countDown();
      }
      for (int i = 0; i < 8; i++) {
        assertThat(first.read()).isEqualTo("OK");
      }
      assertThat(second.call("EXISTS", "refused")).isEqualTo(0L);
      assertThat(second.call("MGET", "queued0", "queued7")).isEqualTo(List.of("v", "v"));
      assertThat(server.send("GET", "/v1/kv/refused-too", null).statusCode()).isEqualTo(404);
      assertThat(second.call("SET", "after", "v")).as("the queue drained").isEqualTo("OK");
    }
  }
}
