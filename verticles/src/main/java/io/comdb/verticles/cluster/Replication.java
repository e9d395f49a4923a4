package io.comdb.verticles.cluster;

import io.comdb.engine.Change;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.ReadView;
import io.comdb.engine.WriteBatch;
import io.comdb.engine.WriteGroup;
import io.comdb.search.MemoryKeys;
import io.comdb.types.KeySpace;
import io.comdb.types.RedisStore;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Replica;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The writer's side of a cluster's copies, used on the writer's thread only.
 *
 * <p><b>As an owner</b>, after each drain the writer {@link #replicate}s the drain's changes: each changed
 * key goes to the backups of its partition, as the partition table names them then, and the drain is
 * answered only once every one of them has applied it (durably, under its sync mode). A backup that left
 * the cluster (or stopped being a backup) needs it no more: its successor fills the partition from this
 * node, after this drain. One copy at a time is out to each backup: the drains that end while it is out
 * go together in the next one, so that under load a message carries many drains (as a drain carries
 * many commands), and the backup still gets them in order.
 *
 * <p><b>As a backup</b>, it {@link #apply applies} the owner's changes as they come, in order.
 *
 * <p><b>Filling</b> a partition this node newly holds: a {@link Replica.Fill} begin drops the entries of
 * the partition this node has (they are stale), and from then on the keys live replication writes are
 * noted; {@link Replica.Filled} pages from a node that holds the partition are applied but for those keys
 * (live writes are newer); the fill's end forgets the notes. A page for a partition with no fill begun
 * fails, so a fill's pages are never dropped in silence. {@link Replica.Drop} deletes the entries of
 * partitions this node gave up; it touches no fill's notes (a partition given up may be filled again at
 * once, and the two then follow each other in the writer's queue).
 *
 * <p><b>Versions.</b> Before a drain's group ends, {@link #stampVersions} counts up the {@link PartitionVersion}
 * of each partition it wrote whose replicas changed since the last count here.
 */
public final class Replication {
  private static final long RETRY_MS = 250;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final ClusterNode node;
  private final int backups;
  private final long failureMillis;
  private final RedisStore redis;
  private final ReadView reads;
  /** Partitions being filled → the keys live replication wrote since the fill began. */
  private final Map<Integer, Set<ByteBuffer>> filling = new HashMap<>();
  /** Copies out: done at once if their backup leaves the cluster before it answers. */
  private final Outstanding outstanding;
  /** Each partition's replicas when this writer last counted its version up. */
  private final Map<Integer, List<String>> stamped = new HashMap<>();
  /** Set (on a Hazelcast thread) when a member leaves: every version is counted up again at its next write. */
  private final AtomicBoolean memberLeft = new AtomicBoolean();
  /** The backups a copy is out to now. */
  private final Set<String> copying = new HashSet<>();
  /** Per backup: what waits for the copy out to it to be answered, to go in the next one. */
  private final Map<String, NextCopy> nextCopies = new HashMap<>();

  /** Writes waiting to go to one backup together, and the drains waiting for them to be there. */
  private static final class NextCopy {
    final List<Kv.Write> writes = new ArrayList<>();
    final Set<Integer> partitions = new HashSet<>();
    final Promise<Void> done = Promise.promise();
  }

  public Replication(Vertx vertx, ClusterNode node, RedisStore redis, ReadView reads) {
    this.vertx = vertx;
    this.node = node;
    this.backups = node.backups();
    this.failureMillis = node.failureMillis();
    this.redis = redis;
    this.reads = reads;
    this.outstanding = new Outstanding(node, vertx.getOrCreateContext());
    node.onLeft(left -> memberLeft.set(true)); // the partition table may show it a moment later than the drains do
  }

  /** Whether this writer's drains have changes to send: clustered, with backups. */
  public boolean replicates() {
    return node.clustered() && backups > 0;
  }

  /** Whether a request to the writer is one of this class's. */
  public static boolean handles(Object request) {
    return request instanceof Replica.Apply || request instanceof Replica.Fill || request instanceof Replica.Filled
        || request instanceof Replica.Drop;
  }

  /**
   * Applies a replication request; its answer is a {@link Kv.Done}. What it writes came from another node
   * (or is this node's own housekeeping), so the group does not record it for replication.
   */
  public Kv.Done apply(Object request, WriteGroup group) throws IOException {
    if (!replicates()) {
      return applyHere(request, group);
    }
    group.pauseChanges();
    try {
      return applyHere(request, group);
    } finally {
      group.recordChanges();
    }
  }

  private Kv.Done applyHere(Object request, WriteGroup group) throws IOException {
    if (request instanceof Replica.Apply apply) {
      return new Kv.Done(write(group, apply.writes(), true));
    }
    if (request instanceof Replica.Filled filled) {
      List<Kv.Write> fresh = new ArrayList<>(filled.entries().size());
      for (Kv.Write w : filled.entries()) {
        int partition = node.partitionOfStored(w.key());
        Set<ByteBuffer> live = filling.get(partition);
        if (live == null) { // its fill ended, or never began here: the fill that sent it fails, and is tried again
          throw new IllegalStateException("partition " + partition + " is not being filled on this node");
        }
        if (!live.contains(ByteBuffer.wrap(w.key()))) {
          fresh.add(w);
        }
      }
      return new Kv.Done(write(group, fresh, false));
    }
    if (request instanceof Replica.Drop drop) {
      return new Kv.Done(deleteAll(drop.partitions(), group));
    }
    Replica.Fill fill = (Replica.Fill) request;
    if (!fill.begin()) {
      fill.partitions().forEach(filling::remove);
      return new Kv.Done(-1);
    }
    fill.partitions().forEach(p -> filling.put(p, new HashSet<>()));
    return new Kv.Done(deleteAll(fill.partitions(), group));
  }

  /** Deletes every entry of {@code partitions} this node holds: a walk over their keys, and no others. */
  private long deleteAll(List<Integer> partitions, WriteGroup group) throws IOException {
    List<byte[]> stale = new ArrayList<>();
    for (int partition : partitions) {
      try (EngineIterator it = reads.groupIterator(partition)) {
        for (; it.isValid(); it.next()) {
          stale.add(it.key());
        }
      }
    }
    long seq = -1;
    Set<String> agents = new HashSet<>();
    for (byte[] key : stale) {
      seq = Math.max(seq, group.delete(key));
      redis.replicated(key, null);
      noteAgent(key, agents);
    }
    staleSpaces(agents);
    return seq;
  }

  private long write(WriteGroup group, List<Kv.Write> writes, boolean live) throws IOException {
    if (writes.isEmpty()) {
      return -1;
    }
    WriteBatch batch = new WriteBatch();
    for (Kv.Write w : writes) {
      if (w.value() == null) {
        batch.delete(w.key());
      } else {
        batch.put(w.key(), w.value());
      }
      if (live && !filling.isEmpty()) {
        Set<ByteBuffer> noted = filling.get(node.partitionOfStored(w.key()));
        if (noted != null) {
          noted.add(ByteBuffer.wrap(w.key()));
        }
      }
    }
    long seq = group.write(batch);
    Set<String> agents = new HashSet<>();
    for (Kv.Write w : writes) {
      redis.replicated(w.key(), w.value());
      noteAgent(w.key(), agents);
    }
    staleSpaces(agents);
    return seq;
  }

  private static void noteAgent(byte[] key, Set<String> agents) {
    byte[] agent = KeySpace.isReserved(key) ? MemoryKeys.agentOf(key) : null;
    if (agent != null) {
      agents.add(new String(agent, StandardCharsets.UTF_8));
    }
  }

  /** Agent memory reloads these spaces before it next serves them: replication changed their records. */
  private void staleSpaces(Set<String> agents) {
    if (!agents.isEmpty()) {
      vertx.eventBus().publish(Addresses.MEMORY_STALE, new JsonArray(new ArrayList<>(agents)), LOCAL);
    }
  }

  /**
   * Counts up, in {@code group}, the version of each partition the group wrote whose replicas are not those
   * it had when this writer last counted it up (or that this writer has not counted up since it started, or
   * since a member left). Call it once the group's writes are applied and before it ends: the version record
   * is then one of its changes, and reaches the backups with them.
   */
  public void stampVersions(WriteGroup group) throws IOException {
    if (!replicates() || group.changes().isEmpty()) {
      return;
    }
    if (memberLeft.getAndSet(false)) {
      stamped.clear();
    }
    Set<Integer> written = new HashSet<>();
    for (Change c : group.changes()) {
      written.add(node.partitionOfStored(c.key()));
    }
    for (int partition : written) {
      List<String> replicas = node.table().replicas(partition, backups);
      if (!replicas.equals(stamped.get(partition))) {
        byte[] key = PartitionVersion.key(partition, node.table().partitionCount());
        group.put(key, PartitionVersion.decode(reads.get(key)).next(node.name()).encode());
        stamped.put(partition, replicas);
      }
    }
  }

  /**
   * Sends a drain's changes to the backups of their partitions; completes once each backup has them, or
   * fails ({@link Failure#UNAVAILABLE}) if one that is still a backup did not take them.
   */
  public Future<Void> replicate(List<Change> changes) {
    if (changes.isEmpty() || !replicates()) {
      return Future.succeededFuture();
    }
    Map<String, NextCopy> byNode = new LinkedHashMap<>();
    for (Change c : changes) {
      int partition = node.partitionOfStored(c.key());
      for (String backup : node.backups(partition, backups)) {
        NextCopy copy = byNode.computeIfAbsent(backup, k -> nextCopies.computeIfAbsent(k, n -> new NextCopy()));
        copy.writes.add(new Kv.Write(c.key(), c.value()));
        copy.partitions.add(partition);
      }
    }
    List<Future<Void>> sent = new ArrayList<>(byNode.size());
    byNode.forEach((backup, copy) -> {
      sent.add(copy.done.future());
      if (!copying.contains(backup)) {
        sendNext(backup);
      }
    });
    return Future.all(sent).mapEmpty();
  }

  /** Sends what waits for {@code backup}, if anything; once that is answered, what waits by then. */
  private void sendNext(String backup) {
    NextCopy copy = nextCopies.remove(backup);
    if (copy == null) {
      copying.remove(backup);
      return;
    }
    copying.add(backup);
    copy.done.future().onComplete(ar -> sendNext(backup));
    send(backup, new Replica.Apply(copy.writes), copy.partitions, System.currentTimeMillis() + 2 * failureMillis, copy.done);
  }

  private void send(String backup, Replica.Apply apply, Set<Integer> partitions, long deadline, Promise<Void> done) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(failureMillis + 5000);
    // A backup that leaves is no backup any more: its successor fills the partition from this node.
    long id = outstanding.sent(backup, done::tryComplete);
    vertx.eventBus().request(ClusterNode.at(backup, Addresses.REPLICA_APPLY), apply, options).onComplete(ar -> {
      outstanding.answered(backup, id);
      if (done.future().isComplete()) {
        return;
      }
      if (ar.succeeded() || !stillBacksUp(backup, partitions)) {
        done.complete();
      } else if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
          && System.currentTimeMillis() < deadline) {
        // It is going away; once the partition table says so, its successor fills from this node.
        vertx.setTimer(RETRY_MS, t -> send(backup, apply, partitions, deadline, done));
      } else {
        // The backup's own failure texts are ComDB's, written for clients; the event bus's are not.
        String why = ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
            ? r.getMessage() : "it did not answer in time";
        done.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failure.UNAVAILABLE.code(),
            "a backup did not take the write, which this node has applied; it may or may not be stored: " + why));
      }
    });
  }

  private boolean stillBacksUp(String backup, Set<Integer> partitions) {
    for (int p : partitions) {
      if (node.backups(p, backups).contains(backup)) {
        return true;
      }
    }
    return false;
  }
}
