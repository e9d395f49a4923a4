package io.comdb.verticles.api;

/** Event-bus addresses of ComDB's API. Bodies and replies: {@link Kv}, {@link Admin}; failures: {@link Failure}. */
public final class Addresses {
  /** {@link Kv.Get} → {@link Kv.Value}. */
  public static final String KV_GET = "comdb.kv.get";
  /** {@link Kv.Put} → {@link Kv.Done}, once durable as the sync mode promises. */
  public static final String KV_PUT = "comdb.kv.put";
  /** {@link Kv.Delete} → {@link Kv.Deleted}. */
  public static final String KV_DELETE = "comdb.kv.delete";
  /** {@link Kv.Batch} → {@link Kv.Done}: all of the batch or none of it. */
  public static final String KV_BATCH = "comdb.kv.batch";
  /** {@link Kv.Scan} → {@link Kv.Page}. */
  public static final String KV_SCAN = "comdb.kv.scan";
  /** {@link Admin.StatsRequest} → {@link Admin.Stats}. */
  public static final String ADMIN_STATS = "comdb.admin.stats";
  /** {@link Admin.Merge} or {@link Admin.MergeIfDue} → {@link Admin.Merged} or {@link Admin.MergeSkipped}. */
  public static final String ADMIN_MERGE = "comdb.admin.merge";
  /** Published: an {@link Admin.Merged} after every merge, whoever asked for it. */
  public static final String ADMIN_MERGED = "comdb.admin.merged";
  /** Published: the number of hint files written (an {@code Integer}) whenever the hint worker writes some. */
  public static final String ADMIN_HINTS_WRITTEN = "comdb.admin.hints-written";
  /** {@link Admin.Backup} → {@link Admin.BackedUp}. */
  public static final String ADMIN_BACKUP = "comdb.admin.backup";

  /** {@link Redis.Exec} or {@link Redis.Transaction} → {@link Redis.Result}: Redis writes, run by the engine's writer. */
  public static final String REDIS_EXEC = "comdb.redis.exec";

  private Addresses() {}
}
