package io.comdb.types;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a stream is stored on the KV, as the other collections are: a metadata record (its size is the
 * stream's length, its value the {@link State}) and sub-keys whose member starts with a kind byte:
 *
 * <pre>
 * entry          00 id:16                                  → field/value pairs ({@link #encodeFields})
 * group          01 group                                  → last-delivered id:16, entries-read:8, pending:8, consumers:8
 * consumer       02 len(group):4 group consumer            → seen-time:8, pending:8
 * pending entry  03 len(group):4 group id:16               → delivery-time:8, delivery-count:8, consumer
 * consumer's     04 len(group):4 group len(consumer):4 consumer id:16 → ""
 * </pre>
 *
 * IDs are big-endian, so entries and pending entries sort by ID and a range is a seek plus a walk. Unlike
 * the other types, a stream outlives its last entry (as in Redis).
 */
final class Streams {
  static final byte ENTRY = 0;
  static final byte GROUP = 1;
  static final byte CONSUMER = 2;
  static final byte PENDING = 3;
  static final byte CONSUMER_PENDING = 4;
  /** Redis's {@code SCG_INVALID_ENTRIES_READ}: a group whose read counter is not known. */
  static final long UNKNOWN = -1;
  private static final byte[] EMPTY = new byte[0];

  private Streams() {}

  /** What the metadata holds besides the length: the last ID generated, entries ever added, the greatest ID deleted. */
  record State(StreamId lastId, long entriesAdded, StreamId maxDeletedId) {
    static final State NEW = new State(StreamId.MIN, 0, StreamId.MIN);

    byte[] encode() {
      return ByteBuffer.allocate(40).put(lastId.bytes()).putLong(entriesAdded).put(maxDeletedId.bytes()).array();
    }

    static State decode(byte[] b) {
      return new State(StreamId.of(b, 0), ByteBuffer.wrap(b, 16, 8).getLong(), StreamId.of(b, 24));
    }
  }

  /** An entry: its ID and its fields and values, alternating. */
  record Entry(StreamId id, List<byte[]> fields) {
    Reply reply() {
      return Reply.array(List.of(id.reply(), Reply.bulks(fields)));
    }
  }

  /** A consumer group as one command reads and changes it; {@link #putGroup} writes it back. */
  static final class Group {
    final byte[] name;
    StreamId lastId;
    long entriesRead;
    long pending;
    long consumers;

    Group(byte[] name, StreamId lastId, long entriesRead, long pending, long consumers) {
      this.name = name;
      this.lastId = lastId;
      this.entriesRead = entriesRead;
      this.pending = pending;
      this.consumers = consumers;
    }
  }

  /** A consumer of a group. */
  static final class Consumer {
    final byte[] name;
    long seenTime;
    long pending;

    Consumer(byte[] name, long seenTime, long pending) {
      this.name = name;
      this.seenTime = seenTime;
      this.pending = pending;
    }
  }

  /** A pending entry of a group: delivered to {@code consumer}, not acknowledged. */
  static final class Nack {
    final StreamId id;
    byte[] consumer;
    long deliveryTime;
    long deliveryCount;

    Nack(StreamId id, byte[] consumer, long deliveryTime, long deliveryCount) {
      this.id = id;
      this.consumer = consumer;
      this.deliveryTime = deliveryTime;
      this.deliveryCount = deliveryCount;
    }
  }

  static State state(Meta m) {
    return State.decode(m.value());
  }

  static Meta newStream(Call c) {
    return new Meta(RedisType.STREAM, c.newVersion(), 0, 0, 0, State.NEW.encode());
  }

  /** Writes the stream's metadata: its length and state. */
  static void putMeta(Call c, byte[] key, Meta m, long length, State state) throws IOException {
    c.batch().putMeta(c.db, key, new Meta(RedisType.STREAM, m.version(), m.expireAt(), length, 0, state.encode()));
  }

  // ---- entries

  static byte[] entryMember(StreamId id) {
    return ByteBuffer.allocate(17).put(ENTRY).put(id.bytes()).array();
  }

  static byte[] encodeFields(List<byte[]> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LengthPrefixed.writeVarint(out, fields.size() / 2);
    for (byte[] f : fields) {
      LengthPrefixed.writeBytes(out, f);
    }
    return out.toByteArray();
  }

  static List<byte[]> decodeFields(byte[] value) {
    ByteBuffer in = ByteBuffer.wrap(value);
    long pairs = LengthPrefixed.readVarint(in);
    List<byte[]> out = new ArrayList<>((int) pairs * 2);
    for (long i = 0; i < pairs * 2; i++) {
      out.add(LengthPrefixed.readBytes(in));
    }
    return out;
  }

  static void putEntry(Call c, byte[] key, Meta m, StreamId id, List<byte[]> fields) {
    c.batch().putSub(c.db, key, m, entryMember(id), encodeFields(fields));
  }

  static void deleteEntry(Call c, byte[] key, Meta m, StreamId id) {
    c.batch().deleteSub(c.db, key, m, entryMember(id));
  }

  static Entry entry(Call c, byte[] key, Meta m, StreamId id) throws IOException {
    byte[] value = c.sub(c.db, key, m, entryMember(id));
    return value == null ? null : new Entry(id, decodeFields(value));
  }

  /**
   * The entries from {@code start} to {@code end} inclusive, in ID order or reversed, at most {@code count}
   * (0: all): a seek, then a walk over what is returned.
   */
  static List<Entry> range(Call c, byte[] key, Meta m, StreamId start, StreamId end, boolean rev, long count) throws IOException {
    List<Entry> out = new ArrayList<>();
    if (start.compareTo(end) > 0) {
      return out;
    }
    byte[] prefix = KeySpace.subKey(c.db, key, m.version(), new byte[] {ENTRY});
    IteratorOptions options = IteratorOptions.prefix(prefix);
    try (EngineIterator it = c.reads().iterator(rev ? options.reversed() : options)) {
      it.seek(concat(prefix, (rev ? end : start).bytes()));
      for (; it.isValid() && (count == 0 || out.size() < count); it.next()) {
        StreamId id = StreamId.of(it.key(), prefix.length);
        if (rev ? id.compareTo(start) < 0 : id.compareTo(end) > 0) {
          break;
        }
        byte[] value = it.value();
        if (value != null) {
          out.add(new Entry(id, decodeFields(value)));
        }
      }
    }
    return out;
  }

  /** The first entry's ID (the last's when {@code last}), or null for an empty stream. */
  static StreamId edge(Call c, byte[] key, Meta m, boolean last) {
    return edgeId(c, key, m, new byte[] {ENTRY}, last);
  }

  /** The first (or last) ID among the sub-keys whose member is {@code memberPrefix} and an ID: one step, no value read. */
  private static StreamId edgeId(Call c, byte[] key, Meta m, byte[] memberPrefix, boolean last) {
    byte[] prefix = KeySpace.subKey(c.db, key, m.version(), memberPrefix);
    IteratorOptions options = IteratorOptions.prefix(prefix);
    try (EngineIterator it = c.reads().iterator(last ? options.reversed() : options)) {
      return it.isValid() ? StreamId.of(it.key(), prefix.length) : null;
    }
  }

  // ---- groups, consumers, pending entries

  private static byte[] groupScoped(byte kind, byte[] group, int extra) {
    return ByteBuffer.allocate(1 + 4 + group.length + extra).put(kind).putInt(group.length).put(group).array();
  }

  static Group group(Call c, byte[] key, Meta m, byte[] name) throws IOException {
    byte[] v = c.sub(c.db, key, m, concat(new byte[] {GROUP}, name));
    return v == null ? null : decodeGroup(name, v);
  }

  private static Group decodeGroup(byte[] name, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v, 16, 24);
    return new Group(name, StreamId.of(v, 0), b.getLong(), b.getLong(), b.getLong());
  }

  /** Every group of the stream, by name. */
  static List<Group> groups(Call c, byte[] key, Meta m) throws IOException {
    List<Group> out = new ArrayList<>();
    for (byte[][] sub : subs(c, key, m, new byte[] {GROUP})) {
      out.add(decodeGroup(Arrays.copyOfRange(sub[0], 1, sub[0].length), sub[1]));
    }
    return out;
  }

  static void putGroup(Call c, byte[] key, Meta m, Group g) {
    byte[] v = ByteBuffer.allocate(40).put(g.lastId.bytes()).putLong(g.entriesRead).putLong(g.pending).putLong(g.consumers).array();
    c.batch().putSub(c.db, key, m, concat(new byte[] {GROUP}, g.name), v);
  }

  /** Deletes a group with its consumers and pending entries. */
  static void deleteGroup(Call c, byte[] key, Meta m, byte[] group) throws IOException {
    for (byte kind : new byte[] {CONSUMER, PENDING, CONSUMER_PENDING}) {
      for (byte[][] sub : subs(c, key, m, groupScoped(kind, group, 0))) {
        c.batch().deleteSub(c.db, key, m, sub[0]);
      }
    }
    c.batch().deleteSub(c.db, key, m, concat(new byte[] {GROUP}, group));
  }

  private static byte[] consumerMember(byte[] group, byte[] name) {
    return ByteBuffer.wrap(groupScoped(CONSUMER, group, name.length)).position(5 + group.length).put(name).array();
  }

  static Consumer consumer(Call c, byte[] key, Meta m, byte[] group, byte[] name) throws IOException {
    byte[] v = c.sub(c.db, key, m, consumerMember(group, name));
    return v == null ? null : new Consumer(name, ByteBuffer.wrap(v).getLong(), ByteBuffer.wrap(v).getLong(8));
  }

  /** A group's consumers, by name. */
  static List<Consumer> consumers(Call c, byte[] key, Meta m, byte[] group) throws IOException {
    byte[] prefix = groupScoped(CONSUMER, group, 0);
    List<Consumer> out = new ArrayList<>();
    for (byte[][] sub : subs(c, key, m, prefix)) {
      ByteBuffer v = ByteBuffer.wrap(sub[1]);
      out.add(new Consumer(Arrays.copyOfRange(sub[0], prefix.length, sub[0].length), v.getLong(), v.getLong()));
    }
    return out;
  }

  static void putConsumer(Call c, byte[] key, Meta m, byte[] group, Consumer consumer) {
    c.batch().putSub(c.db, key, m, consumerMember(group, consumer.name),
        ByteBuffer.allocate(16).putLong(consumer.seenTime).putLong(consumer.pending).array());
  }

  static void deleteConsumer(Call c, byte[] key, Meta m, byte[] group, byte[] name) {
    c.batch().deleteSub(c.db, key, m, consumerMember(group, name));
  }

  private static byte[] pendingMember(byte[] group, StreamId id) {
    return ByteBuffer.wrap(groupScoped(PENDING, group, 16)).position(5 + group.length).put(id.bytes()).array();
  }

  private static byte[] consumerPendingPrefix(byte[] group, byte[] consumer) {
    return ByteBuffer.wrap(groupScoped(CONSUMER_PENDING, group, 4 + consumer.length)).position(5 + group.length)
        .putInt(consumer.length).put(consumer).array();
  }

  static Nack nack(Call c, byte[] key, Meta m, byte[] group, StreamId id) throws IOException {
    byte[] v = c.sub(c.db, key, m, pendingMember(group, id));
    return v == null ? null : decodeNack(id, v);
  }

  private static Nack decodeNack(StreamId id, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    return new Nack(id, Arrays.copyOfRange(v, 16, v.length), b.getLong(), b.getLong());
  }

  /** Writes a pending entry, in the group's list and its consumer's. */
  static void putNack(Call c, byte[] key, Meta m, byte[] group, Nack n) {
    c.batch().putSub(c.db, key, m, pendingMember(group, n.id),
        ByteBuffer.allocate(16 + n.consumer.length).putLong(n.deliveryTime).putLong(n.deliveryCount).put(n.consumer).array());
    c.batch().putSub(c.db, key, m, concat(consumerPendingPrefix(group, n.consumer), n.id.bytes()), EMPTY);
  }

  /** Removes a pending entry from its consumer's list (and from the group's, unless {@code keepInGroup}). */
  static void deleteNack(Call c, byte[] key, Meta m, byte[] group, Nack n, boolean keepInGroup) {
    if (!keepInGroup) {
      c.batch().deleteSub(c.db, key, m, pendingMember(group, n.id));
    }
    c.batch().deleteSub(c.db, key, m, concat(consumerPendingPrefix(group, n.consumer), n.id.bytes()));
  }

  /** A group's pending entries from {@code start} to {@code end}, at most {@code count} (0: all). */
  static List<Nack> pending(Call c, byte[] key, Meta m, byte[] group, StreamId start, StreamId end, long count) throws IOException {
    byte[] prefix = groupScoped(PENDING, group, 0);
    List<Nack> out = new ArrayList<>();
    walk(c, key, m, prefix, start, end, count, (id, v) -> out.add(decodeNack(id, v)));
    return out;
  }

  /** A group's greatest pending ID, or null if it has none: one step from the end. */
  static StreamId lastPending(Call c, byte[] key, Meta m, byte[] group) {
    return edgeId(c, key, m, groupScoped(PENDING, group, 0), true);
  }

  /** The IDs a consumer has pending, from {@code start} to {@code end}, at most {@code count} (0: all). */
  static List<StreamId> consumerPending(Call c, byte[] key, Meta m, byte[] group, byte[] consumer, StreamId start, StreamId end,
      long count) throws IOException {
    List<StreamId> out = new ArrayList<>();
    walk(c, key, m, consumerPendingPrefix(group, consumer), start, end, count, (id, v) -> out.add(id));
    return out;
  }

  /** Receives the ID a sub-key ends with, and its value. */
  @FunctionalInterface
  private interface ById {
    void accept(StreamId id, byte[] value);
  }

  private static void walk(Call c, byte[] key, Meta m, byte[] memberPrefix, StreamId start, StreamId end, long count, ById each)
      throws IOException {
    byte[] prefix = KeySpace.subKey(c.db, key, m.version(), memberPrefix);
    long taken = 0;
    try (EngineIterator it = c.reads().iterator(IteratorOptions.prefix(prefix))) {
      it.seek(concat(prefix, start.bytes()));
      for (; it.isValid() && (count == 0 || taken < count); it.next()) {
        StreamId id = StreamId.of(it.key(), prefix.length);
        if (id.compareTo(end) > 0) {
          break;
        }
        byte[] value = it.value();
        if (value != null) {
          each.accept(id, value);
          taken++;
        }
      }
    }
  }

  /** The sub-keys whose member starts with {@code memberPrefix}: member and value. */
  private static List<byte[][]> subs(Call c, byte[] key, Meta m, byte[] memberPrefix) throws IOException {
    byte[] prefix = KeySpace.subKey(c.db, key, m.version(), memberPrefix);
    int memberStart = prefix.length - memberPrefix.length;
    List<byte[][]> out = new ArrayList<>();
    try (EngineIterator it = c.reads().iterator(IteratorOptions.prefix(prefix))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value != null) {
          out.add(new byte[][] {KeySpace.member(it.key(), memberStart), value});
        }
      }
    }
    return out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
