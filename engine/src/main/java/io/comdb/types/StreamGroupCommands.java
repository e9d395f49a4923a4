package io.comdb.types;

import io.comdb.types.Streams.Consumer;
import io.comdb.types.Streams.Entry;
import io.comdb.types.Streams.Group;
import io.comdb.types.Streams.Nack;
import io.comdb.types.Streams.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Consumer groups: XGROUP, XACK, XPENDING, XCLAIM and XAUTOCLAIM, with Redis 7.0's replies and errors
 * (XINFO is {@link StreamInfo}). XREADGROUP is {@link StreamReads}; {@link StreamGroup} keeps a group's counts while a command
 * changes it.
 */
final class StreamGroupCommands {
  private StreamGroupCommands() {}

  /** Redis 7.0's arity of each subcommand, name included ("xgroup|create" is -5). */
  private static final Map<String, Integer> ARITY = Map.of("XGROUP CREATE", -5, "XGROUP SETID", -5, "XGROUP DESTROY", 4,
      "XGROUP CREATECONSUMER", 5, "XGROUP DELCONSUMER", 5, "XGROUP HELP", 2, "XINFO STREAM", -3, "XINFO GROUPS", 3,
      "XINFO CONSUMERS", 4, "XINFO HELP", 2);

  static void register() {
    Commands.add("xgroup", -2, "write denyoom", 2, 2, 1, StreamGroupCommands::xgroup);
    Commands.add("xack", -4, "write fast", 1, 1, 1, StreamGroupCommands::xack);
    Commands.add("xpending", -3, "readonly", 1, 1, 1, StreamGroupCommands::xpending);
    Commands.add("xclaim", -6, "write fast", 1, 1, 1, StreamGroupCommands::xclaim);
    Commands.add("xautoclaim", -6, "write fast", 1, 1, 1, StreamGroupCommands::xautoclaim);
  }

  /** The subcommand's name, after checking it exists and its arity, as Redis 7's command table does. */
  static String subcommand(Call c, String command) {
    String sub = c.keyword(1);
    Integer arity = ARITY.get(command + " " + sub);
    if (arity == null) {
      throw new RedisError(Errors.unknownSubcommand(command, c.text(1)));
    }
    if (arity >= 0 ? c.argc() != arity : c.argc() < -arity) {
      throw new RedisError("ERR wrong number of arguments for '" + command.toLowerCase(java.util.Locale.ROOT) + "|"
          + sub.toLowerCase(java.util.Locale.ROOT) + "' command");
    }
    return sub;
  }

  static RedisError syntaxOfSubcommand(Call c, String command) {
    return new RedisError("ERR unknown subcommand or wrong number of arguments for '" + c.text(1) + "'. Try " + command + " HELP.");
  }

