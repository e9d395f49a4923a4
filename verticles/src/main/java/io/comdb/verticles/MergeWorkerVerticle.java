package io.comdb.verticles;

import io.comdb.config.EngineSection;
import io.comdb.config.MergeWindow;
import io.comdb.engine.EngineMaintenance;
import io.comdb.engine.EngineStats;
import io.comdb.engine.MergeResult;
import io.comdb.engine.WriterHandoff;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.cluster.ClusterNode;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Writer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs merges and backups, off the engine's writer: deploy it as a worker on a pool of its own
 * ({@code ThreadingModel.WORKER}, {@code setWorkerPoolName("comdb-merge")}), after {@link EngineVerticle}.
 * A merge reads and writes its new files here; its two steps that change what readers see (sealing the
 * active file, then swapping the merged files in) it hands to the writer ({@link Addresses#WRITER_TASK}),
 * where they run between two drains.
 *
 * <p>Its configuration is the engine's ({@link EngineSection}). Every {@code mergeCheckIntervalMs} (0: never)
 * it merges if the reclaimable ratio has reached {@code mergeThreshold} and the local time is inside
 * {@code mergeWindow} ({@code "HH:mm-HH:mm"}, may wrap past midnight; absent: any time). {@link Admin.Merge} merges now, {@link Admin.MergeIfDue} runs the same check on
 * demand, {@link Admin.Backup} writes a backup. One merge or backup at a time, in arrival order. The merge
 * rate is the engine's {@code mergeBytesPerSecond}. Each merge is logged and published on
 * {@link Addresses#ADMIN_MERGED}.
 */
public final class MergeWorkerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(MergeWorkerVerticle.class.getName());

  /** How long a merge waits for the writer to run one of its steps. */
  private static final long HANDOFF_TIMEOUT_MS = 60_000;

  /** A backup's name: one directory under engine.backupDir, never a path out of it. */
  private static final java.util.regex.Pattern BACKUP_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

  private final Clock clock;
  private EngineSection section;
  private EngineMaintenance engine;
  private MergeWindow window;
  private long timer = -1;
  private List<MessageConsumer<Object>> consumers = List.of();

  public MergeWorkerVerticle() {
    this(Clock.systemDefaultZone());
  }

  /** With a clock of the test's choosing, for the merge window. */
  MergeWorkerVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    try {
      section = EngineSection.fromJson(config());
      engine = EngineVerticle.maintenance(vertx);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    window = section.mergeWindow();
    long interval = section.mergeCheckIntervalMs();
    Codecs.register(vertx);
    consumers = List.of(
        vertx.eventBus().consumer(ClusterNode.of(vertx).local(Addresses.ADMIN_MERGE), this::onMerge),
        vertx.eventBus().consumer(ClusterNode.of(vertx).local(Addresses.ADMIN_BACKUP), this::onBackup));
    if (interval > 0) {
      timer = vertx.setPeriodic(interval, id -> {
        Object outcome = mergeIfDue();
        if (outcome instanceof Admin.MergeSkipped skipped) {
          LOG.log(Level.DEBUG, "no merge: {0}", skipped.reason());
        }
      });
    }
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private boolean inWindow() {
    return window == null || window.contains(LocalTime.now(clock));
  }

  private void onMerge(Message<Object> message) {
    try {
      Object body = message.body();
      if (body instanceof Admin.Merge) {
        message.reply(merge());
      } else if (body instanceof Admin.MergeIfDue) {
        message.reply(mergeIfDue());
      } else {
        message.fail(Failure.INVALID_ARGUMENT.code(), "expected Admin.Merge or Admin.MergeIfDue");
      }
    } catch (Exception e) {
      message.fail(Failure.of(e).code(), String.valueOf(e.getMessage()));
    }
  }

  private void onBackup(Message<Object> message) {
    if (!(message.body() instanceof Admin.Backup backup)) {
      message.fail(Failure.INVALID_ARGUMENT.code(), "expected Admin.Backup");
      return;
    }
    if (!BACKUP_NAME.matcher(backup.name()).matches()) {
      message.fail(Failure.INVALID_ARGUMENT.code(), "a backup is named, not placed: 1 to 128 letters, digits, '.', '_' or '-', "
          + "not starting with '.'; it is written under engine.backupDir");
      return;
    }
    Path target = section.backupPath().resolve(backup.name());
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      message.fail(Failure.INVALID_ARGUMENT.code(), "a backup named '" + backup.name() + "' exists already");
      return;
    }
    try {
      long start = System.nanoTime();
      Files.createDirectories(section.backupPath());
      engine.backup(target);
      message.reply(new Admin.BackedUp(backup.name(), target.toString(), (System.nanoTime() - start) / 1_000_000));
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, "the backup to " + target + " failed", e);
      message.fail(Failure.STORAGE_ERROR.code(), "the backup '" + backup.name() + "' failed (see the server log); a partial copy may be left under engine.backupDir");
    }
  }

  private Object mergeIfDue() {
    if (!inWindow()) {
      return new Admin.MergeSkipped("outside the merge window " + window);
    }
    EngineStats stats = engine.stats();
    if (!engine.needsMerge()) {
      return new Admin.MergeSkipped(String.format(java.util.Locale.ROOT, "reclaimable ratio %.3f is under the threshold %.3f",
          stats.reclaimableRatio(), engine.options().mergeThreshold()));
    }
    try {
      return merge();
    } catch (Exception e) {
      LOG.log(Level.ERROR, "merge failed", e);
      return new Admin.MergeSkipped("merge failed: " + e.getMessage());
    }
  }

  /**
   * A merge's step, run by the writer: the task carries its own future, which the writer completes, so
   * this thread can wait without the answer having to reach this verticle's (busy) context. A writer that
   * stops meanwhile fails it; one that is gone never sees it, so the wait looks at it every 50 ms.
   */
  private void onWriter(WriterHandoff.Task task) throws java.io.IOException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.eventBus().send(Addresses.WRITER_TASK, new Writer.Task(task, done));
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANDOFF_TIMEOUT_MS);
      while (true) {
        try {
          done.get(50, TimeUnit.MILLISECONDS);
          return;
        } catch (TimeoutException slice) {
          if (!EngineVerticle.accepting(vertx)) {
            throw new java.io.IOException("the engine is stopping: the merge's step did not run");
          }
          if (System.nanoTime() > deadline) {
            throw slice;
          }
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof java.io.IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new java.io.IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.IOException("interrupted while the writer ran a merge step", e);
    } catch (TimeoutException e) {
      throw new java.io.IOException("the engine's writer did not run the merge's step within " + HANDOFF_TIMEOUT_MS + " ms");
    }
  }

  private Admin.Merged merge() throws java.io.IOException {
    long start = System.nanoTime();
    LOG.log(Level.INFO, "merging: {0} reclaimable bytes of {1}", engine.stats().reclaimableBytes(), engine.stats().diskBytes());
    MergeResult r = engine.merge(this::onWriter);
    Admin.Merged merged = new Admin.Merged(r.inputFiles(), r.outputFiles(), r.bytesBefore(), r.bytesAfter(), r.liveRecords(),
        (System.nanoTime() - start) / 1_000_000);
    LOG.log(Level.INFO, "merged {0} files into {1} in {2} ms: {3} -> {4} bytes",
        merged.inputFiles(), merged.outputFiles(), merged.millis(), merged.bytesBefore(), merged.bytesAfter());
    vertx.eventBus().publish(ClusterNode.of(vertx).local(Addresses.ADMIN_MERGED), merged);
    return merged;
  }
}
