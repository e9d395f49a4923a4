package io.comdb.verticles.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import io.comdb.cluster.PartitionTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * What a node held, kept in its data directory across restarts, and the copies it offers a cluster that
 * restarted ({@link ReplicaVerticle} decides what to keep and what to fill).
 *
 * <p>The file, {@code cluster-holdings}, has three lines, rewritten whole (temp file, rename): {@code node
 * <name>}, the node's name, the same across restarts (its node id is new at each start), the writer named
 * in the {@link PartitionVersion}s it writes; {@code members <name>,<name>,...}, the names of the cluster's
 * members; and {@code partitions <p>,<p>,...}, those the node held whole. A file of the partitions alone, as
 * earlier versions wrote it, is read too (and a {@code members} line with a count: no names known).
 *
 * <p>Offers go in a Hazelcast multimap: partition → {@link Offer#encode()}; and under {@link #OFFERS_MADE},
 * {@code <node id> <name>} of each member that has made all of its offers.
 */
final class Holdings {
  private static final String CANDIDATES = "comdb.candidates";
  private static final int OFFERS_MADE = -1;
  private static final String FILE = "cluster-holdings";

  /**
   * A copy of a partition that a node held before a restart, and how new it is: its {@link PartitionVersion}'s
   * counter, and whether that node wrote the version (then it was the owner, and has every write of it).
   */
  record Offer(String node, long counter, boolean writer) implements Comparable<Offer> {
    String encode() {
      return node + ' ' + counter + ' ' + writer;
    }

    static Offer decode(String text) {
      String[] f = text.split(" ");
      return new Offer(f[0], Long.parseLong(f[1]), Boolean.parseBoolean(f[2]));
    }

    /** Newer first: the higher counter, then the writer's copy. */
    @Override
    public int compareTo(Offer other) {
      int c = Long.compare(other.counter, counter);
      return c != 0 ? c : Boolean.compare(other.writer, writer);
    }
  }

  private final HazelcastInstance hazelcast;
  private final PartitionTable table;
  private final Path file;
  /** Partitions this node held whole when it last ran, not yet held again, filled over or dropped. */
  private final Set<Integer> persisted = ConcurrentHashMap.newKeySet();
  /** What this node offers of each of {@link #persisted}, as put in {@link #CANDIDATES}. */
  private final Map<Integer, String> offered = new ConcurrentHashMap<>();
  /** The names of the members the cluster had when this node last ran (empty: not known). */
  private final Set<String> membersBefore = new TreeSet<>();
  private String name;
  /** What {@link #save} last wrote. */
  private String saved;

  private Holdings(HazelcastInstance hazelcast, PartitionTable table, Path dataDir) {
    this.hazelcast = hazelcast;
    this.table = table;
    this.file = dataDir.resolve(FILE);
  }

  /** Reads what the node in {@code dataDir} held when it last ran; a node that never ran gets its name. */
  static Holdings load(HazelcastInstance hazelcast, PartitionTable table, Path dataDir) throws IOException {
    Holdings holdings = new Holdings(hazelcast, table, dataDir);
    if (Files.exists(holdings.file)) {
      for (String line : Files.readAllLines(holdings.file)) {
        String[] f = line.trim().split(" ", 2);
        switch (f[0]) {
          case "node" -> holdings.name = f[1];
          case "members" -> holdings.readMembers(f.length > 1 ? f[1] : "");
          case "partitions" -> holdings.readPartitions(f.length > 1 ? f[1] : "");
          default -> holdings.readPartitions(f[0]); // the partitions alone, as earlier versions wrote them
        }
      }
    }
    if (holdings.name == null) {
      holdings.name = UUID.randomUUID().toString();
      holdings.save(Set.of()); // before any version names it as writer
    }
    return holdings;
  }

  private void readMembers(String list) {
    for (String member : list.split(",")) {
      if (!member.isEmpty() && !member.chars().allMatch(Character::isDigit)) { // a count, as one version wrote: no names
        membersBefore.add(member);
      }
    }
  }

  private void readPartitions(String list) {
    for (String p : list.split(",")) {
      if (!p.isEmpty()) {
        persisted.add(Integer.parseInt(p));
      }
    }
  }

  /**
   * Writes this node's name, the cluster's members, and the partitions it holds ({@code held}) with those of
   * its last run it still keeps. While copies of the last run wait to be reconciled, the members the cluster
   * had then are kept: a restart meanwhile waits for as many again.
   */
  void save(Set<Integer> held) throws IOException {
    Set<Integer> all = new TreeSet<>(held);
    all.addAll(persisted);
    Set<String> members = new TreeSet<>(namesOffered());
    if (!persisted.isEmpty()) {
      members.addAll(membersBefore);
    }
    String text = "node " + name + "\nmembers " + String.join(",", members) + "\npartitions "
        + all.stream().map(String::valueOf).collect(Collectors.joining(",")) + "\n";
    synchronized (file) {
      if (text.equals(saved)) {
        return;
      }
      Files.createDirectories(file.getParent()); // at join, before the engine made the data directory
      Path temp = file.resolveSibling(FILE + ".tmp");
      Files.writeString(temp, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
          StandardOpenOption.SYNC);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      saved = text;
    }
  }

  /** This node's name: the same across its restarts, unlike its node id. */
  String name() {
    return name;
  }

  /** The names of the members the cluster had when this node last ran (empty if not known). */
  Set<String> membersBefore() {
    return membersBefore;
  }

  /**
   * Offers the partitions this node held when it last ran, for a cluster that restarts to fill from, each
   * with its version as {@code version} reads it from this node's engine. Blocks.
   */
  void offer(String self, IntFunction<PartitionVersion> version) {
    MultiMap<Integer, String> candidates = hazelcast.getMultiMap(CANDIDATES);
    for (int p : persisted) {
      PartitionVersion v = version.apply(p);
      String offer = new Offer(self, v.counter(), v.writer().equals(name)).encode();
      offered.put(p, offer);
      candidates.put(p, offer);
    }
    candidates.put(OFFERS_MADE, self + ' ' + name); // after them: a member found here has offered all it will
  }

  /** The offers of live members other than {@code self} of copies of {@code partition} held before a restart. Blocks. */
  List<Offer> offers(int partition, String self) {
    List<String> members = table.members();
    List<Offer> live = new ArrayList<>();
    for (String text : hazelcast.<Integer, String>getMultiMap(CANDIDATES).get(partition)) {
      Offer offer = Offer.decode(text);
      if (members.contains(offer.node()) && !offer.node().equals(self)) {
        live.add(offer);
      }
    }
    return live;
  }

  /** Whether any live member offers copies from before a restart. Blocks. */
  boolean anyOffers() {
    List<String> members = table.members();
    MultiMap<Integer, String> candidates = hazelcast.getMultiMap(CANDIDATES);
    return candidates.entrySet().stream().anyMatch(e -> e.getKey() != OFFERS_MADE && members.contains(Offer.decode(e.getValue()).node()));
  }

  /** The names of the live members, this one included once it has, that have made their offers. Blocks. */
  Set<String> namesOffered() {
    List<String> members = table.members();
    Set<String> names = new TreeSet<>();
    for (String made : hazelcast.<Integer, String>getMultiMap(CANDIDATES).get(OFFERS_MADE)) {
      String[] f = made.split(" ");
      if (members.contains(f[0])) {
        names.add(f[1]);
      }
    }
    return names;
  }

  /** The members the cluster had when this node last ran that have not made their offers yet. Blocks. */
  Set<String> membersNotBack() {
    Set<String> missing = new TreeSet<>(membersBefore);
    missing.removeAll(namesOffered());
    return missing;
  }

  /** What this node offered of {@code partition}, if it has a copy from before a restart. */
  Offer own(int partition) {
    String text = offered.get(partition);
    return text == null ? null : Offer.decode(text);
  }

  /** Whether this node has a copy of {@code partition} it held whole when it last ran, not yet reconciled. */
  boolean has(int partition) {
    return persisted.contains(partition);
  }

  /** The partitions of the last run this node still keeps. */
  Set<Integer> partitions() {
    return persisted;
  }

  /** The copy of the last run is held again, refilled or dropped: no longer offered. Blocks. */
  void forget(int partition) {
    if (persisted.remove(partition)) {
      String offer = offered.remove(partition);
      if (offer != null) {
        hazelcast.<Integer, String>getMultiMap(CANDIDATES).remove(partition, offer);
      }
    }
  }
}
