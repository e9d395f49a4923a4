package io.comdb.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.partition.InternalPartition;
import com.hazelcast.internal.partition.InternalPartitionService;
import com.hazelcast.internal.partition.PartitionReplica;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.ReplicaMigrationEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where each slot lives, as Hazelcast's partition table says now. Slots map onto Hazelcast's partitions
 * in contiguous runs (partition = slot × partitions / 16384), so a node's slots form few ranges, as
 * {@code CLUSTER SLOTS} lists them. Hazelcast decides which member owns each partition; ComDB runs no
 * consensus of its own.
 *
 * <p>A node is named by its Vert.x node id, which vertx-hazelcast keeps in a member attribute: Hazelcast
 * gives a member a new UUID when it merges into another side after a split brain, and the event bus goes on
 * naming it by the id it started with.
 */
public final class PartitionTable {
  /** The member attribute in which vertx-hazelcast keeps a member's Vert.x node id. */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;
  private final int partitionCount;
  /** Hazelcast's own partition table, which also names each partition's backups (replicas 1 to 6). */
  private final InternalPartitionService internal;
  private final String localNode;
  private final int minMembers;
  /**
   * The members now, by member UUID, with their node ids; this member's UUID; how many members hold data:
   * kept by a membership listener, as every request asks (Hazelcast's own answers look members up by
   * address, and allocate), and again after a merge, which changes this member's UUID.
   */
  private volatile Map<UUID, String> nodeIds = Map.of();
  private volatile UUID localUuid;
  private volatile int dataMembers;
  private final UUID membershipListener;
  private final UUID lifecycleListener;