  private static Reply xgroup(Call c) throws IOException {
    String sub = subcommand(c, "XGROUP");
    if (sub.equals("HELP")) {
      return help("XGROUP", "CREATE <key> <groupname> <id|$> [option]", "    Create a new consumer group. Options are:",
          "    * MKSTREAM", "      Create the empty stream if it does not exist.", "    * ENTRIESREAD entries_read",
          "      Set the group's entries_read counter (internal use).", "CREATECONSUMER <key> <groupname> <consumer>",
          "    Create a new consumer in the specified group.", "DELCONSUMER <key> <groupname> <consumer>",
          "    Remove the specified consumer.", "DESTROY <key> <groupname>", "    Remove the specified group.",
          "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]", "    Set the current group ID and entries_read counter.");
    }
    boolean mkStream = false;
    long entriesRead = Streams.UNKNOWN;
    for (int i = 5; i < c.argc(); ) {
      if (sub.equals("CREATE") && c.keyword(i).equals("MKSTREAM")) {
        mkStream = true;
        i++;
      } else if ((sub.equals("CREATE") || sub.equals("SETID")) && c.keyword(i).equals("ENTRIESREAD") && i + 1 < c.argc()) {
        entriesRead = c.longArg(i + 1);
        if (entriesRead < 0 && entriesRead != Streams.UNKNOWN) {
          throw new RedisError("ERR value for ENTRIESREAD must be positive or -1");
        }
        i += 2;
      } else {
        throw syntaxOfSubcommand(c, "XGROUP");
      }
    }
    byte[] key = c.arg(2);
    byte[] name = c.arg(3);
    Meta m = c.meta(key, RedisType.STREAM);
    StreamGroup group = m == null ? null : StreamGroup.open(c, key, m, name);
    if (!mkStream) {
      if (m == null) {
        throw new RedisError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
            + "MKSTREAM option to create an empty stream automatically.");
      }
      if (group == null && (sub.equals("SETID") || sub.equals("CREATECONSUMER") || sub.equals("DELCONSUMER"))) {
        throw new RedisError("NOGROUP No such consumer group '" + StreamGroup.text(name) + "' for key name '" + StreamGroup.text(key) + "'");
      }
    }
    switch (sub) {
      case "CREATE" -> {
        if (c.argc() > 8) {
          throw syntaxOfSubcommand(c, "XGROUP");
        }
        StreamId id = dollar(c.arg(4)) ? (m == null ? StreamId.MIN : Streams.state(m).lastId()) : StreamId.parse(c.arg(4), 0, true);
        if (m == null) {
          m = Streams.newStream(c);
          Streams.putMeta(c, key, m, 0, State.NEW);
        }
        if (group != null) {
          throw new RedisError("BUSYGROUP Consumer Group name already exists");
        }
        Streams.putGroup(c, key, m, new Group(name, id, entriesRead, 0, 0));
        return Reply.OK;
      }
      case "SETID" -> {
        if (c.argc() != 5 && c.argc() != 7) {
          throw syntaxOfSubcommand(c, "XGROUP");
        }
        StreamId id = dollar(c.arg(4)) ? Streams.state(m).lastId() : StreamId.parse(c.arg(4), 0, false);
        group.setLastId(id, entriesRead);
        group.flush();
        return Reply.OK;
      }
      case "DESTROY" -> {
        if (group == null) {
          return Reply.ZERO;
        }
        Streams.deleteGroup(c, key, m, name);
        return Reply.ONE;
      }
      case "CREATECONSUMER" -> {
        boolean exists = group.consumer(c.arg(4), false, false) != null;
        group.consumer(c.arg(4), true, false);
        group.flush();
        return exists ? Reply.ZERO : Reply.ONE;
      }
      default -> { // DELCONSUMER
        Consumer consumer = group.consumer(c.arg(4), false, false);
        long pending = consumer == null ? 0 : group.deleteConsumer(consumer);
        group.flush();
        return Reply.integer(pending);
      }
    }
  }

  private static boolean dollar(byte[] arg) {
    return arg.length == 1 && arg[0] == '$';
  }

  private static Reply xack(Call c) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STREAM);
    StreamGroup group = m == null ? null : StreamGroup.open(c, key, m, c.arg(2));
    if (group == null) {
      return Reply.ZERO;
    }
    List<StreamId> ids = new ArrayList<>();
    for (int i = 3; i < c.argc(); i++) {
      ids.add(StreamId.parse(c.arg(i), 0, true));
    }
    java.util.Set<StreamId> acked = new java.util.HashSet<>();
    for (StreamId id : ids) {
      Nack nack = acked.contains(id) ? null : Streams.nack(c, key, m, group.group.name, id);
      if (nack != null) {
        group.remove(nack);
        acked.add(id);
      }
    }
    group.flush();
    return Reply.integer(acked.size());
  }

  private static Reply xpending(Call c) throws IOException {
    boolean summary = c.argc() == 3;
    if (!summary && (c.argc() < 6 || c.argc() > 9)) {
      throw Call.syntax();
    }
    long minIdle = 0;
    long count = 0;
    StreamId start = null;
    StreamId end = null;
    byte[] consumerName = null;
    if (!summary) {
      int at = 3;
      if (c.keyword(3).equals("IDLE")) {
        minIdle = c.longArg(4);
        if (c.argc() < 8) {
          throw Call.syntax();
        }
        at += 2;
      }
      count = Math.max(0, c.longArg(at + 2));
      start = StreamCommands.interval(c.arg(at), 0, true);
      end = StreamCommands.interval(c.arg(at + 1), -1, false);
      if (at + 3 < c.argc()) {
        consumerName = c.arg(at + 3);
      }
    }
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STREAM);
    StreamGroup group = m == null ? null : StreamGroup.open(c, key, m, c.arg(2));
    if (group == null) {
      throw new RedisError(StreamGroup.noGroup(key, c.arg(2)));
    }
    byte[] name = group.group.name;
    if (summary) {
      if (group.group.pending == 0) {
        return Reply.array(java.util.Arrays.asList(Reply.ZERO, Reply.NULL_BULK, Reply.NULL_BULK, Reply.NULL_ARRAY));
      }
      List<Nack> first = Streams.pending(c, key, m, name, StreamId.MIN, StreamId.MAX, 1);
      StreamId last = Streams.lastPending(c, key, m, name);
      List<Reply> owners = new ArrayList<>();
      for (Consumer consumer : Streams.consumers(c, key, m, name)) {
        if (consumer.pending > 0) {
          owners.add(Reply.array(List.of(Reply.bulk(consumer.name), Reply.bulk(Long.toString(consumer.pending)))));
        }
      }
      return Reply.array(List.of(Reply.integer(group.group.pending), first.get(0).id.reply(), last.reply(), Reply.array(owners)));
    }
    List<Nack> nacks;
    if (consumerName != null) {
      if (group.consumer(consumerName, false, false) == null) {
        return Reply.EMPTY_ARRAY;
      }
      nacks = new ArrayList<>();
      for (StreamId id : Streams.consumerPending(c, key, m, name, consumerName, start, end, 0)) {
        nacks.add(Streams.nack(c, key, m, name, id));
      }
    } else {
      nacks = Streams.pending(c, key, m, name, start, end, 0);
    }
    long now = c.now();
    List<Reply> out = new ArrayList<>();
    for (Nack n : nacks) {
      if (out.size() >= count) {
        break;
      }
      if (minIdle != 0 && now - n.deliveryTime < minIdle) {
        continue;
      }
      out.add(Reply.array(List.of(n.id.reply(), Reply.bulk(n.consumer), Reply.integer(Math.max(0, now - n.deliveryTime)),
          Reply.integer(n.deliveryCount))));
    }
    return Reply.array(out);
  }

  private static Reply xclaim(Call c) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STREAM);
    StreamGroup group = m == null ? null : StreamGroup.open(c, key, m, c.arg(2));
    if (group == null) {
      throw new RedisError(StreamGroup.noGroup(key, c.arg(2)));
    }
    long minIdle = Math.max(0, Numbers.parseLong(c.arg(4), "ERR Invalid min-idle-time argument for XCLAIM"));
    List<StreamId> ids = new ArrayList<>();
    int j = 5;
    for (; j < c.argc(); j++) {
      try {
        ids.add(StreamId.parse(c.arg(j), 0, true));
      } catch (RedisError e) {
        break; // perhaps the options begin
      }
    }
    long now = c.now();
    long deliveryTime = -1;
    long retryCount = -1;
    boolean force = false;
    boolean justId = false;
    StreamId lastId = StreamId.MIN;
    for (; j < c.argc(); j++) {
      boolean more = j + 1 < c.argc();
      String opt = c.keyword(j);
      if (opt.equals("FORCE")) {
        force = true;
      } else if (opt.equals("JUSTID")) {
        justId = true;
      } else if (opt.equals("IDLE") && more) {
        deliveryTime = now - Numbers.parseLong(c.arg(++j), "ERR Invalid IDLE option argument for XCLAIM");
      } else if (opt.equals("TIME") && more) {
        deliveryTime = Numbers.parseLong(c.arg(++j), "ERR Invalid TIME option argument for XCLAIM");
      } else if (opt.equals("RETRYCOUNT") && more) {
        retryCount = Numbers.parseLong(c.arg(++j), "ERR Invalid RETRYCOUNT option argument for XCLAIM");
      } else if (opt.equals("LASTID") && more) {
        lastId = StreamId.parse(c.arg(++j), 0, true);
      } else {
        throw new RedisError("ERR Unrecognized XCLAIM option '" + c.text(j) + "'");
      }
    }
    if (lastId.compareTo(group.group.lastId) > 0) {
      group.setLastId(lastId, group.group.entriesRead);
    }
    deliveryTime = deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now ? now : deliveryTime;
    Consumer consumer = null;
    List<Reply> out = new ArrayList<>();
    java.util.Set<StreamId> seen = new java.util.HashSet<>();
    for (StreamId id : ids) {
      Nack nack = Streams.nack(c, key, m, group.group.name, id);
      Entry entry = Streams.entry(c, key, m, id);
      if (entry == null) {
        if (nack != null && seen.add(id)) {
          group.remove(nack); // the entry is gone: so is its pending entry
        }
        continue;
      }
      boolean created = false;
      if (nack == null && force) {
        created = true;
      } else if (nack == null) {
        continue;
      }
      if (!created && minIdle != 0 && now - nack.deliveryTime < minIdle) {
        continue;
      }
      if (consumer == null) {
        consumer = group.consumer(c.arg(3), true, true);
      }
      long previousCount = created ? 1 : nack.deliveryCount; // a forced one starts at 1, as Redis creates it
      nack = group.assign(created ? null : nack, id, consumer);
      nack.deliveryTime = deliveryTime;
      nack.deliveryCount = retryCount >= 0 ? retryCount : justId ? previousCount : previousCount + 1;
      group.put(nack);
      out.add(justId ? id.reply() : entry.reply());
    }
    group.flush();
    return Reply.array(out);
  }

  private static Reply xautoclaim(Call c) throws IOException {
    long minIdle = Math.max(0, Numbers.parseLong(c.arg(4), "ERR Invalid min-idle-time argument for XAUTOCLAIM"));
    StreamId start = StreamCommands.interval(c.arg(5), 0, true);
    long count = 100;
    boolean justId = false;
    for (int j = 6; j < c.argc(); j++) {
      if (c.keyword(j).equals("COUNT") && j + 1 < c.argc()) {
        count = Numbers.parseLong(c.arg(++j), "ERR COUNT must be > 0");
        if (count < 1) {
          throw new RedisError("ERR COUNT must be > 0");
        }
      } else if (c.keyword(j).equals("JUSTID")) {
        justId = true;
      } else {
        throw Call.syntax();
      }
    }
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STREAM);
    StreamGroup group = m == null ? null : StreamGroup.open(c, key, m, c.arg(2));
    if (group == null) {
      throw new RedisError(StreamGroup.noGroup(key, c.arg(2)));
    }
    long now = c.now();
    long attempts = count * 10;
    Consumer consumer = null;
    List<Reply> claimed = new ArrayList<>();
    List<Reply> deleted = new ArrayList<>();
    // Enough pending entries to spend the attempts on, and one more: the cursor of the next call.
    List<Nack> nacks = Streams.pending(c, key, m, group.group.name, start, StreamId.MAX, attempts + 1);
    int i = 0;
    for (; i < nacks.size() && attempts-- > 0 && count > 0; i++) {
      Nack nack = nacks.get(i);
      Entry entry = Streams.entry(c, key, m, nack.id);
      if (entry == null) {
        group.remove(nack);
        deleted.add(nack.id.reply());
        count--;
        continue;
      }
      if (minIdle != 0 && now - nack.deliveryTime < minIdle) {
        continue;
      }
      if (consumer == null) {
        consumer = group.consumer(c.arg(3), true, true);
      }
      nack = group.assign(nack, nack.id, consumer);
      nack.deliveryTime = now;
      if (!justId) {
        nack.deliveryCount++;
      }
      group.put(nack);
      claimed.add(justId ? nack.id.reply() : entry.reply());
      count--;
    }
    StreamId next = i < nacks.size() ? nacks.get(i).id : StreamId.MIN;
    group.flush();
    return Reply.array(List.of(next.reply(), Reply.array(claimed), Reply.array(deleted)));
  }

  static Reply help(String command, String... lines) {
    List<Reply> out = new ArrayList<>();
    out.add(new Reply.Simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for (String line : lines) {
      out.add(new Reply.Simple(line));
    }
    out.add(new Reply.Simple("HELP"));
    out.add(new Reply.Simple("    Prints this help."));
    return Reply.array(out);
  }
}
