package io.comdb.verticles.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.comdb.cluster.PartitionTable;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Writer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.Shareable;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;

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
  private static final String LOCAL_MAP = "comdb.cluster";
  private static final String KEY = "node";
  private static final String ENDPOINTS = "comdb.endpoints";
  private static final ClusterNode STANDALONE = new ClusterNode(null, null);

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

  private ClusterNode(PartitionTable table, ReplicatedMap<String, String> endpoints) {
    this.table = table;
    this.endpoints = endpoints;
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
  public static ClusterNode join(Vertx vertx, int minMembers) {
    if (!(((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager)) {
      throw new IllegalStateException("ComDB clusters over Hazelcast: start Vert.x with vertx-hazelcast's cluster manager");
    }
    HazelcastInstance hazelcast = manager.getHazelcastInstance();
    ReplicatedMap<String, String> endpoints = hazelcast.getReplicatedMap(ENDPOINTS);
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {}

      @Override
      public void memberRemoved(MembershipEvent event) {
        endpoints.remove(event.getMember().getUuid().toString());
      }
    });
    ClusterNode node = new ClusterNode(new PartitionTable(hazelcast, minMembers), endpoints);
    vertx.sharedData().<String, ClusterNode>getLocalMap(LOCAL_MAP).put(KEY, node);
    return node;
  }

  /** Forgets the node of this Vert.x instance (the server stopped). */
  public static void leave(Vertx vertx) {
    vertx.sharedData().getLocalMap(LOCAL_MAP).remove(KEY);
  }

  public boolean clustered() {
    return table != null;
  }

  /** The partition table; clustered nodes only. */
  public PartitionTable table() {
    return table;
  }

  /** This node's id (its Hazelcast member UUID, also its Vert.x node id); "standalone" when not clustered. */
  public String id() {
    return table == null ? "standalone" : table.localNode();
  }

  /**
   * The node to send a request for {@code slot} to: null when this node serves it (it owns the slot, the
   * request has no slot, or this node is standalone).
   *
   * @throws ReplyException {@link Failure#UNAVAILABLE} while Hazelcast has not assigned the slot's partition
   */
  public String remoteOwner(int slot) {
    if (table == null || slot == ClusterKeys.NO_SLOT) {
      return null;
    }
    String owner = table.owner(slot);
    if (owner == null) {
      throw new ReplyException(io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, Failure.UNAVAILABLE.code(),
          "slot " + slot + " has no owner yet: the cluster is starting");
    }
    return owner.equals(table.localNode()) ? null : owner;
  }

  /** Whether this side of the cluster may take writes ({@code cluster.minMembers}); always when standalone. */
  public boolean hasQuorum() {
    return table == null || table.hasQuorum();
  }

  /**
   * Why the writer must not apply {@code request} now, or null if it may: a side of the cluster without
   * quorum applies nothing, and a node applies only requests for slots it owns in the current partition
   * table, so it never acknowledges a write for a slot another node owns.
   */
  public Writer.Failed refusal(Object request) {
    if (table == null) {
      return null;
    }
    if (!table.hasQuorum()) {
      return new Writer.Failed(Failure.NO_QUORUM.code(), "this side of the cluster has " + table.members().size()
          + " members, fewer than cluster.minMembers (" + table.minMembers() + "): it takes no writes");
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
