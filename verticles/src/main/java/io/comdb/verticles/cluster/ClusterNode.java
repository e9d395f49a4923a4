package io.comdb.verticles.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.comdb.cluster.PartitionTable;
import io.comdb.config.ClusterSection;
import io.comdb.engine.KeyGroups;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Writer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.Shareable;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This node's place in a cluster, shared by the verticles of its Vert.x instance: the partition table
 * (who owns each slot now), the node-specific event-bus addresses, and where each node's RESP and HTTP
 * servers listen (for {@code CLUSTER SLOTS} and {@code -MOVED}). A Vert.x instance that is not clustered
 * gets a standalone node, which owns every slot.
 *
 * <p>A node's engine and memory verticles take requests at {@code comdb.node.<node id>.<address>}; the
 * plain addresses ({@code comdb.kv.put}, ...) are the {@link RouterVerticle}'s on every node, which sends
 * each request on to its slot's owner.
 */
public final class ClusterNode implements Shareable {
  private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());
  private static final String LOCAL_MAP = "comdb.cluster";
  private static final String KEY = "node";
  private static final String ENDPOINTS = "comdb.endpoints";
  private static final String HOLDERS = "comdb.holders";
  private static final ClusterNode STANDALONE = new ClusterNode(null, null, null, new ClusterSection(false, "", 1, "", 1, 0, 5000));

  /** Where a node's servers listen; a port is -1 when that server is off. */
  public record Endpoint(String respHost, int respPort, String httpHost, int httpPort) {
    String encode() {
      return respHost + ' ' + respPort + ' ' + httpHost + ' ' + httpPort;
    }

    static Endpoint decode(String text) {
      String[] f = text.split(" ");
      return new Endpoint(f[0], Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]));
    }
  }

  private final PartitionTable table;
  private final ReplicatedMap<String, String> endpoints;
  private final ClusterSection config;
  private final HazelcastInstance hazelcast;
  /** The registration of the listener that tells {@link #leftListeners}; removed by {@link #leave}. */
  private UUID membershipListener;
  /** Told of each member that leaves (or is declared dead), on a Hazelcast thread. */
  private final List<Consumer<String>> leftListeners = new CopyOnWriteArrayList<>();
  /** The partitions whose entries this node holds whole (filled, or held from the start). */
  private final Set<Integer> ready = ConcurrentHashMap.newKeySet();
  /** The partitions this node is filling from another now. */
  private final Set<Integer> filling = ConcurrentHashMap.newKeySet();
  /**
   * The partitions whose entries here are the smaller side's of a split brain that merged into the larger
   * one ({@link #merging}): refilled from the larger side, or dropped, by {@link ReplicaVerticle}.
   */
  private final Set<Integer> stale = ConcurrentHashMap.newKeySet();
  /** When this node last began to merge into a larger side (ms since the epoch), 0 if never. */
  private volatile long mergingSince;
  /** Removes the listener that calls {@link #merging}. */
  private Runnable stopMergeListener = () -> {};
  /** What this node held when it last ran, and offers after a restart; null when standalone. */
  private Holdings holdings;

  private ClusterNode(HazelcastInstance hazelcast, PartitionTable table, ReplicatedMap<String, String> endpoints, ClusterSection config) {
    this.hazelcast = hazelcast;
    this.table = table;
    this.endpoints = endpoints;
    this.config = config;
  }

  /** This Vert.x instance's node: the one {@link #join} made, or a standalone node. */
  public static ClusterNode of(Vertx vertx) {
    ClusterNode node = vertx.sharedData().<String, ClusterNode>getLocalMap(LOCAL_MAP).get(KEY);
    return node == null ? STANDALONE : node;
  }

  /**
   * Makes this Vert.x instance a node of its cluster (it must be clustered with Hazelcast's cluster manager).
   * Blocks while Hazelcast assigns the partitions: call it off the event loop.
   */
  public static ClusterNode join(Vertx vertx, ClusterSection config, Path dataDir) throws IOException {
    if (!(((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager)) {
      throw new IllegalStateException("ComDB clusters over Hazelcast: start Vert.x with vertx-hazelcast's cluster manager");
    }
    HazelcastInstance hazelcast = manager.getHazelcastInstance();
    ReplicatedMap<String, String> endpoints = hazelcast.getReplicatedMap(ENDPOINTS);
    PartitionTable table = new PartitionTable(hazelcast, config.minMembers());
    ClusterNode node = new ClusterNode(hazelcast, table, endpoints, config);
    node.holdings = Holdings.load(hazelcast, table, dataDir);
    node.membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {}

      @Override
      public void memberRemoved(MembershipEvent event) {
        String left = PartitionTable.nodeId(event.getMember());
        endpoints.remove(left);
        node.leftListeners.forEach(listener -> listener.accept(left));
      }
    });
    node.stopMergeListener = table.onMerging(node::merging);
    vertx.sharedData().<String, ClusterNode>getLocalMap(LOCAL_MAP).put(KEY, node);
    return node;
  }

  /** Forgets the node of this Vert.x instance (the server stopped), and its listeners. */
  public static void leave(Vertx vertx) {
    ClusterNode node = vertx.sharedData().<String, ClusterNode>getLocalMap(LOCAL_MAP).remove(KEY);
    if (node != null) {
      node.leftListeners.clear();
      node.stopMergeListener.run();
      node.table.close();
      if (node.hazelcast.getLifecycleService().isRunning()) {
        node.hazelcast.getCluster().removeMembershipListener(node.membershipListener);
      }
    }
  }

  public boolean clustered() {
    return table != null;
  }

  /**
   * Calls {@code listener} with the id of every member that leaves the cluster or is declared dead, on a
   * Hazelcast thread: hop to your own context. Requests out to that member will not be answered.
   */
  public void onLeft(Consumer<String> listener) {
    if (table != null) {
      leftListeners.add(listener);
    }
  }

  /** Backups of each partition ({@code cluster.backups}); 0 when standalone. */
  public int backups() {
    return config.backups();
  }

  /** How long a silent member stays a member ({@code cluster.failureMillis}). */
  public long failureMillis() {
    return config.failureMillis();
  }

  /** The partition table; clustered nodes only. */
  public PartitionTable table() {
    return table;
  }

  /** This node's id (its Vert.x node id, which its event-bus addresses carry); "standalone" when not clustered. */
  public String id() {
    return table == null ? "standalone" : table.localNode();
  }

  /**
   * The node to send a request for {@code slot} to: null when this node serves it (it owns the slot, the
   * request has no slot, or this node is standalone).
   *
   * @throws ReplyException {@link Failure#NOT_OWNER} while the slot has no owner (the cluster is starting,
   *     or reassigning a dead member's partitions) or this node is still filling it: a moment later it has
   */
  public String remoteOwner(int slot) {
    if (table == null || slot == ClusterKeys.NO_SLOT) {
      return null;
    }
    String owner = table.owner(slot);
    if (owner == null) {
      throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failure.NOT_OWNER.code(),
          "slot " + slot + " has no owner right now (the cluster is starting, or reassigning a dead member's slots); try again");
    }
    if (!owner.equals(table.localNode())) {
      return owner;
    }
    if (!ready.contains(table.partitionOfSlot(slot))) {
      throw notReady(slot);
    }
    return null;
  }

  private static ReplyException notReady(int slot) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failure.NOT_OWNER.code(),
        "slot " + slot + " has just moved to this node, which is still filling it; try again");
  }

  /** How many partitions this node holds whole, and how many it is filling now: INFO's figures. */
  public int partitionsHeld() {
    return ready.size();
  }

  public int partitionsFilling() {
    return filling.size();
  }

  /** How many partitions this node owns in the partition table now. */
  public int partitionsOwned() {
    int owned = 0;
    for (int p = 0; p < table.partitionCount(); p++) {
      if (table.localNode().equals(table.replicas(p, 0).get(0))) {
        owned++;
      }
    }
    return owned;
  }

  /** The partitions this node is filling now ({@link ReplicaVerticle}'s). */
  Set<Integer> filling() {
    return filling;
  }

  /**
   * Hazelcast merges this node's side of a split brain into the other, larger side (smaller sides merge into
   * larger ones), whose copies of the partitions are the cluster's from now on: what this side wrote during
   * the split is given up, as Redis Cluster gives up the writes of a minority master. Until
   * {@link ReplicaVerticle} has filled the partitions the merged table gives this node from the larger side,
   * it serves none of them, nor fills another node from them. Runs on a Hazelcast thread: the registry of
   * holders is updated at the next look.
   */
  private void merging() {
    mergingSince = System.currentTimeMillis();
    stale.addAll(ready);
    ready.clear();
    LOG.log(Level.WARNING, "this node''s side of a split brain merges into a larger side: its copies of {0} partitions are "
        + "refilled from that side or dropped, and the writes this side took during the split are given up", stale.size());
  }

  /** The partitions whose entries here are a merged smaller side's ({@link #merging}), not refilled or dropped yet. */
  Set<Integer> stale() {
    return stale;
  }

  /** When this node last began to merge into a larger side (ms since the epoch), 0 if never. */
  long mergingSince() {
    return mergingSince;
  }

  /** Whether this node holds the whole of a partition (it may serve it, or be a fill's source). */
  public boolean ready(int partition) {
    return ready.contains(partition);
  }

  /**
   * This node holds the whole of {@code partition} from now on ({@code true}), or no more; the cluster's
   * registry of holders says so too. Blocks: call it off the event loop.
   */
  void ready(int partition, boolean whole) {
    if (whole && stale.contains(partition)) {
      return; // a fill that began before a merge: the smaller side's copy
    }
    MultiMap<Integer, String> holders = hazelcast.getMultiMap(HOLDERS);
    if (whole) {
      holders.put(partition, id());
      ready.add(partition);
    } else {
      ready.remove(partition);
      holders.remove(partition, id());
    }
  }

  /**
   * The members, this one included, that hold the whole of {@code partition}, as the cluster's registry
   * says. Blocks: call it off the event loop.
   */
  List<String> holders(int partition) {
    List<String> members = table.members();
    List<String> live = new ArrayList<>();
    for (String holder : hazelcast.<Integer, String>getMultiMap(HOLDERS).get(partition)) {
      if (members.contains(holder)) {
        live.add(holder);
      }
    }
    return live;
  }

  /** What this node held when it last ran, and offers after a restart; clustered only. */
  Holdings holdings() {
    return holdings;
  }

  /** This node's name: the same across its restarts, unlike {@link #id()}; clustered only. */
  public String name() {
    return holdings.name();
  }

  /** Writes what this node holds to its data directory ({@link Holdings#save}). Blocks. */
  void saveHoldings() throws IOException {
    holdings.save(ready);
  }

  /** Whether any member but this one holds any partition: false while the cluster is forming afresh. Blocks. */
  boolean othersHoldData() {
    List<String> members = table.members();
    for (String holder : hazelcast.<Integer, String>getMultiMap(HOLDERS).values()) {
      if (members.contains(holder) && !holder.equals(id())) {
        return true;
      }
    }
    return false;
  }

  /** The partition of a stored key (internal keys by their Redis key or agent id); clustered only. */
  public int partitionOfStored(byte[] storedKey) {
    return table.partitionOfSlot(ClusterKeys.slotOfStored(storedKey));
  }

  /**
   * How this node's engine groups its keys: by partition, so that a partition is streamed to another node, or
   * dropped, by walking its own keys ({@link io.comdb.engine.ReadView#groupIterator}). Null when standalone.
   */
  public KeyGroups partitionGroups() {
    if (table == null) {
      return null;
    }
    return new KeyGroups() {
      @Override
      public int count() {
        return table.partitionCount();
      }

      @Override
      public int of(byte[] key) {
        return partitionOfStored(key);
      }
    };
  }

  /** Whether this node serves a stored key: it owns its slot (standalone: every key). */
  public boolean servesStored(byte[] storedKey) {
    return table == null || table.isLocal(ClusterKeys.slotOfStored(storedKey));
  }

  /** The other nodes that back a partition up now, at most {@code count}; clustered only. */
  public List<String> backups(int partition, int count) {
    List<String> replicas = table.replicas(partition, count);
    List<String> backups = new ArrayList<>(count);
    for (int i = 1; i < replicas.size(); i++) {
      String node = replicas.get(i);
      if (node != null && !node.equals(table.localNode())) {
        backups.add(node);
      }
    }
    return backups;
  }

  /** Whether this side of the cluster may take writes ({@code cluster.minMembers}); always when standalone. */
  public boolean hasQuorum() {
    return table == null || table.hasQuorum();
  }

  /** The refusal of a write on a side without quorum. */
  public ReplyException noQuorum() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failure.NO_QUORUM.code(), "this side of the cluster has "
        + table.members().size() + " members, fewer than cluster.minMembers (" + table.minMembers() + "): it takes no writes");
  }

  /**
   * Why the writer must not apply {@code request} now, or null if it may: a side of the cluster without
   * quorum applies no write, and a node applies only requests for slots it owns in the current partition
   * table, so it never acknowledges a write for a slot another node owns.
   */
  public Writer.Failed refusal(Object request) {
    if (table == null) {
      return null;
    }
    if (!table.hasQuorum() && ClusterKeys.mayWrite(request)) {
      return new Writer.Failed(Failure.NO_QUORUM.code(), noQuorum().getMessage());
    }
    int slot;
    try {
      slot = ClusterKeys.slot(request);
    } catch (ClusterKeys.CrossSlot e) {
      return new Writer.Failed(Failure.CROSS_SLOT.code(), e.getMessage());
    }
    if (slot != ClusterKeys.NO_SLOT && !table.isLocal(slot)) {
      return new Writer.Failed(Failure.NOT_OWNER.code(), "this node does not own slot " + slot + " now");
    }
    if (slot != ClusterKeys.NO_SLOT && !ready.contains(table.partitionOfSlot(slot))) {
      return new Writer.Failed(Failure.NOT_OWNER.code(), notReady(slot).getMessage());
    }
    return null;
  }

  /** {@code address} as served by {@code node}'s own verticles. */
  public static String at(String node, String address) {
    return "comdb.node." + node + '.' + address;
  }

  /** This node's own address for {@code address}: the address itself when standalone. */
  public String local(String address) {
    return table == null ? address : at(table.localNode(), address);
  }

  /** Tells the other nodes where this node's servers listen. */
  public void announce(Endpoint endpoint) {
    if (endpoints != null) {
      endpoints.put(id(), endpoint.encode());
    }
  }

  /** Where {@code node}'s servers listen, or null if it has not said (yet). */
  public Endpoint endpoint(String node) {
    String text = endpoints == null ? null : endpoints.get(node);
    return text == null ? null : Endpoint.decode(text);
  }

  /** A node's id as Redis Cluster shows node ids: 40 hex digits (the UUID's 32, then zeros). */
  public static String redisId(String node) {
    try {
      UUID uuid = UUID.fromString(node);
      return String.format("%016x%016x00000000", uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    } catch (IllegalArgumentException e) {
      return String.format("%-40s", node).replace(' ', '0').substring(0, 40);
    }
  }
}
