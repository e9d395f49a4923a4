package io.comdb.search;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One open memory space: its record, its memories' ages and heat, and its search index, all agreeing with
 * the engine's records up to {@link #indexedSeq}. Changes hold the space's monitor ({@code synchronized
 * (space)}) from the engine write to the index update; reads and searches do not.
 *
 * <p>Opened by {@link SpaceOpener} and held by {@link OpenSpaces}, which closes it when it has been cold
 * long enough for other spaces to take its place.
 */
final class Space {
  final String agentId;
  final byte[] agent;
  final SpaceIndex index;
  volatile MemoryCodec.SpaceRecord record;
  final ConcurrentSkipListMap<Age, Long> byAge = new ConcurrentSkipListMap<>();
  final Map<Long, Age> ages = new ConcurrentHashMap<>();
  final Map<Long, Heat> heat = new ConcurrentHashMap<>();
  /** Memories whose heat changed since it was last stored. */
  final Set<Long> heatChanged = ConcurrentHashMap.newKeySet();
  private final long heatHalfLifeMs;
  /** Every record of the space up to this engine sequence number is reflected here. */
  private volatile long indexedSeq;
  volatile boolean deleted;
  /** A write's outcome is unknown (it failed or timed out): the index may miss it, so the space is reopened. */
  volatile boolean suspect;

  Space(String agentId, byte[] agent, MemoryCodec.SpaceRecord record, SpaceIndex index, long heatHalfLifeMs) {
    this.agentId = agentId;
    this.agent = agent;
    this.record = record;
    this.index = index;
    this.heatHalfLifeMs = heatHalfLifeMs;
  }

  /** Records the memory's age (the index is updated by {@link #indexed}). */
  void aged(long seq, long createdAt) {
    Age age = new Age(createdAt, seq);
    Age old = ages.put(seq, age);
    if (old != null && !old.equals(age)) {
      byAge.remove(old);
    }
    byAge.put(age, seq);
    heat.computeIfAbsent(seq, s -> new Heat(heatHalfLifeMs, createdAt));
  }

  void indexed(long seq, Memory memory, float[] vector) {
    aged(seq, memory.createdAt());
    index.put(seq, memory, vector);
  }

  void removed(long seq) {
    Age age = ages.remove(seq);
    if (age != null) {
      byAge.remove(age);
    }
    heat.remove(seq);
    heatChanged.remove(seq);
    index.delete(seq);
  }

  /** The memory's heat, restored from its record. */
  void restoreHeat(long seq, Heat restored) {
    if (ages.containsKey(seq)) {
      heat.put(seq, restored);
    }
  }

  void heated(long seq, double score, long now) {
    Heat h = heat.get(seq);
    if (h != null) {
      h.add(score, now);
      heatChanged.add(seq);
    }
  }

  /** Called once a change's records, written as engine batch {@code seq}, are applied here. */
  void applied(long seq) {
    if (seq > indexedSeq) {
      indexedSeq = seq;
    }
  }

  long indexedSeq() {
    return indexedSeq;
  }

  int count() {
    return ages.size();
  }

  SpaceInfo info() {
    MemoryCodec.SpaceRecord r = record;
    return new SpaceInfo(agentId, r.capacity(), ages.size(), r.createdAt(), r.compressor(), r.compression());
  }

  byte[] key(byte kind, long seq) {
    return MemoryKeys.record(kind, agent, seq);
  }

  /** The memories just before and after {@code seq} in time. */
  List<Long> neighbours(long seq) {
    Age age = ages.get(seq);
    if (age == null) {
      return List.of();
    }
    List<Long> around = new ArrayList<>(2);
    Map.Entry<Age, Long> before = byAge.lowerEntry(age);
    Map.Entry<Age, Long> after = byAge.higherEntry(age);
    if (before != null) {
      around.add(before.getValue());
    }
    if (after != null) {
      around.add(after.getValue());
    }
    return around;
  }

  /** The sequence numbers of the {@code n} oldest memories. */
  List<Long> oldest(long n) {
    List<Long> seqs = new ArrayList<>();
    for (Iterator<Long> it = byAge.values().iterator(); seqs.size() < n && it.hasNext(); ) {
      seqs.add(it.next());
    }
    return seqs;
  }

  void checkLive() {
    if (deleted) {
      throw new NotFoundException("agent '" + agentId + "' has no memory space");
    }
  }

  /** The sequence number of a memory id the space holds. */
  long seqOf(String id) {
    long seq = MemoryKeys.seq(id);
    if (seq < 0 || !ages.containsKey(seq)) {
      throw noMemory(id);
    }
    return seq;
  }

  NotFoundException noMemory(String id) {
    return new NotFoundException("agent '" + agentId + "' has no memory '" + id + "'");
  }
}
