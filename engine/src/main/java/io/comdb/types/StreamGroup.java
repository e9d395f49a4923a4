package io.comdb.types;

import io.comdb.types.Streams.Consumer;
import io.comdb.types.Streams.Group;
import io.comdb.types.Streams.Nack;
import io.comdb.types.Streams.State;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One consumer group as one command reads and changes it: the group, the consumers it touched and the
 * counts they keep (pending entries, consumers), written back once by {@link #flush}. A command's reads do
 * not see its own writes until it completes, so each record is read once and changed here.
 *
 * <p>Also Redis's read counters: {@code entries-read} and {@code lag} stay exact while no deleted entry lies
 * ahead of the group, and are estimated (or unknown) otherwise, as Redis 7.0 estimates them.
 */
final class StreamGroup {
  private final Call c;
  private final byte[] key;
  private final Meta m;
  final Group group;
  private final Map<ByteBuffer, Consumer> consumers = new LinkedHashMap<>();
  private final Map<ByteBuffer, Consumer> changed = new LinkedHashMap<>();
  private boolean groupChanged;

  private StreamGroup(Call c, byte[] key, Meta m, Group group) {
    this.c = c;
    this.key = key;
    this.m = m;
    this.group = group;
  }

  /** The group of that name, or null if the stream has none. */
  static StreamGroup open(Call c, byte[] key, Meta m, byte[] name) throws IOException {
    Group g = Streams.group(c, key, m, name);
    return g == null ? null : new StreamGroup(c, key, m, g);
  }

  static String noGroup(byte[] key, byte[] group) {
    return "NOGROUP No such key '" + text(key) + "' or consumer group '" + text(group) + "'";
  }

  static String text(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * A consumer of the group: created when missing and {@code create}; its seen time set to now when
   * {@code refresh}. Null if it is missing and not created.
   */
  Consumer consumer(byte[] name, boolean create, boolean refresh) throws IOException {
    ByteBuffer k = ByteBuffer.wrap(name);
    Consumer consumer = consumers.get(k);
    if (consumer == null) {
      consumer = Streams.consumer(c, key, m, group.name, name);
      if (consumer == null && create) {
        consumer = new Consumer(name, c.now(), 0);
        group.consumers++;
        groupChanged = true;
        changed.put(k, consumer);
      }
      if (consumer != null) {
        consumers.put(k, consumer);
      }
    }
    if (consumer != null && refresh) {
      consumer.seenTime = c.now();
      changed.put(k, consumer);
    }
    return consumer;
  }

  /** Deletes a consumer with its pending entries; returns how many it had. */
  long deleteConsumer(Consumer consumer) throws IOException {
    long pending = 0;
    for (StreamId id : Streams.consumerPending(c, key, m, group.name, consumer.name, StreamId.MIN, StreamId.MAX, 0)) {
      Streams.deleteNack(c, key, m, group.name, new Nack(id, consumer.name, 0, 0), false);
      pending++;
    }
    group.pending -= pending;
    group.consumers--;
    groupChanged = true;
    ByteBuffer k = ByteBuffer.wrap(consumer.name);
    consumers.remove(k);
    changed.remove(k);
    Streams.deleteConsumer(c, key, m, group.name, consumer.name);
    return pending;
  }

  /** Advances the group's last delivered ID to {@code id} (greater than it), keeping its read counter. */
  void advance(StreamId id, State state, long length, StreamId first) {
    if (group.entriesRead != Streams.UNKNOWN && !hasTombstones(state, length, first, id)) {
      group.entriesRead++;
    } else if (state.entriesAdded() != 0) {
      group.entriesRead = distanceFromFirst(state, length, first, id);
    }
    group.lastId = id;
    groupChanged = true;
  }

  void setLastId(StreamId id, long entriesRead) {
    group.lastId = id;
    group.entriesRead = entriesRead;
    groupChanged = true;
  }

  /**
   * Gives a pending entry to {@code to}: {@code nack} (null for a new one) changes owner if another
   * consumer had it; the delivery time and count are the caller's to set.
   */
  Nack assign(Nack nack, StreamId id, Consumer to) throws IOException {
    if (nack == null) {
      nack = new Nack(id, to.name, 0, 0);
      group.pending++;
      groupChanged = true;
      to.pending++;
      changed.put(ByteBuffer.wrap(to.name), to);
    } else if (!java.util.Arrays.equals(nack.consumer, to.name)) {
      Consumer from = consumer(nack.consumer, false, false);
      Streams.deleteNack(c, key, m, group.name, nack, true);
      if (from != null) {
        from.pending--;
        changed.put(ByteBuffer.wrap(from.name), from);
      }
      nack.consumer = to.name;
      to.pending++;
      changed.put(ByteBuffer.wrap(to.name), to);
    }
    return nack;
  }

  /** Writes a pending entry's new state (after {@link #assign} or a change of time or count). */
  void put(Nack nack) {
    Streams.putNack(c, key, m, group.name, nack);
  }

  /** Removes a pending entry (acknowledged, or of an entry deleted since). */
  void remove(Nack nack) throws IOException {
    Streams.deleteNack(c, key, m, group.name, nack, false);
    group.pending--;
    groupChanged = true;
    Consumer owner = consumer(nack.consumer, false, false);
    if (owner != null) {
      owner.pending--;
      changed.put(ByteBuffer.wrap(owner.name), owner);
    }
  }

  /** Writes back the group and the consumers this command changed. */
  void flush() {
    if (groupChanged) {
      Streams.putGroup(c, key, m, group);
    }
    for (Consumer consumer : changed.values()) {
      Streams.putConsumer(c, key, m, group.name, consumer);
    }
    changed.clear();
    groupChanged = false;
  }

  /** Whether a deleted entry may lie at or after {@code start}: Redis's {@code streamRangeHasTombstones}. */
  static boolean hasTombstones(State s, long length, StreamId first, StreamId start) {
    if (length == 0 || s.maxDeletedId().isZero() || first.compareTo(s.maxDeletedId()) > 0) {
      return false;
    }
    return start.compareTo(s.maxDeletedId()) <= 0;
  }

  /** The read counter of {@code id}, or {@link Streams#UNKNOWN}: Redis's {@code streamEstimateDistanceFromFirstEverEntry}. */
  static long distanceFromFirst(State s, long length, StreamId first, StreamId id) {
    if (s.entriesAdded() == 0) {
      return 0;
    }
    if (length == 0 && id.compareTo(s.lastId()) < 1) {
      return s.entriesAdded();
    }
    int toLast = id.compareTo(s.lastId());
    if (toLast == 0) {
      return s.entriesAdded();
    } else if (toLast > 0) {
      return Streams.UNKNOWN;
    }
    int toFirst = id.compareTo(first);
    if (s.maxDeletedId().isZero() || s.maxDeletedId().compareTo(first) < 0) {
      if (toFirst < 0) {
        return s.entriesAdded() - length;
      } else if (toFirst == 0) {
        return s.entriesAdded() - length + 1;
      }
    }
    return Streams.UNKNOWN;
  }

  /** The group's lag (entries not yet delivered), or null when it cannot be known. */
  static Reply lag(State s, long length, StreamId first, Group g) {
    if (s.entriesAdded() == 0) {
      return Reply.ZERO;
    }
    if (g.entriesRead != Streams.UNKNOWN && !hasTombstones(s, length, first, g.lastId)) {
      return Reply.integer(s.entriesAdded() - g.entriesRead);
    }
    long read = distanceFromFirst(s, length, first, g.lastId);
    return read == Streams.UNKNOWN ? Reply.NULL_BULK : Reply.integer(s.entriesAdded() - read);
  }
}
