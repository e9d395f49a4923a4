package io.comdb.verticles;

import static io.comdb.verticles.Bus.await;
import static io.comdb.verticles.Bus.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Kv;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class HintRebuildWorkerVerticleTest {
  @TempDir
  Path dir;

  private long count(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(suffix)).count();
    }
  }

  @Test
  void writesAHintFileForEverySealedDataFile(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("dataDir", dir.toString()).put("dataFileSize", 4096).put("hintCheckIntervalMs", 0);
    await(vertx.deployVerticle(new EngineVerticle(), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setConfig(config)));
    for (int i = 0; i < 200; i++) {
      request(vertx, Addresses.KV_PUT, new Kv.Put(("key" + i).getBytes(UTF_8), "v".repeat(100).getBytes(UTF_8)));
    }
    long sealed = count(".data") - 1;
    assertThat(sealed).isGreaterThan(1);
    assertThat(count(".hint")).as("the engine verticle leaves hint files to the worker").isZero();

    Promise<Integer> written = Promise.promise();
    vertx.eventBus().<Integer>consumer(Addresses.ADMIN_HINTS_WRITTEN, m -> written.tryComplete(m.body()));
    await(vertx.deployVerticle(new HintRebuildWorkerVerticle(),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName("comdb-hints").setConfig(config)));

    assertThat(await(written.future())).isEqualTo((int) sealed);
    assertThat(count(".hint")).isEqualTo(sealed);
  }
}
