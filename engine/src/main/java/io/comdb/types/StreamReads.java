package io.comdb.types;

import io.comdb.types.Streams.Consumer;
import io.comdb.types.Streams.Entry;
import io.comdb.types.Streams.Nack;
import io.comdb.types.Streams.State;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * XREAD and XREADGROUP, parsed and served as Redis's {@code xreadCommand}: each stream that has something
 * after the given ID answers at once; if none does and BLOCK was given, the command answers
 * {@link Blocking#WOULD_BLOCK} and the writer runs it again after a write to one of its streams, with the
 * arguments {@link #waitingArgs} gives.
 */
final class StreamReads {
  private static final byte[] DOLLAR = {'$'};
  private static final byte[] GREATER = {'>'};

  private StreamReads() {}

  static Reply read(Call c, boolean withGroup) throws IOException {
    long timeout = -1;
    long count = 0;
    int streamsAt = 0;
    int streams = 0;
    boolean noAck = false;
    byte[] groupName = null;
    byte[] consumerName = null;
    for (int i = 1; i < c.argc(); i++) {
      int more = c.argc() - i - 1;
      String opt = c.keyword(i);
      if (opt.equals("BLOCK") && more > 0) {
        if (c.isFromScript()) { // Redis keeps this refusal for Lua, where a blocked read could never wake
          throw new RedisError("ERR " + c.text(0) + " command is not allowed with BLOCK option from scripts");
        }
        timeout = blockMillis(c.arg(++i), true);
      } else if (opt.equals("COUNT") && more > 0) {
        count = Math.max(0, c.longArg(++i));
      } else if (opt.equals("STREAMS") && more > 0) {
        streamsAt = i + 1;
        if ((c.argc() - streamsAt) % 2 != 0) {
          throw new RedisError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        }
        streams = (c.argc() - streamsAt) / 2;
        break;
      } else if (opt.equals("GROUP") && more >= 2) {
        if (!withGroup) {
          throw new RedisError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        }
        groupName = c.arg(i + 1);
        consumerName = c.arg(i + 2);
        i += 2;
      } else if (opt.equals("NOACK")) {
        if (!withGroup) {
          throw new RedisError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        }
        noAck = true;
      } else {
        throw Call.syntax();
      }
    }
    if (streamsAt == 0) {
      throw Call.syntax();
    }
    if (withGroup && groupName == null) {
      throw new RedisError("ERR Missing GROUP option for XREADGROUP");
    }
    Meta[] metas = new Meta[streams];
    StreamId[] after = new StreamId[streams];
    Map<ByteBuffer, StreamGroup> groups = new HashMap<>();
    for (int i = 0; i < streams; i++) {
      byte[] key = c.arg(streamsAt + i);
      byte[] id = c.arg(streamsAt + streams + i);
      metas[i] = c.meta(key, RedisType.STREAM);
      if (groupName != null) {
        StreamGroup g = metas[i] == null ? null : groups.get(ByteBuffer.wrap(key));
        g = g != null || metas[i] == null ? g : StreamGroup.open(c, key, metas[i], groupName);
        if (g == null) {
          throw new RedisError(StreamGroup.noGroup(key, groupName) + " in XREADGROUP with GROUP option");
        }
        groups.put(ByteBuffer.wrap(key), g);
      }
      if (Arrays.equals(id, DOLLAR)) {
        if (withGroup) {
          throw new RedisError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
              + "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
        }
        after[i] = metas[i] == null ? StreamId.MIN : Streams.state(metas[i]).lastId();
      } else if (Arrays.equals(id, GREATER)) {
        if (!withGroup) {
          throw new RedisError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
        }
        after[i] = StreamId.MAX; // as Redis marks ">"
      } else {
        after[i] = StreamId.parse(id, 0, true);
      }
    }
    List<Reply> out = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      byte[] key = c.arg(streamsAt + i);
      Meta m = metas[i];
      if (m == null) {
        continue;
      }
      StreamGroup group = groupName == null ? null : groups.get(ByteBuffer.wrap(key));
      StreamId gt = after[i];
      boolean history = false;
      boolean serve = false;
      if (group != null) {
        if (!gt.equals(StreamId.MAX)) {
          serve = true;
          history = true;
        } else if (m.size() > 0 && Streams.edge(c, key, m, true).compareTo(group.group.lastId) > 0) {
          serve = true;
          gt = group.group.lastId;
        }
      } else if (m.size() > 0) {
        serve = Streams.edge(c, key, m, true).compareTo(gt) > 0;
      }
      if (!serve) {
        continue;
      }
      StreamId start = gt.next() != null ? gt.next() : gt;
      List<Reply> entries;
      if (group == null) {
        entries = replies(Streams.range(c, key, m, start, StreamId.MAX, false, count));
      } else {
        Consumer consumer = group.consumer(consumerName, true, true);
        entries = history ? history(c, key, m, group, consumer, start, count) : deliver(c, key, m, group, consumer, start, count, noAck);
      }
      out.add(Reply.bulk(key));
      out.add(Reply.array(entries));
    }
    groups.values().forEach(StreamGroup::flush);
    if (!out.isEmpty()) {
      return new Reply.KeyedArrays(out);
    }
    return timeout != -1 ? Blocking.WOULD_BLOCK : Reply.NULL_ARRAY;
  }

  /** New entries for a group: each advances the group and, unless NOACK, becomes pending for the consumer. */
  private static List<Reply> deliver(Call c, byte[] key, Meta m, StreamGroup group, Consumer consumer, StreamId start, long count,
      boolean noAck) throws IOException {
    State state = Streams.state(m);
    StreamId first = Streams.edge(c, key, m, false);
    List<Reply> out = new ArrayList<>();
    for (Entry e : Streams.range(c, key, m, start, StreamId.MAX, false, count)) {
      if (e.id().compareTo(group.group.lastId) > 0) {
        group.advance(e.id(), state, m.size(), first == null ? StreamId.MIN : first);
      }
      if (!noAck) {
        Nack nack = group.assign(Streams.nack(c, key, m, group.group.name, e.id()), e.id(), consumer);
        nack.deliveryTime = c.now();
        nack.deliveryCount = 1;
        group.put(nack);
      }
      out.add(e.reply());
    }
    return out;
  }

  /** A consumer's own pending entries from {@code start}: delivered again (an entry deleted since answers a null). */
  private static List<Reply> history(Call c, byte[] key, Meta m, StreamGroup group, Consumer consumer, StreamId start, long count)
      throws IOException {
    List<Reply> out = new ArrayList<>();
    for (StreamId id : Streams.consumerPending(c, key, m, group.group.name, consumer.name, start, StreamId.MAX, count)) {
      Entry e = Streams.entry(c, key, m, id);
      if (e == null) {
        out.add(Reply.array(Arrays.asList(id.reply(), Reply.NULL_ARRAY)));
        continue;
      }
      Nack nack = Streams.nack(c, key, m, group.group.name, id);
      if (nack != null) {
        nack.deliveryTime = c.now();
        nack.deliveryCount++;
        group.put(nack);
      }
      out.add(e.reply());
    }
    return out;
  }

  private static List<Reply> replies(List<Entry> entries) {
    List<Reply> out = new ArrayList<>(entries.size());
    entries.forEach(e -> out.add(e.reply()));
    return out;
  }

  /** BLOCK's milliseconds, checked as Redis checks them; unchecked, an invalid one is 0. */
  private static long blockMillis(byte[] arg, boolean checked) {
    long ms;
    try {
      ms = Numbers.parseLong(arg, "ERR timeout is not an integer or out of range");
    } catch (RedisError e) {
      if (checked) {
        throw e;
      }
      return 0;
    }
    if (ms < 0 && checked) {
      throw new RedisError(Errors.TIMEOUT_NEGATIVE);
    }
    return Math.max(ms, 0);
  }

  /** XREAD's BLOCK timeout in milliseconds (0: forever), or 0 without BLOCK: it then never waits. */
  static long timeoutMillis(List<byte[]> args) {
    for (int i = 1; i + 1 < args.size(); i++) {
      String opt = new String(args.get(i), java.nio.charset.StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT);
      if (opt.equals("STREAMS")) {
        break;
      }
      if (opt.equals("BLOCK")) {
        return blockMillis(args.get(i + 1), false);
      }
    }
    return 0;
  }

  /** The streams XREAD reads: the first half of what follows STREAMS. */
  static List<byte[]> keys(List<byte[]> args) {
    for (int i = 1; i < args.size(); i++) {
      if (new String(args.get(i), java.nio.charset.StandardCharsets.UTF_8).equalsIgnoreCase("STREAMS")) {
        int n = (args.size() - i - 1) / 2;
        return args.subList(i + 1, i + 1 + n);
      }
    }
    return List.of();
  }

  /**
   * XREAD's (or XREADGROUP's) arguments for the runs after it blocked: each {@code $} turned into its
   * stream's last ID now, and {@code COUNT 1000} added when there is no COUNT, as Redis serves blocked readers.
   */
  static List<byte[]> waitingArgs(io.comdb.engine.Reads reads, long now, int db, List<byte[]> args) throws IOException {
    List<byte[]> keys = keys(args);
    if (keys.isEmpty()) {
      return args;
    }
    List<byte[]> out = new ArrayList<>(args);
    int idsAt = args.size() - keys.size();
    for (int i = 0; i < keys.size(); i++) {
      if (Arrays.equals(args.get(idsAt + i), DOLLAR)) {
        byte[] raw = reads.get(KeySpace.metaKey(db, keys.get(i)));
        Meta m = raw == null ? null : Meta.decode(raw);
        boolean stream = m != null && !m.expired(now) && m.type() == RedisType.STREAM;
        StreamId last = stream ? Streams.state(m).lastId() : StreamId.MIN;
        out.set(idsAt + i, last.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
    }
    int streamsAt = idsAt - keys.size() - 1;
    boolean counted = false;
    for (int i = 1; i < streamsAt; i++) { // the options as read() reads them: BLOCK n, COUNT n, GROUP g c, NOACK
      String opt = new String(args.get(i), java.nio.charset.StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT);
      counted |= opt.equals("COUNT");
      i += opt.equals("GROUP") ? 2 : opt.equals("BLOCK") || opt.equals("COUNT") ? 1 : 0;
    }
    if (!counted) {
      out.addAll(streamsAt, List.of("COUNT".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          "1000".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
    return out;
  }
}
