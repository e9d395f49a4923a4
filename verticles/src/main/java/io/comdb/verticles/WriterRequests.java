package io.comdb.verticles;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineStats;
import io.comdb.engine.Transaction;
import io.comdb.engine.Versioned;
import io.comdb.engine.WriteBatch;
import io.comdb.engine.WriteGroup;
import io.comdb.types.KeySpace;
import io.comdb.types.RedisStore;
import io.comdb.types.Reply;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Redis;
import io.comdb.verticles.api.Writer;
import io.comdb.verticles.cluster.Replication;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the writer does with each request it drains: the key-value API, etcd-style transactions, Redis
 * commands and transactions, agent memory's batches, and the reads that come over the event bus (answered
 * in their place among the writes, so a sender reads its own writes). Writes go into the drain's
 * {@link WriteGroup}; the writer answers none of them before the group is closed.
 */
final class WriterRequests {
  private final Engine engine;
  private final RedisStore redis;
  /** The keys a scan lists: clustered, those of the slots this node owns (the rest are backup copies). */
  private final Predicate<byte[]> served;

  WriterRequests(Engine engine, RedisStore redis, Predicate<byte[]> served) {
    this.engine = engine;
    this.redis = redis;
    this.served = served;
  }

  /** How many commands a request counts for, in the queue's bound and the metrics (a worker's task: none). */
  static int commands(Object request) {
    if (request instanceof Writer.Pass pass) {
      return pass.requests().size();
    }
    // A merge's steps, and copies of what another node's writer applied already, are never refused as BUSY.
    return request instanceof Writer.Task || Replication.handles(request) ? 0 : 1;
  }

  /**
   * Applies one request; returns its answer. A failure is thrown and answered as the request's alone.
   * {@code ran} hears of every Redis command run, so that clients blocked on its keys look again.
   */
  Object apply(Object request, WriteGroup group, RedisStore.Ran ran) throws IOException {
    if (request instanceof Redis.Exec exec) {
      ran.ran(exec.db(), exec.args());
      long start = System.nanoTime();
      Reply reply = redis.execute(group, exec.db(), exec.args());
      return new Redis.Result(reply, (System.nanoTime() - start) / 1000);
    }
    if (request instanceof Kv.Put put) {
      return new Kv.Done(group.put(userKey(put.key()), put.value()));
    }
    if (request instanceof Kv.Get get) {
      Versioned found = engine.versioned(userKey(get.key()));
      return found == null ? new Kv.Value(null, 0) : new Kv.Value(found.value(), found.version());
    }
    if (request instanceof Kv.Delete delete) {
      long seq = group.delete(userKey(delete.key()));
      return new Kv.Deleted(seq >= 0, seq);
    }
    if (request instanceof Kv.Batch batch) {
      WriteBatch writes = new WriteBatch();
      for (Kv.Write w : batch.writes()) {
        add(writes, userKey(w.key()), w.value());
      }
      return new Kv.Done(group.write(writes));
    }
    if (request instanceof Writer.Commit commit) {
      WriteBatch writes = new WriteBatch();
      for (Kv.Write w : commit.writes()) {
        add(writes, w.key(), w.value());
      }
      return new Kv.Done(group.write(writes));
    }
    if (request instanceof Kv.Txn txn) {
      return transaction(txn, group);
    }
    if (request instanceof Redis.Transaction tx) {
      List<RedisStore.Watched> watched = new ArrayList<>(tx.watchedKeys().size());
      for (int i = 0; i < tx.watchedKeys().size(); i++) {
        watched.add(new RedisStore.Watched(tx.watchedDbs().get(i), tx.watchedKeys().get(i), tx.watchStamps().get(i)));
      }
      long start = System.nanoTime();
      Reply reply = redis.transaction(group, tx.db(), tx.commands(), watched, ran);
      return new Redis.Result(reply, (System.nanoTime() - start) / 1000);
    }
    if (request instanceof Kv.Scan scan) {
      return Scans.page(engine.readView(), scan, served);
    }
    if (request instanceof Admin.StatsRequest) {
      EngineStats s = engine.stats();
      return new Admin.Stats(s.liveKeys(), s.dataFiles(), s.diskBytes(), s.reclaimableBytes(), s.lastSequence(), s.durableSequence());
    }
    throw new IllegalArgumentException("not a request the writer takes: " + (request == null ? "null" : request.getClass().getName()));
  }

  /** Whether answering the request needs its writes to be durable first (a read needs nothing). */
  static boolean writes(Object request) {
    return !(request instanceof Kv.Get || request instanceof Kv.Scan || request instanceof Admin.StatsRequest);
  }

  /** etcd's Txn: the compares on the state before it, then one branch in one engine transaction. */
  private Kv.TxnResult transaction(Kv.Txn txn, WriteGroup group) throws IOException {
    for (Kv.Compare c : txn.compares()) {
      userKey(c.key());
    }
    for (List<Kv.TxnOp> branch : List.of(txn.success(), txn.failure())) {
      for (Kv.TxnOp op : branch) {
        userKey(op.key());
      }
    }
    boolean holds = true;
    for (Kv.Compare c : txn.compares()) {
      Versioned current = engine.versioned(c.key());
      if (!c.holds(current == null ? null : current.value(), current == null ? 0 : current.version())) {
        holds = false;
        break;
      }
    }
    List<Kv.TxnResponse> responses = new ArrayList<>();
    try (Transaction t = engine.beginTransaction()) {
      for (Kv.TxnOp op : holds ? txn.success() : txn.failure()) {
        switch (op.kind()) {
          case PUT -> {
            t.put(op.key(), op.value());
            responses.add(new Kv.TxnResponse(Kv.TxnOpKind.PUT, op.key(), null, false));
          }
          case DELETE -> {
            boolean existed = t.contains(op.key());
            t.delete(op.key());
            responses.add(new Kv.TxnResponse(Kv.TxnOpKind.DELETE, op.key(), null, existed));
          }
          case GET -> responses.add(new Kv.TxnResponse(Kv.TxnOpKind.GET, op.key(), t.get(op.key()), false));
        }
      }
      long seq = t.size() == 0 ? -1 : group.commit(t);
      return new Kv.TxnResult(holds, responses, seq);
    }
  }

  private static void add(WriteBatch batch, byte[] key, byte[] value) {
    if (value == null) {
      batch.delete(key);
    } else {
      batch.put(key, value);
    }
  }

  /** A key of the key-value API: keys starting with byte 0x00 hold Redis and memory data, and are refused. */
  static byte[] userKey(byte[] key) {
    if (key != null && KeySpace.isReserved(key)) {
      throw new IllegalArgumentException("keys beginning with byte 0x00 are reserved for ComDB's own data");
    }
    return key;
  }
}
