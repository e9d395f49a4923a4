package io.comdb.verticles;

import static java.nio.charset.StandardCharsets.UTF_8;
import static io.comdb.verticles.Bus.await;
import static io.comdb.verticles.Bus.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Kv;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class MergeWorkerVerticleTest {
  @TempDir
  Path dir;



  private void deployEngine(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("dataDir", dir.resolve("db").toString()).put("dataFileSize", 64 << 10).put("mergeThreshold", 0.3);
    await(vertx.deployVerticle(new EngineVerticle(), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setConfig(config)));
  }

  private Future<String> deployWorker(Vertx vertx, MergeWorkerVerticle worker, JsonObject config) {
    return vertx.deployVerticle(worker,
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName("comdb-merge").setConfig(config));
  }

  /** Overwrites 100 keys 10 times through the event bus: about 90% of the bytes become reclaimable. */
  private static void makeGarbage(Vertx vertx) throws Exception {
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 100; i++) {
        request(vertx, Addresses.KV_PUT, new Kv.Put(("key" + i).getBytes(UTF_8), ("value-" + round + "-" + "x".repeat(100)).getBytes(UTF_8)));
      }
    }
  }

  private static Clock at(String time) {
    Instant instant = LocalDate.of(2026, 1, 1).atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC);
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  @Test
  void anOnDemandMergeLeavesNothingReclaimable(Vertx vertx) throws Exception {
    deployEngine(vertx);
    await(deployWorker(vertx, new MergeWorkerVerticle(), new JsonObject().put("mergeCheckIntervalMs", 0)));
    makeGarbage(vertx);
    Admin.Merged merged = request(vertx, Addresses.ADMIN_MERGE, new Admin.Merge());
    assertThat(merged.inputFiles()).isPositive();
    assertThat(merged.liveRecords()).isEqualTo(100);
    assertThat(merged.bytesAfter()).isLessThan(merged.bytesBefore() / 5);
    Admin.Stats stats = request(vertx, Addresses.ADMIN_STATS, new Admin.StatsRequest());
    assertThat(stats.reclaimableBytes()).isZero();
    Kv.Value value = request(vertx, Addresses.KV_GET, new Kv.Get("key7".getBytes(UTF_8)));
    assertThat(new String(value.value(), UTF_8)).startsWith("value-9-");
  }

  @Test
  void aMergeIsDueOnlyAboveTheThreshold(Vertx vertx) throws Exception {
    deployEngine(vertx);
    await(deployWorker(vertx, new MergeWorkerVerticle(), new JsonObject().put("mergeCheckIntervalMs", 0)));
    request(vertx, Addresses.KV_PUT, new Kv.Put("k".getBytes(UTF_8), "v".getBytes(UTF_8)));
    Object fresh = request(vertx, Addresses.ADMIN_MERGE, new Admin.MergeIfDue());
    assertThat(fresh).isInstanceOfSatisfying(Admin.MergeSkipped.class, s -> assertThat(s.reason()).contains("under the threshold"));
    makeGarbage(vertx);
    Object due = request(vertx, Addresses.ADMIN_MERGE, new Admin.MergeIfDue());
    assertThat(due).isInstanceOf(Admin.Merged.class);
  }

  @Test
  void mergesRunByThemselvesOnceGarbageCrossesTheThreshold(Vertx vertx) throws Exception {
    deployEngine(vertx);
    Promise<Admin.Merged> published = Promise.promise();
    vertx.eventBus().<Admin.Merged>consumer(Addresses.ADMIN_MERGED, m -> published.tryComplete(m.body()));
    await(deployWorker(vertx, new MergeWorkerVerticle(), new JsonObject().put("mergeCheckIntervalMs", 20)));
    makeGarbage(vertx);
    Admin.Merged merged = await(published.future());
    assertThat(merged.liveRecords()).isPositive();
  }

  @Test
  void automaticMergesKeepToTheirWindowWhichMayWrapPastMidnight(Vertx vertx) throws Exception {
    deployEngine(vertx);
    makeGarbage(vertx);
    String noon = await(deployWorker(vertx, new MergeWorkerVerticle(at("12:00")), new JsonObject().put("mergeCheckIntervalMs", 0).put("mergeWindow", "01:00-05:00")));
    Object outside = request(vertx, Addresses.ADMIN_MERGE, new Admin.MergeIfDue());
    assertThat(outside).isInstanceOfSatisfying(Admin.MergeSkipped.class, s -> assertThat(s.reason()).contains("outside the merge window"));
    await(vertx.undeploy(noon));
    await(deployWorker(vertx, new MergeWorkerVerticle(at("00:30")), new JsonObject().put("mergeCheckIntervalMs", 0).put("mergeWindow", "23:00-02:00")));
    Object inside = request(vertx, Addresses.ADMIN_MERGE, new Admin.MergeIfDue());
    assertThat(inside).isInstanceOf(Admin.Merged.class);
  }

  @Test
  void anOnDemandBackupOpensAsADatabase(Vertx vertx) throws Exception {
    deployEngine(vertx);
    Path backups = dir.resolve("backups");
    await(deployWorker(vertx, new MergeWorkerVerticle(), new JsonObject().put("mergeCheckIntervalMs", 0).put("backupDir", backups.toString())));
    makeGarbage(vertx);
    Admin.BackedUp done = request(vertx, Addresses.ADMIN_BACKUP, new Admin.Backup("nightly"));
    assertThat(done.directory()).isEqualTo(backups.resolve("nightly").toString());
    try (Engine copy = Engine.open(EngineOptions.builder(backups.resolve("nightly")).build())) {
      assertThat(copy.stats().liveKeys()).isEqualTo(100);
    }
  }

  @Test
  void aBackupIsNamedNeverPlaced(Vertx vertx) throws Exception {
    deployEngine(vertx);
    Path backups = dir.resolve("backups");
    await(deployWorker(vertx, new MergeWorkerVerticle(), new JsonObject().put("mergeCheckIntervalMs", 0).put("backupDir", backups.toString())));
    for (String name : new String[] {"../escaped", "/tmp/escaped", "a/b", ".hidden", "..", "", "x".repeat(129), "nul\u0000"}) {
      assertThatThrownBy(() -> request(vertx, Addresses.ADMIN_BACKUP, new Admin.Backup(name)))
          .as(name).hasMessageContaining("a backup is named, not placed");
    }
    assertThat(dir.resolve("escaped")).doesNotExist();
    request(vertx, Addresses.ADMIN_BACKUP, new Admin.Backup("once"));
    assertThatThrownBy(() -> request(vertx, Addresses.ADMIN_BACKUP, new Admin.Backup("once"))).hasMessageContaining("exists already");
  }

  @Test
  void badConfigurationsAndAMissingEngineFailTheDeployment(Vertx vertx) throws Exception {
    assertThatThrownBy(() -> await(deployWorker(vertx, new MergeWorkerVerticle(), new JsonObject())))
        .hasMessageContaining("no EngineVerticle");
    deployEngine(vertx);
    assertThatThrownBy(() -> await(deployWorker(vertx, new MergeWorkerVerticle(), new JsonObject().put("mergeWindow", "late"))))
        .hasMessageContaining("engine.mergeWindow: must be HH:mm-HH:mm");
    assertThatThrownBy(() -> await(deployWorker(vertx, new MergeWorkerVerticle(), new JsonObject().put("everySoOften", 1))))
        .hasMessageStartingWith("engine.everySoOften: unknown field");
  }
}
