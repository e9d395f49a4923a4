package io.comdb.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a writer under {@link SyncMode#ALWAYS}, many times over the same directory: after each
 * reopen every acknowledged write is there and no batch is half there.
 */
class CrashTest {
  @TempDir
  Path dir;
  private final Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));

  /** Runs a worker until it has acknowledged {@code acks} writes (or, for merge, started {@code merges} merges), then kills it. */
  private long runAndKill(String mode, long first, int acks, int merges) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashWorker.class.getName(),
        mode, dir.toString(), Long.toString(first))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    long lastAck = first - 1;
    int acked = 0;
    int merging = 0;
    int acksIntoMerge = merges == 0 ? 0 : random.nextInt(8); // so that the kill lands inside a merge, at varying points
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ack ")) {
          lastAck = Long.parseLong(line.substring(4));
          acked++;
          if (merging >= merges && merges > 0) {
            acksIntoMerge--;
          }
        } else if (line.equals("merging") && acked >= acks) {
          merging++;
        }
        if (acked >= acks && merging >= merges && acksIntoMerge <= 0) {
          break;
        }
      }
      if (line == null) {
        fail("worker exited before it was killed: " + child.waitFor());
      }
      child.toHandle().destroyForcibly(); // SIGKILL; Process.destroyForcibly would also close our pipe ends
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // Acks printed after our last read were acknowledged too: read them to the end.
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ack ")) {
          lastAck = Long.parseLong(line.substring(4));
        }
      }
    }
    return lastAck;
  }

  @Test
  void acknowledgedPutsSurviveKill9() throws Exception {
    checkPuts("put", 12, 0);
  }

  @Test
  void acknowledgedPutsSurviveKill9DuringMerges() throws Exception {
    int killedMidMerge = checkPuts("merge", 10, 2);
    assertThat(killedMidMerge).as("rounds whose kill left a merge directory behind").isPositive();
    assertThat(dir.resolve(Merger.DIR)).doesNotExist();
  }

  /** Returns how many rounds killed the worker in the middle of a merge. */
  private int checkPuts(String mode, int rounds, int merges) throws Exception {
    Map<Long, Long> newest = new HashMap<>(); // key index -> index of the newest write that must be visible
    long next = 0;
    int killedMidMerge = 0;
    for (int round = 0; round < rounds; round++) {
      long lastAck = runAndKill(mode, next, 100 + random.nextInt(400), merges);
      if (Files.exists(dir.resolve(Merger.DIR))) {
        killedMidMerge++;
      }
      try (Engine db = Engine.open(EngineOptions.builder(dir).dataFileSize(16 << 10).build())) {
        for (long i = next; i <= lastAck; i++) {
          newest.put(i % CrashWorker.KEYS, i);
        }
        long inFlight = lastAck + 1; // written, maybe, when the kill came; never acknowledged
        boolean landed = java.util.Arrays.equals(db.get(CrashWorker.key(inFlight)), CrashWorker.value(inFlight));
        if (landed) {
          newest.put(inFlight % CrashWorker.KEYS, inFlight);
        }
        for (Map.Entry<Long, Long> e : newest.entrySet()) {
          assertThat(db.get(CrashWorker.key(e.getKey())))
              .as("key %d after round %d (last ack %d)", e.getKey(), round, lastAck)
              .isEqualTo(CrashWorker.value(e.getValue()));
        }
        assertThat(db.stats().liveKeys()).isEqualTo(newest.size());
      }
      next = lastAck + 2;
    }
    return killedMidMerge;
  }

  @Test
  void acknowledgedBatchesSurviveKill9AndNoBatchIsHalfVisible() throws Exception {
    long next = 0;
    for (int round = 0; round < 8; round++) {
      long lastAck = runAndKill("batch", next, 50 + random.nextInt(200), 0);
      try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
        for (long i = next; i <= lastAck + 1; i++) {
          int present = 0;
          for (int j = 0; j < CrashWorker.BATCH; j++) {
            byte[] v = db.get(CrashWorker.batchKey(i, j));
            if (v != null) {
              assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo(Long.toString(i));
              present++;
            }
          }
          if (i <= lastAck) {
            assertThat(present).as("acknowledged batch %d", i).isEqualTo(CrashWorker.BATCH);
          } else {
            assertThat(present).as("unacknowledged batch %d: all or nothing", i).isIn(0, CrashWorker.BATCH);
          }
        }
      }
      next = lastAck + 2;
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEqualTo(List.of());
    }
  }

  @Test
  void anotherProcessHoldingTheDirectoryMakesOpenFailNamingItsPid() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashWorker.class.getName(),
        "hold", dir.toString(), "0").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("ready");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Engine.open(EngineOptions.builder(dir).build()))
          .isInstanceOf(DatabaseLockedException.class)
          .hasMessageContaining("another process")
          .hasMessageContaining("pid " + child.pid());
    } finally {
      child.toHandle().destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) { // the killed holder's lock is gone
      assertThat(db.stats().liveKeys()).isZero();
    }
  }
}
