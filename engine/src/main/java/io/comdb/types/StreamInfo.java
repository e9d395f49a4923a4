package io.comdb.types;

import io.comdb.types.Streams.Consumer;
import io.comdb.types.Streams.Entry;
import io.comdb.types.Streams.Group;
import io.comdb.types.Streams.Nack;
import io.comdb.types.Streams.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** XINFO STREAM, GROUPS and CONSUMERS, with Redis 7.0's fields (but the two that describe Redis's memory layout). */
final class StreamInfo {
  private StreamInfo() {}

  static void register() {
    Commands.add("xinfo", -2, "readonly", 2, 2, 1, StreamInfo::xinfo);
  }

  private static Reply xinfo(Call c) throws IOException {
    String sub = StreamGroupCommands.subcommand(c, "XINFO");
    if (sub.equals("HELP")) {
      return StreamGroupCommands.help("XINFO", "CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
          "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]", "    Show information about the stream.");
    }
    byte[] key = c.arg(2);
    Meta m = c.meta(key, RedisType.STREAM);
    if (m == null) {
      throw new RedisError("ERR no such key");
    }
    State state = Streams.state(m);
    StreamId firstOrNull = Streams.edge(c, key, m, false);
    StreamId first = firstOrNull == null ? StreamId.MIN : firstOrNull;
    switch (sub) {
      case "CONSUMERS" -> {
        if (c.argc() != 4) {
          throw StreamGroupCommands.syntaxOfSubcommand(c, "XINFO");
        }
        if (Streams.group(c, key, m, c.arg(3)) == null) {
          throw new RedisError("NOGROUP No such consumer group '" + c.text(3) + "' for key name '" + StreamGroup.text(key) + "'");
        }
        List<Reply> out = new ArrayList<>();
        long now = c.now();
        for (Consumer consumer : Streams.consumers(c, key, m, c.arg(3))) {
          out.add(new Reply.MapReply(List.of(Reply.bulk("name"), Reply.bulk(consumer.name), Reply.bulk("pending"),
              Reply.integer(consumer.pending), Reply.bulk("idle"), Reply.integer(Math.max(0, now - consumer.seenTime)))));
        }
        return Reply.array(out);
      }
      case "GROUPS" -> {
        List<Reply> out = new ArrayList<>();
        for (Group g : Streams.groups(c, key, m)) {
          out.add(new Reply.MapReply(List.of(Reply.bulk("name"), Reply.bulk(g.name), Reply.bulk("consumers"), Reply.integer(g.consumers),
              Reply.bulk("pending"), Reply.integer(g.pending), Reply.bulk("last-delivered-id"), g.lastId.reply(),
              Reply.bulk("entries-read"), g.entriesRead == Streams.UNKNOWN ? Reply.NULL_BULK : Reply.integer(g.entriesRead),
              Reply.bulk("lag"), StreamGroup.lag(state, m.size(), first, g))));
        }
        return Reply.array(out);
      }
      default -> {
        return streamInfo(c, key, m, state, first);
      }
    }
  }

  /**
   * XINFO STREAM [FULL [COUNT n]]: Redis's fields but radix-tree-keys and radix-tree-nodes, which describe
   * Redis's memory layout (ComDB has no radix tree: a stream is records on the KV).
   */
  private static Reply streamInfo(Call c, byte[] key, Meta m, State state, StreamId first) throws IOException {
    boolean full = c.argc() > 3;
    long count = 10;
    if (full) {
      if (c.argc() != 4 && c.argc() != 6 || !c.keyword(3).equals("FULL") || c.argc() == 6 && !c.keyword(4).equals("COUNT")) {
        throw StreamGroupCommands.syntaxOfSubcommand(c, "XINFO");
      }
      if (c.argc() == 6) {
        count = c.longArg(5);
        count = count < 0 ? 10 : count;
      }
    }
    List<Reply> out = new ArrayList<>(List.of(Reply.bulk("length"), Reply.integer(m.size()), Reply.bulk("last-generated-id"),
        state.lastId().reply(), Reply.bulk("max-deleted-entry-id"), state.maxDeletedId().reply(), Reply.bulk("entries-added"),
        Reply.integer(state.entriesAdded()), Reply.bulk("recorded-first-entry-id"), first.reply()));
    List<Group> groups = Streams.groups(c, key, m);
    if (!full) {
      List<Entry> firstEntry = Streams.range(c, key, m, StreamId.MIN, StreamId.MAX, false, 1);
      List<Entry> lastEntry = Streams.range(c, key, m, StreamId.MIN, StreamId.MAX, true, 1);
      out.addAll(List.of(Reply.bulk("groups"), Reply.integer(groups.size()),
          Reply.bulk("first-entry"), firstEntry.isEmpty() ? Reply.NULL_BULK : firstEntry.get(0).reply(),
          Reply.bulk("last-entry"), lastEntry.isEmpty() ? Reply.NULL_BULK : lastEntry.get(0).reply()));
      return new Reply.MapReply(out);
    }
    out.add(Reply.bulk("entries"));
    out.add(StreamCommands.entries(Streams.range(c, key, m, StreamId.MIN, StreamId.MAX, false, count)));
    List<Reply> groupInfos = new ArrayList<>();
    for (Group g : groups) {
      List<Reply> pending = new ArrayList<>();
      for (Nack n : Streams.pending(c, key, m, g.name, StreamId.MIN, StreamId.MAX, count)) {
        pending.add(Reply.array(List.of(n.id.reply(), Reply.bulk(n.consumer), Reply.integer(n.deliveryTime), Reply.integer(n.deliveryCount))));
      }
      List<Reply> consumers = new ArrayList<>();
      for (Consumer consumer : Streams.consumers(c, key, m, g.name)) {
        List<Reply> own = new ArrayList<>();
        for (StreamId id : Streams.consumerPending(c, key, m, g.name, consumer.name, StreamId.MIN, StreamId.MAX, count)) {
          Nack n = Streams.nack(c, key, m, g.name, id);
          own.add(Reply.array(List.of(id.reply(), Reply.integer(n.deliveryTime), Reply.integer(n.deliveryCount))));
        }
        consumers.add(new Reply.MapReply(List.of(Reply.bulk("name"), Reply.bulk(consumer.name), Reply.bulk("seen-time"),
            Reply.integer(consumer.seenTime), Reply.bulk("pel-count"), Reply.integer(consumer.pending), Reply.bulk("pending"),
            Reply.array(own))));
      }
      groupInfos.add(new Reply.MapReply(List.of(Reply.bulk("name"), Reply.bulk(g.name), Reply.bulk("last-delivered-id"),
          g.lastId.reply(), Reply.bulk("entries-read"), g.entriesRead == Streams.UNKNOWN ? Reply.NULL_BULK : Reply.integer(g.entriesRead),
          Reply.bulk("lag"), StreamGroup.lag(state, m.size(), first, g), Reply.bulk("pel-count"), Reply.integer(g.pending),
          Reply.bulk("pending"), Reply.array(pending), Reply.bulk("consumers"), Reply.array(consumers))));
    }
    out.add(Reply.bulk("groups"));
    out.add(Reply.array(groupInfos));
    return new Reply.MapReply(out);
  }
}
