package io.comdb.verticles.resp;

import io.comdb.cluster.PartitionTable;
import io.comdb.cluster.Slots;
import io.comdb.types.Reply;
import io.comdb.verticles.cluster.ClusterNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code CLUSTER}, {@code READONLY} and {@code READWRITE}, as Redis Cluster answers them, from Hazelcast's
 * partition table. A node's RESP address is the one it announced ({@code resp.host}, its port); its
 * cluster bus port ({@code @cport} in CLUSTER NODES) is its Hazelcast member's. Hazelcast backs up each
 * partition on its own node, so no node copies all of another's slots: every node is a master, and
 * CLUSTER SLOTS lists each slot range's backups as that range's replicas. Not clustered, each answers
 * Redis's "cluster support disabled".
 */
final class ClusterCommand {
  static final String DISABLED = "ERR This instance has cluster support disabled";

  private ClusterCommand() {}

  static Reply run(RespConnection c, List<byte[]> args) {
    ClusterNode node = ClusterNode.of(c.vertx());
    if (!node.clustered()) {
      return Reply.error(DISABLED);
    }
    String name = SessionCommands.text(args.get(0)).toLowerCase(Locale.ROOT);
    if (!name.equals("cluster")) { // READONLY, READWRITE: only cluster-aware clients send them
      c.clusterAware = true;
      return Reply.OK;
    }
    String sub = SessionCommands.text(args.get(1)).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "KEYSLOT":
        return args.size() == 3 ? Reply.integer(Slots.of(args.get(2))) : wrongArity(sub);
      case "MYID":
        return args.size() == 2 ? Reply.bulk(ClusterNode.redisId(node.id())) : wrongArity(sub);
      case "INFO":
        return args.size() == 2 ? Reply.bulk(info(node)) : wrongArity(sub);
      case "SLOTS":
        c.clusterAware = true;
        return args.size() == 2 ? slots(node) : wrongArity(sub);
      case "SHARDS":
        c.clusterAware = true;
        return args.size() == 2 ? shards(node) : wrongArity(sub);
      case "NODES":
        c.clusterAware = true;
        return args.size() == 2 ? Reply.bulk(nodes(node)) : wrongArity(sub);
      default:
        return Reply.error("ERR unknown subcommand '" + SessionCommands.text(args.get(1)) + "'. Try CLUSTER HELP.");
    }
  }

  private static Reply wrongArity(String sub) {
    return Reply.error("ERR wrong number of arguments for 'cluster|" + sub.toLowerCase(Locale.ROOT) + "' command");
  }

  /** The slot ranges of each node that said where it listens, nodes in the order their ranges first come. */
  private static Map<String, List<PartitionTable.SlotRange>> byNode(ClusterNode node, List<PartitionTable.SlotRange> ranges) {
    Map<String, List<PartitionTable.SlotRange>> byNode = new LinkedHashMap<>();
    for (PartitionTable.SlotRange range : ranges) {
      if (range.owner() != null && node.endpoint(range.owner()) != null) {
        byNode.computeIfAbsent(range.owner(), k -> new ArrayList<>()).add(range);
      }
    }
    return byNode;
  }

  private static String info(ClusterNode node) {
    List<PartitionTable.SlotRange> ranges = node.table().ranges();
    int assigned = 0;
    for (PartitionTable.SlotRange range : ranges) {
      assigned += range.owner() == null ? 0 : range.last() - range.first() + 1;
    }
    int members = node.table().members().size();
    boolean ok = assigned == Slots.COUNT && node.hasQuorum();
    return "cluster_enabled:1\r\n"
        + "cluster_state:" + (ok ? "ok" : "fail") + "\r\n"
        + "cluster_slots_assigned:" + assigned + "\r\n"
        + "cluster_slots_ok:" + assigned + "\r\n"
        + "cluster_slots_pfail:0\r\n"
        + "cluster_slots_fail:" + (Slots.COUNT - assigned) + "\r\n"
        + "cluster_known_nodes:" + members + "\r\n"
        + "cluster_size:" + byNode(node, ranges).size() + "\r\n"
        + "comdb_partitions:" + node.table().partitionCount() + "\r\n"
        + "comdb_backups:" + node.backups() + "\r\n"
        + "comdb_partitions_held:" + node.partitionsHeld() + "\r\n"
        + "comdb_partitions_filling:" + node.partitionsFilling() + "\r\n"
        + "comdb_min_members:" + node.table().minMembers() + "\r\n";
  }

  private static Reply slots(ClusterNode node) {
    List<Reply> ranges = new ArrayList<>();
    for (PartitionTable.SlotRange range : node.table().ranges(node.backups())) {
      Reply master = range.owner() == null ? null : slotNode(node, range.owner());
      if (master == null) {
        continue;
      }
      List<Reply> entry = new ArrayList<>(List.of(Reply.integer(range.first()), Reply.integer(range.last()), master));
      for (String backup : range.backups()) {
        Reply replica = slotNode(node, backup);
        if (replica != null) {
          entry.add(replica);
        }
      }
      ranges.add(Reply.array(entry));
    }
    return Reply.array(ranges);
  }

  /** A node in CLUSTER SLOTS: host, port, id, no extra fields; null if it has not said where it listens. */
  private static Reply slotNode(ClusterNode node, String id) {
    ClusterNode.Endpoint at = node.endpoint(id);
    if (at == null || at.respPort() < 0) {
      return null;
    }
    return Reply.array(List.of(Reply.bulk(at.respHost()), Reply.integer(at.respPort()), Reply.bulk(ClusterNode.redisId(id)),
        Reply.EMPTY_ARRAY));
  }

  private static Reply shards(ClusterNode node) {
    List<Reply> shards = new ArrayList<>();
    byNode(node, node.table().ranges()).forEach((owner, ranges) -> {
      ClusterNode.Endpoint at = node.endpoint(owner);
      List<Reply> slots = new ArrayList<>();
      for (PartitionTable.SlotRange range : ranges) {
        slots.add(Reply.integer(range.first()));
        slots.add(Reply.integer(range.last()));
      }
      Reply member = new Reply.MapReply(List.of(
          Reply.bulk("id"), Reply.bulk(ClusterNode.redisId(owner)),
          Reply.bulk("port"), Reply.integer(at.respPort()),
          Reply.bulk("ip"), Reply.bulk(at.respHost()),
          Reply.bulk("endpoint"), Reply.bulk(at.respHost()),
          Reply.bulk("role"), Reply.bulk("master"),
          Reply.bulk("replication-offset"), Reply.integer(0),
          Reply.bulk("health"), Reply.bulk("online")));
      shards.add(new Reply.MapReply(List.of(Reply.bulk("slots"), Reply.array(slots),
          Reply.bulk("nodes"), Reply.array(List.of(member)))));
    });
    return Reply.array(shards);
  }

  private static String nodes(ClusterNode node) {
    StringBuilder b = new StringBuilder();
    Map<String, List<PartitionTable.SlotRange>> byNode = byNode(node, node.table().ranges());
    for (String member : node.table().members()) {
      ClusterNode.Endpoint at = node.endpoint(member);
      if (at == null) {
        continue;
      }
      b.append(ClusterNode.redisId(member)).append(' ').append(at.respHost()).append(':').append(at.respPort())
          .append('@').append(node.table().busPort(member)).append(' ')
          .append(member.equals(node.id()) ? "myself,master" : "master").append(" - 0 0 0 connected");
      for (PartitionTable.SlotRange range : byNode.getOrDefault(member, List.of())) {
        b.append(' ').append(range.first());
        if (range.last() != range.first()) {
          b.append('-').append(range.last());
        }
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Redis Cluster's redirection: {@code MOVED <slot> <host>:<port>}, or null if the owner's address is unknown. */
  static String moved(ClusterNode node, int slot, String owner) {
    ClusterNode.Endpoint at = node.endpoint(owner);
    return at == null || at.respPort() < 0 ? null : "MOVED " + slot + ' ' + at.respHost() + ':' + at.respPort();
  }
}
