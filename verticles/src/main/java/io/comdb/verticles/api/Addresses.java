package io.comdb.verticles.api;

/**
 * Event-bus addresses of ComDB's API. Bodies and replies: {@link Kv}, {@link Redis}, {@link Admin}, JSON for
 * {@code comdb.memory.*}; failures: {@link Failure}. Every write is performed by the engine's one writer;
 * the {@code comdb.writer.*} addresses are how ComDB's own verticles reach it.
 */
public final class Addresses {
  /** {@link Kv.Get} → {@link Kv.Value}. */
  public static final String KV_GET = "comdb.kv.get";
  /** {@link Kv.Put} → {@link Kv.Done}, once durable as the sync mode promises. */
  public static final String KV_PUT = "comdb.kv.put";
  /** {@link Kv.Delete} → {@link Kv.Deleted}. */
  public static final String KV_DELETE = "comdb.kv.delete";
  /** {@link Kv.Batch} → {@link Kv.Done}: all of the batch or none of it. */
  public static final String KV_BATCH = "comdb.kv.batch";
  /** {@link Kv.Txn} → {@link Kv.TxnResult}: compares, then one branch of operations, atomically. */
  public static final String KV_TXN = "comdb.kv.txn";
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
  /** {@link Redis.Block} → {@link Redis.Result} when the command could run, or its timeout passed. */
  public static final String REDIS_BLOCK = "comdb.redis.block";
  /**
   * {@link Redis.Watch} → {@link Redis.Result} (the keys' WATCH stamps): clustered, a connection on another
   * node watches keys this node owns; with {@code unwatch} (sent, no reply) it stops.
   */
  public static final String REDIS_WATCH = "comdb.redis.watch";
  /** {@link Redis.Unblock}, sent (no reply): a blocked client went away. */
  public static final String REDIS_UNBLOCK = "comdb.redis.unblock";

  /** {@link Writer.Pass} → {@link Writer.Answers}: a protocol verticle's writes of one event-loop pass. */
  public static final String WRITER_PASS = "comdb.writer.pass";
  /** {@link Writer.Commit} → {@link Kv.Done}: agent memory's records, one batch. */
  public static final String WRITER_COMMIT = "comdb.writer.commit";
  /** {@link Writer.Task}, sent (it completes its own future): a merge's steps, local only. */
  public static final String WRITER_TASK = "comdb.writer.task";

  /** Clustered, at a node's own address: {@link Replica.Apply} → {@link Kv.Done}, from the owner's writer. */
  public static final String REPLICA_APPLY = "comdb.replica.apply";
  /** Clustered, at a node's own address: {@link Replica.Fetch} → {@link Replica.Chunk}, to fill a new copy. */
  public static final String REPLICA_FETCH = "comdb.replica.fetch";
  /** Published locally: a {@code JsonArray} of agent ids whose memory records replication changed. */
  public static final String MEMORY_STALE = "comdb.memory.stale";
  /** This node's writer: {@link Replica.Fill}, {@link Replica.Filled} and {@link Replica.Drop} → {@link Kv.Done}, local only. */
  public static final String WRITER_REPLICA = "comdb.writer.replica";

  /** {@code {agentId, capacity?, compressor?, compression?}} → the space: creates it or changes its settings. */
  public static final String MEMORY_SPACE_PUT = "comdb.memory.space.put";
  /** {@code {agentId}} → the space. */
  public static final String MEMORY_SPACE_GET = "comdb.memory.space.get";
  /** {@code {agentId}} → {@code {deleted}}: the space with all its memories. */
  public static final String MEMORY_SPACE_DELETE = "comdb.memory.space.delete";
  /** {@code {agentId, text, metadata?, createdAt?}} or {@code {agentId, memories: [...]}}, plus
   * {@code createSpace: true} to create a missing space of the default capacity → {@code {ids}}. */
  public static final String MEMORY_ADD = "comdb.memory.add";
  /** {@code {agentId, limit?, cursor?}} → {@code {memories, nextCursor}}, newest first. */
  public static final String MEMORY_LIST = "comdb.memory.list";
  /** {@code {agentId, id}} → the memory. */
  public static final String MEMORY_GET = "comdb.memory.get";
  /** {@code {agentId, id, text?, metadata?}} → the memory as changed. */
  public static final String MEMORY_UPDATE = "comdb.memory.update";
  /** {@code {agentId, id}} → {@code {deleted}}. */
  public static final String MEMORY_DELETE = "comdb.memory.delete";
  /** {@code {agentId, id}} → {@code {memories}}: those a compressed memory replaced. */
  public static final String MEMORY_HISTORY = "comdb.memory.history";
  /** {@code {agentId, query, k?, filter?, recency?, minScore?, mode?}} → {@code {results}}, best first. */
  public static final String MEMORY_SEARCH = "comdb.memory.search";
  /** {@code {agentId, endpoint?}} → {@code {replaced, id}}: rewrites the coldest memories through an LLM. */
  public static final String MEMORY_COMPRESS = "comdb.memory.compress";

  /** {@code {agentId, endpoint, createSpace?}} → the space: sets the LLM endpoint of its compressions. */
  public static final String MEMORY_COMPRESSOR = "comdb.memory.compressor";
  /**
   * {@code {agentId, coldRatio}} → {@code {replaced, id}}: what the background compression does to one space
   * (rewrites its cold memories if their share passes {@code coldRatio}); this node's own spaces only.
   */
  public static final String MEMORY_COMPRESS_COLD = "comdb.memory.compress-cold";
  /** Local: {@code {}} → {@code {agents: [...]}}, every agent with a space in this node's engine. */
  public static final String MEMORY_AGENTS = "comdb.memory.agents";
  /** Local: {@code {}} → {@code {spaces, compressed, replaced, failed}}: a background compression run now. */
  public static final String ADMIN_COMPRESS = "comdb.admin.compress";
  /** Published locally after each background compression of a space: {@code {agentId, replaced, id}}. */
  public static final String MEMORY_COMPRESSED = "comdb.memory.compressed";

  private Addresses() {}

  /** The address that takes a key-value or Redis request, by its type. */
  public static String of(Object request) {
    if (request instanceof Kv.Get) {
      return KV_GET;
    } else if (request instanceof Kv.Put) {
      return KV_PUT;
    } else if (request instanceof Kv.Delete) {
      return KV_DELETE;
    } else if (request instanceof Kv.Batch) {
      return KV_BATCH;
    } else if (request instanceof Kv.Txn) {
      return KV_TXN;
    } else if (request instanceof Kv.Scan) {
      return KV_SCAN;
    } else if (request instanceof Redis.Exec || request instanceof Redis.Transaction) {
      return REDIS_EXEC;
    }
    throw new IllegalArgumentException("no address takes a " + request.getClass().getSimpleName());
  }
}
