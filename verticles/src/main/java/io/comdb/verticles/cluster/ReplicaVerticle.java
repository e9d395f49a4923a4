package io.comdb.verticles.cluster;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.ReadView;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.ServerMetrics;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Replica;
import io.comdb.verticles.api.Writer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Clustered only: keeps this node's copies of partitions whole as Hazelcast moves replicas between
 * members. After every migration (and twice a second, to catch what events miss) it compares the
 * partition table with what this node holds:
 *
 * <ul>
 *   <li>A partition this node now holds a replica of (owner or backup) but not the data of is <b>filled</b>
 *       from a node that holds it (its owner if it can): the writer drops this node's stale entries of it,
 *       then pages of the partition's entries are fetched and applied, while live replication from the
 *       owner goes on (a fill never overwrites what live replication wrote). Only then does this node serve
 *       it as owner ({@link ClusterNode#remoteOwner} answers "try again" meanwhile) or count as a holder.
 *   <li>A partition it holds but is no longer a replica of is given up, once every current replica holds it
 *       (one of them may be filling from here), and its entries are dropped.
 *   <li>After this node's side of a split brain merged into a larger side, its copies are stale
 *       ({@link ClusterNode#stale}): those the merged table gives it are filled again from the larger side,
 *       the others dropped.
 * </ul>
 *
 * A cluster that forms with nothing held yet is either new (each node takes what it is given, empty) or
 * restarted: each node offers the partitions it held when it last ran ({@code cluster-holdings} in its
 * data directory), each with its {@link PartitionVersion}. Once every member the cluster had has made its
 * offers (or after 30 s), a partition no live member holds is kept from the node's own copy or filled from the
 * offer of another, whichever is newest; one that nobody offers waits up to 30 s for a node that held it
 * before it is served empty.
 */
public final class ReplicaVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(ReplicaVerticle.class.getName());
  private static final int PAGE_ENTRIES = 1000;
  private static final int PAGE_BYTES = 4 << 20;
  private static final long RECONCILE_MS = 500;
  private static final DeliveryOptions FETCH = new DeliveryOptions().setSendTimeout(120_000);
  /**
   * After a restart, how long a partition nobody offers waits for a node that held it before it is served empty;
   * after a merge into a larger side, how long a partition no member of it holds waits before this node keeps its copy.
   */
  private static final long RESTART_WAIT_MS = 30_000;

  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private final List<Meter> meters = new ArrayList<>();
  private ClusterNode node;
  /** Partitions being filled now (the node's, for INFO). */
  private Set<Integer> filling;
  private ReadView reads;
  private long timer = -1;
  private Runnable stopListening = () -> {};
  private boolean reconciling;
  private boolean again;
  /** Until when partitions that no live member holds wait for one that held them before a restart; 0 before the first look. */
  private long restartDeadline;
  /** Whether this node held partitions when it last ran: then it is no new, empty cluster's member. */
  private boolean heldBefore;
  /** How many partitions waited at the last look (logged when it changes). */
  private int lastWaiting;
  /** How many partitions waited for the members before a restart to come back, at the last look. */
  private int lastComparing;
  /** The stale partitions ({@link ClusterNode#stale}) this node no longer offers or registers as held. */
  private final Set<Integer> released = new HashSet<>();

  /** What one look at the partition table found to do: fills by source node, and partitions to drop. */
  private record Plan(Map<String, List<Integer>> fills, List<Integer> drops) {}

  @Override
  public Future<?> start() {
    node = ClusterNode.of(vertx);
    if (!node.clustered()) {
      return Future.failedFuture(new IllegalStateException("the replica verticle runs on clustered nodes only"));
    }
    filling = node.filling();
    MeterRegistry registry = ServerMetrics.registry(vertx);
    meters.add(Gauge.builder("comdb.cluster.members", node, n -> n.table().members().size())
        .description("members of the cluster, as this node sees it").register(registry));
    meters.add(Gauge.builder("comdb.cluster.partitions.owned", node, ClusterNode::partitionsOwned)
        .description("partitions this node owns").register(registry));
    meters.add(Gauge.builder("comdb.cluster.partitions.held", node, ClusterNode::partitionsHeld)
        .description("partitions this node holds whole, as owner or backup").register(registry));
    meters.add(Gauge.builder("comdb.cluster.partitions.filling", node, ClusterNode::partitionsFilling)
        .description("partitions being copied to this node now").register(registry));
    reads = EngineVerticle.reads(vertx);
    Codecs.register(vertx);
    consumers.add(vertx.eventBus().consumer(node.local(Addresses.REPLICA_FETCH), this::fetch));
    // The first look (what this node holds from the start) is a reconcile like the others: never two at once.
    reconciling = true;
    stopListening = node.table().onMigration(() -> context.runOnContext(v -> reconcile()));
    timer = vertx.setPeriodic(RECONCILE_MS, id -> reconcile());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> vertx.executeBlocking(this::plan))
        .andThen(ar -> looked(ar.succeeded() ? ar.result() : null, ar.cause()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    stopListening.run();
    meters.forEach(m -> ServerMetrics.registry(vertx).remove(m));
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private void reconcile() {
    if (reconciling) {
      again = true;
      return;
    }
    reconciling = true;
    vertx.executeBlocking(this::plan).onComplete(ar -> looked(ar.result(), ar.cause()));
  }

  /** After a look at the partition table: carries out its plan, then the look asked for meanwhile. */
  private void looked(Plan plan, Throwable failure) {
    reconciling = false;
    if (plan != null) {
      carryOut(plan);
    } else {
      LOG.log(Level.WARNING, "looking at the partition table failed: {0}", failure.toString());
    }
    if (again) {
      again = false;
      reconcile();
    }
  }

  /** Compares the partition table with what this node holds (blocking: the holders' registry is Hazelcast's). */
  private Plan plan() throws java.io.IOException {
    if (restartDeadline == 0) { // the first look: offer what this node held when it last ran
      node.holdings().offer(node.id(), this::version);
      restartDeadline = System.currentTimeMillis() + RESTART_WAIT_MS;
      heldBefore = !node.holdings().partitions().isEmpty();
    }
    // Copies from before a restart are compared once every member the cluster had has offered its own.
    Set<String> notBack = node.holdings().membersNotBack();
    boolean allBack = notBack.isEmpty() || System.currentTimeMillis() >= restartDeadline;
    int comparing = 0;
    int backups = node.backups();
    String me = node.id();
    Set<Integer> stale = node.stale();
    if (!stale.isEmpty()) { // merged into a larger side: no copy from this side is offered or registered
      stale.addAll(node.holdings().partitions());
      for (int p : stale) {
        if (released.add(p)) {
          node.ready(p, false);
          node.holdings().forget(p);
        }
      }
    }
    Map<String, List<Integer>> fills = new LinkedHashMap<>();
    List<Integer> drops = new ArrayList<>();
    List<Integer> orphans = new ArrayList<>(); // replicas here that nobody holds or offers
    for (int p = 0; p < node.table().partitionCount(); p++) {
      List<String> replicas = node.table().replicas(p, backups);
      boolean replica = replicas.contains(me);
      if (replica && !node.ready(p) && !filling.contains(p)) {
        List<String> holders = new ArrayList<>(node.holders(p));
        holders.remove(me);
        if (stale.contains(p)) {
          if (!holders.isEmpty()) {
            unstale(p);
            fills.computeIfAbsent(source(holders, replicas), k -> new ArrayList<>()).add(p);
          } else if (System.currentTimeMillis() - node.mergingSince() >= RESTART_WAIT_MS) {
            LOG.log(Level.WARNING, "no member of the side this node merged into holds partition {0}: this node keeps its copy", p);
            unstale(p);
            node.ready(p, true);
          } // else the registry of holders may not show the larger side's yet
          continue;
        }
        List<Holdings.Offer> offers = holders.isEmpty() ? node.holdings().offers(p, me) : List.of();
        Holdings.Offer mine = node.holdings().own(p);
        Holdings.Offer best = offers.stream().sorted().findFirst().orElse(null);
        if (!holders.isEmpty() || best != null && allBack && (mine == null || best.compareTo(mine) < 0)) {
          fills.computeIfAbsent(!holders.isEmpty() ? source(holders, replicas) : best.node(), k -> new ArrayList<>()).add(p);
          node.holdings().forget(p); // the fill drops this node's copy first: it is offered and recorded no more
        } else if (mine != null && allBack) {
          node.ready(p, true); // its copy from before a restart is as new as any offered
          node.holdings().forget(p);
        } else if (mine != null || best != null) {
          comparing++;
        } else {
          orphans.add(p);
        }
      } else if (!replica && (node.ready(p) || node.holdings().has(p) || stale.contains(p)) && !filling.contains(p)) {
        // Given up once every current replica holds it: one of them may be filling from here.
        List<String> current = replicas.stream().filter(Objects::nonNull).toList();
        if (!current.isEmpty() && node.holders(p).containsAll(current)) {
          node.ready(p, false);
          node.holdings().forget(p);
          unstale(p);
          drops.add(p);
        }
      }
    }
    // Asked of the cluster only when some partition needs it: a new, empty cluster, or a restarting one?
    int waiting = 0;
    if (!orphans.isEmpty() && !(heldBefore || node.othersHoldData() || node.holdings().anyOffers())) {
      orphans.forEach(p -> node.ready(p, true));
    } else if (!orphans.isEmpty() && System.currentTimeMillis() < restartDeadline) {
      waiting = orphans.size(); // a restarting cluster: a node that held them may still come
    } else {
      for (int p : orphans) {
        LOG.log(Level.ERROR, "no live member holds partition {0} or offers a copy of it: this node serves it empty", p);
        node.ready(p, true);
      }
    }
    if (waiting != lastWaiting && waiting > 0) {
      LOG.log(Level.WARNING, "{0} partitions wait for a node that held them before the cluster restarted (up to {1} s more)",
          waiting, Math.max(0, (restartDeadline - System.currentTimeMillis()) / 1000));
    }
    if (comparing != lastComparing && comparing > 0) {
      LOG.log(Level.INFO, "{0} partitions wait for {1} more of the members the cluster had before it restarted to offer their copies "
          + "(up to {2} s more)", comparing, notBack.size(), Math.max(0, (restartDeadline - System.currentTimeMillis()) / 1000));
    }
    lastWaiting = waiting;
    lastComparing = comparing;
    node.saveHoldings();
    return new Plan(fills, drops);
  }

  /** A stale partition ({@link ClusterNode#stale}) is being filled again or dropped, or is kept. */
  private void unstale(int partition) {
    node.stale().remove(partition);
    released.remove(partition);
  }

  /** The node to fill a partition from: its owner if that holds it, else another holder. */
  private static String source(List<String> holders, List<String> replicas) {
    return holders.contains(replicas.get(0)) ? replicas.get(0) : holders.get(0);
  }

  /** This node's version of a partition, as its engine holds it. */
  private PartitionVersion version(int partition) {
    try {
      return PartitionVersion.decode(reads.get(PartitionVersion.key(partition, node.table().partitionCount())));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void carryOut(Plan plan) {
    if (!plan.drops().isEmpty()) {
      toWriter(new Replica.Drop(plan.drops()))
          .onSuccess(v -> LOG.log(Level.INFO, "dropped {0} partitions this node no longer holds", plan.drops().size()))
          .onFailure(e -> LOG.log(Level.WARNING, "dropping partitions failed: {0}", e.toString()));
    }
    plan.fills().forEach(this::fill);
  }

  /** Fills {@code partitions} from {@code source}: drop what is here, fetch every page, then hold them. */
  private void fill(String source, List<Integer> partitions) {
    filling.addAll(partitions);
    long start = System.nanoTime();
    long[] entries = {0};
    toWriter(new Replica.Fill(partitions, true))
        .compose(v -> fetchFrom(source, partitions, null, entries))
        .compose(v -> toWriter(new Replica.Fill(partitions, false)))
        .compose(v -> vertx.executeBlocking(() -> {
          partitions.forEach(p -> node.ready(p, true));
          node.saveHoldings();
          return null;
        }))
        .onSuccess(v -> {
          filling.removeAll(partitions);
          LOG.log(Level.INFO, "filled {0} partitions from {1}: {2} entries in {3} ms", partitions.size(), source, entries[0],
              (System.nanoTime() - start) / 1_000_000);
        })
        .onFailure(e -> {
          LOG.log(Level.WARNING, "filling {0} partitions from {1} failed, to be tried again: {2}", partitions.size(), source,
              e.getMessage());
          // Tried again only once this fill has ended in the writer: two fills of a partition never overlap there.
          toWriter(new Replica.Fill(partitions, false)).onComplete(v -> filling.removeAll(partitions));
        });
  }

  private Future<Void> fetchFrom(String source, List<Integer> partitions, byte[] after, long[] entries) {
    Replica.Fetch fetch = new Replica.Fetch(partitions, after, PAGE_ENTRIES, node.id());
    return vertx.eventBus().<Replica.Chunk>request(ClusterNode.at(source, Addresses.REPLICA_FETCH), fetch, FETCH)
        .compose(m -> {
          Replica.Chunk chunk = m.body();
          entries[0] += chunk.entries().size();
          Future<Void> applied = chunk.entries().isEmpty() ? Future.succeededFuture() : toWriter(new Replica.Filled(chunk.entries()));
          return applied.compose(v -> chunk.next() == null ? Future.succeededFuture() : fetchFrom(source, partitions, chunk.next(), entries));
        });
  }

  private Future<Void> toWriter(Object request) {
    return vertx.eventBus().request(Addresses.WRITER_REPLICA, request).mapEmpty();
  }

  /**
   * Serves a page of a fill: only partitions this node holds, to a node the partition table names as
   * their replica (so that from now on this node's writes to them reach it too). Before the first page,
   * this node's writer has applied everything sent to it so far, so the pages hold every write this node
   * acknowledged.
   */
  private void fetch(Message<Object> message) {
    if (!(message.body() instanceof Replica.Fetch fetch)) {
      message.fail(Failure.INVALID_ARGUMENT.code(), "comdb.replica.fetch takes a Replica.Fetch");
      return;
    }
    for (int p : fetch.partitions()) {
      boolean whole = (node.ready(p) || node.holdings().has(p)) && !filling.contains(p) && !node.stale().contains(p);
      if (!whole || !node.table().replicas(p, node.backups()).contains(fetch.requester())) {
        message.fail(Failure.NOT_OWNER.code(), "partition " + p + " cannot be filled from this node now");
        return;
      }
    }
    Future<Void> barrier = fetch.after() == null ? writerBarrier() : Future.succeededFuture();
    barrier.compose(v -> vertx.executeBlocking(() -> page(fetch), false))
        .onSuccess(message::reply)
        .onFailure(e -> message.fail(Failure.STORAGE_ERROR.code(), "reading the partition failed: " + e.getMessage()));
  }

  private Future<Void> writerBarrier() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.eventBus().send(Addresses.WRITER_TASK, new Writer.Task(() -> {}, done));
    return Future.fromCompletionStage(done, context);
  }

  /** The next page of the partitions' entries: the partitions in order, each one's keys in order. */
  private Replica.Chunk page(Replica.Fetch fetch) throws java.io.IOException {
    List<Kv.Write> entries = new ArrayList<>();
    long bytes = 0;
    byte[] after = fetch.after();
    int from = after == null ? 0 : node.partitionOfStored(after);
    for (int partition : fetch.partitions().stream().sorted().distinct().toList()) {
      if (partition < from) {
        continue;
      }
      try (EngineIterator it = reads.groupIterator(partition)) {
        if (partition == from && after != null) {
          it.seek(after);
          if (it.isValid() && Arrays.equals(it.key(), after)) {
            it.next();
          }
        }
        for (; it.isValid(); it.next()) {
          byte[] key = it.key();
          byte[] value = it.value();
          if (value == null) {
            continue;
          }
          entries.add(new Kv.Write(key, value));
          bytes += key.length + value.length;
          if (entries.size() >= Math.min(fetch.limit(), PAGE_ENTRIES) || bytes >= PAGE_BYTES) {
            return new Replica.Chunk(entries, key);
          }
        }
      }
    }
    return new Replica.Chunk(entries, null);
  }
}