  public PartitionTable(HazelcastInstance hazelcast, int minMembers) {
    this.hazelcast = hazelcast;
    this.minMembers = minMembers;
    this.localNode = nodeId(hazelcast.getCluster().getLocalMember());
    this.membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        noteMembers();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        noteMembers();
      }
    });
    this.lifecycleListener = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        noteMembers();
      }
    });
    noteMembers();
    this.internal = ((HazelcastInstanceProxy) hazelcast).getOriginal().node.getPartitionService();
    this.partitionCount = internal.getPartitionCount();
  }

  private void noteMembers() {
    Map<UUID, String> ids = new HashMap<>();
    int data = 0;
    for (Member m : hazelcast.getCluster().getMembers()) {
      ids.put(m.getUuid(), nodeId(m));
      data += m.isLiteMember() ? 0 : 1;
    }
    localUuid = hazelcast.getCluster().getLocalMember().getUuid();
    nodeIds = ids;
    dataMembers = data;
  }

  /** A member's node id: its Vert.x node id, or its UUID if it has none (it did not join through Vert.x). */
  public static String nodeId(Member member) {
    String id = member.getAttribute(NODE_ID_ATTRIBUTE);
    return id != null ? id : member.getUuid().toString();
  }

  /** Stops following the membership (the node left; its Hazelcast instance may live on). */
  public void close() {
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getCluster().removeMembershipListener(membershipListener);
    }
    hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
  }

  /** The partition holding {@code slot}, of {@code partitionCount}. */
  public static int partitionOf(int slot, int partitionCount) {
    return (int) ((long) slot * partitionCount / Slots.COUNT);
  }

  /** The first slot of {@code partition}, of {@code partitionCount}: its slots run up to the next one's first. */
  public static int firstSlot(int partition, int partitionCount) {
    return (int) (((long) partition * Slots.COUNT + partitionCount - 1) / partitionCount);
  }

  public int partitionCount() {
    return partitionCount;
  }

  /** The partition a slot is in. */
  public int partitionOfSlot(int slot) {
    return partitionOf(slot, partitionCount);
  }

  /**
   * The nodes holding a partition, by replica index: the owner first, then {@code backups} backups, null
   * where Hazelcast has assigned none (the cluster has fewer members, or it is still starting) or names a
   * member that has left.
   */
  public List<String> replicas(int partition, int backups) {
    InternalPartition p = internal.getPartition(partition);
    Map<UUID, String> ids = nodeIds;
    List<String> nodes = new ArrayList<>(backups + 1);
    for (int i = 0; i <= backups && i < InternalPartition.MAX_REPLICA_COUNT; i++) {
      PartitionReplica replica = p == null ? null : p.getReplica(i);
      nodes.add(replica == null ? null : nodeIdOf(replica.uuid(), ids));
    }
    return nodes;
  }

  /** The node id of the member with {@code uuid}, or null if it is no member: the listener may not have seen it join yet. */
  private String nodeIdOf(UUID uuid, Map<UUID, String> known) {
    String id = known.get(uuid);
    if (id == null) {
      for (Member m : hazelcast.getCluster().getMembers()) {
        if (m.getUuid().equals(uuid)) {
          return nodeId(m);
        }
      }
    }
    return id;
  }

  /** Where this node is among a partition's replicas: 0 owner, 1.. a backup; -1 none of the first {@code 1 + backups}. */
  public int localReplicaIndex(int partition, int backups) {
    return replicas(partition, backups).indexOf(localNode);
  }

  /**
   * Calls {@code listener} whenever a round of replica moves ends (a member joined or left); returns what
   * removes it.
   */
  public Runnable onMigration(Runnable listener) {
    java.util.UUID registration = hazelcast.getPartitionService().addMigrationListener(new MigrationListener() {
      @Override
      public void migrationStarted(MigrationState state) {}

      @Override
      public void migrationFinished(MigrationState state) {
        listener.run();
      }

      @Override
      public void replicaMigrationCompleted(ReplicaMigrationEvent event) {}

      @Override
      public void replicaMigrationFailed(ReplicaMigrationEvent event) {}
    });
    return () -> {
      if (hazelcast.getLifecycleService().isRunning()) {
        hazelcast.getPartitionService().removeMigrationListener(registration);
      }
    };
  }

  /**
   * Calls {@code listener} when this member begins to merge into another side of a split brain, before
   * Hazelcast resets it and it takes part in the other side's partition table (on Hazelcast's thread);
   * returns what removes it.
   */
  public Runnable onMerging(Runnable listener) {
    UUID registration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
        listener.run();
      }
    });
    return () -> hazelcast.getLifecycleService().removeLifecycleListener(registration);
  }

  /** This node's id: its Vert.x node id. */
  public String localNode() {
    return localNode;
  }

  /** The node that owns {@code slot} now, or null while Hazelcast has not assigned its partition (or its owner has just left). */
  public String owner(int slot) {
    PartitionReplica owner = ownerReplica(slot);
    return owner == null ? null : nodeIds.get(owner.uuid());
  }

  /** Whether this node owns {@code slot} now. */
  public boolean isLocal(int slot) {
    PartitionReplica owner = ownerReplica(slot);
    return owner != null && localUuid.equals(owner.uuid());
  }

  private PartitionReplica ownerReplica(int slot) {
    return internal.getPartition(partitionOf(slot, partitionCount)).getOwnerReplicaOrNull();
  }

  /**
   * The ids of the members that hold data, the oldest first: not Hazelcast's lite members (the Vert.x
   * services that consume ComDB over the event bus).
   */
  public List<String> members() {
    List<String> ids = new ArrayList<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (!m.isLiteMember()) {
        ids.add(nodeId(m));
      }
    }
    return ids;
  }

  /** Whether this side of the cluster has {@code cluster.minMembers} data members: if not, it takes no writes. */
  public boolean hasQuorum() {
    return dataMembers >= minMembers;
  }

  public int minMembers() {
    return minMembers;
  }

  /** A run of slots owned by one node, and backed up by the same {@code backups} (empty if not asked for). */
  public record SlotRange(int first, int last, String owner, List<String> backups) {}

  /** Every slot, as runs of one owner each (owner null where unassigned), in slot order. */
  public List<SlotRange> ranges() {
    return ranges(0);
  }

  /**
   * Every slot, as runs with one owner and the same first {@code backups} backups (those Hazelcast has
   * assigned), in slot order: what Redis Cluster's CLUSTER SLOTS lists as masters and replicas.
   */
  public List<SlotRange> ranges(int backups) {
    List<SlotRange> ranges = new ArrayList<>();
    int first = 0;
    List<String> holders = holders(0, backups);
    for (int slot = 1; slot <= Slots.COUNT; slot++) {
      List<String> next = slot == Slots.COUNT ? null : holders(slot, backups);
      if (slot == Slots.COUNT || !next.equals(holders)) {
        ranges.add(new SlotRange(first, slot - 1, holders.get(0), holders.subList(1, holders.size())));
        first = slot;
        holders = next;
      }
    }
    return ranges;
  }

  /** The owner of a slot (or null), then its assigned backups among the first {@code backups}. */
  private List<String> holders(int slot, int backups) {
    List<String> holders = new ArrayList<>();
    holders.add(owner(slot));
    if (backups > 0) {
      List<String> replicas = replicas(partitionOf(slot, partitionCount), backups);
      for (String backup : replicas.subList(1, replicas.size())) {
        if (backup != null) {
          holders.add(backup);
        }
      }
    }
    return holders;
  }

  /** The port a member's Hazelcast listens on (the nodes' own bus, Redis Cluster's cport), or 0 if unknown. */
  public int busPort(String node) {
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (nodeId(m).equals(node)) {
        return m.getAddress().getPort();
      }
    }
    return 0;
  }
}
