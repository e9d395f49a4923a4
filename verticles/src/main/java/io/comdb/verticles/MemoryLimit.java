package io.comdb.verticles;

import io.comdb.engine.EngineStats;
import io.comdb.engine.Reads;
import io.comdb.types.CommandSpec;
import io.comdb.types.Commands;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Redis;
import io.comdb.verticles.api.Writer;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code engine.maxMemoryBytes}: what the keydir may hold in memory ({@link EngineStats#memoryBytes()}). Past
 * it the writer refuses what would add keys, with {@link Failure#OUT_OF_MEMORY} (RESP: Redis's {@code -OOM}
 * text; HTTP 507; the line protocol, that text); reads, deletes and overwrites of existing keys go on, and
 * nothing stored is touched. Redis commands follow Redis's rule: those flagged {@code denyoom}, and scripts
 * that may write, are refused. Changed at run time by {@code CONFIG SET maxmemory}. One per Vert.x instance.
 */
public final class MemoryLimit implements Shareable {
  private static final Set<String> SCRIPTS = Set.of("eval", "evalsha", "fcall");

  private final AtomicLong max;

  private MemoryLimit(long max) {
    this.max = new AtomicLong(max);
  }

  public static MemoryLimit of(Vertx vertx, long configured) {
    return vertx.sharedData().<String, MemoryLimit>getLocalMap("comdb.memory-limit").computeIfAbsent("limit", k -> new MemoryLimit(configured));
  }

  /** The limit in bytes; 0: none. */
  public long max() {
    return max.get();
  }

  public void max(long bytes) {
    max.set(bytes);
  }

  /** Why {@code request} is refused now, or null: only while the keydir is over the limit, and only what may add keys. */
  Writer.Failed refusal(Object request, EngineStats stats, Reads reads) throws IOException {
    long limit = max.get();
    if (limit <= 0 || stats.memoryBytes() <= limit || !mayGrow(request, reads)) {
      return null;
    }
    return new Writer.Failed(Failure.OUT_OF_MEMORY.code(), "command not allowed when used memory > 'maxmemory' (engine.maxMemoryBytes "
        + limit + ", the keydir holds about " + stats.memoryBytes() + " bytes): deletes, overwrites and reads still work");
  }

  private static boolean mayGrow(Object request, Reads reads) throws IOException {
    if (request instanceof Kv.Put put) {
      return !reads.contains(put.key());
    }
    if (request instanceof Kv.Batch batch) {
      return addsKeys(batch.writes(), reads);
    }
    if (request instanceof Writer.Commit commit) {
      return addsKeys(commit.writes(), reads);
    }
    if (request instanceof Kv.Txn txn) {
      return txn.success().stream().anyMatch(op -> op.kind() == Kv.TxnOpKind.PUT)
          || txn.failure().stream().anyMatch(op -> op.kind() == Kv.TxnOpKind.PUT);
    }
    if (request instanceof Redis.Exec exec) {
      return denyOom(exec.args());
    }
    if (request instanceof Redis.Transaction tx) {
      return tx.commands().stream().anyMatch(MemoryLimit::denyOom);
    }
    return false; // reads, deletes, replication, blocking pops, tasks
  }

  private static boolean addsKeys(List<Kv.Write> writes, Reads reads) throws IOException {
    for (Kv.Write w : writes) {
      if (w.value() != null && !reads.contains(w.key())) {
        return true;
      }
    }
    return false;
  }

  private static boolean denyOom(List<byte[]> args) {
    CommandSpec spec = Commands.lookup(args.get(0));
    return spec != null && (spec.flags().contains("denyoom") || SCRIPTS.contains(spec.name()));
  }
}
