package io.comdb.types;

import io.comdb.types.Streams.Entry;
import io.comdb.types.Streams.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream commands without consumer groups: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID and
 * XREAD (with XREADGROUP, which shares its parsing). Replies and errors are Redis 7.0's; {@link Streams}
 * says how a stream is stored.
 */
final class StreamCommands {
  private StreamCommands() {}

  static void register() {
    Commands.add("xadd", -5, "write denyoom fast", 1, 1, 1, StreamCommands::xadd);
    Commands.add("xrange", -4, "readonly", 1, 1, 1, c -> xrange(c, false));
    Commands.add("xrevrange", -4, "readonly", 1, 1, 1, c -> xrange(c, true));
    Commands.add("xlen", 2, "readonly fast", 1, 1, 1, c -> {
      Meta m = c.meta(c.arg(1), RedisType.STREAM);
      return Reply.integer(m == null ? 0 : m.size());
    });
    Commands.add("xdel", -3, "write fast", 1, 1, 1, StreamCommands::xdel);
    Commands.add("xtrim", -4, "write", 1, 1, 1, StreamCommands::xtrim);
    Commands.add("xsetid", -3, "write denyoom fast", 1, 1, 1, StreamCommands::xsetid);
    Commands.add("xread", -4, "readonly blocking movablekeys", 0, 0, 0, c -> StreamReads.read(c, false));
    Commands.add("xreadgroup", -7, "write blocking movablekeys", 0, 0, 0, c -> StreamReads.read(c, true));
  }

  /** MAXLEN or MINID, exact or approximate (~), with LIMIT: XADD's and XTRIM's trimming. */
  record Trim(boolean byLength, boolean approx, long limit, long maxLength, StreamId minId) {}

  /** XADD's and XTRIM's options, as Redis's {@code streamParseAddOrTrimArgsOrReply}; for XADD, {@code idAt} is where the ID is. */
  private record AddOrTrim(Trim trim, boolean noMkStream, int idAt, StreamId.Given id) {
    static AddOrTrim parse(Call c, boolean xadd) {
      Boolean byLength = null;
      boolean approx = false;
      long maxLength = 0;
      StreamId minId = null;
      long limit = 0;
      boolean limitGiven = false;
      boolean noMkStream = false;
      StreamId.Given id = null;
      int i = 2;
      for (; i < c.argc(); i++) {
        boolean more = i + 1 < c.argc();
        String opt = c.keyword(i);
        if (xadd && opt.equals("*")) {
          break;
        } else if ((opt.equals("MAXLEN") || opt.equals("MINID")) && more) {
          if (byLength != null) {
            throw new RedisError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
          }
          approx = false;
          String next = c.text(i + 1);
          if (i + 2 < c.argc() && (next.equals("~") || next.equals("="))) {
            approx = next.equals("~");
            i++;
          }
          if (opt.equals("MAXLEN")) {
            maxLength = c.longArg(i + 1);
            if (maxLength < 0) {
              throw new RedisError("ERR The MAXLEN argument must be >= 0.");
            }
          } else {
            minId = StreamId.parse(c.arg(i + 1), 0, true);
          }
          byLength = opt.equals("MAXLEN");
          i++;
        } else if (opt.equals("LIMIT") && more) {
          limit = c.longArg(i + 1);
          if (limit < 0) {
            throw new RedisError("ERR The LIMIT argument must be >= 0.");
          }
          limitGiven = true;
          i++;
        } else if (xadd && opt.equals("NOMKSTREAM")) {
          noMkStream = true;
        } else if (xadd) {
          id = StreamId.parseForAdd(c.arg(i));
          break;
        } else {
          throw Call.syntax();
        }
      }
      if (limit != 0 && byLength == null) {
        throw new RedisError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
      }
      if (!xadd && byLength == null) {
        throw new RedisError("ERR syntax error, XTRIM must be called with a trimming strategy");
      }
      if (limitGiven && !approx) {
        throw new RedisError("ERR syntax error, LIMIT cannot be used without the special ~ option");
      }
      if (!limitGiven && approx) {
        limit = 10_000; // Redis's default: 100 nodes of 100 entries
      }
      Trim trim = byLength == null ? null : new Trim(byLength, approx, limit, maxLength, minId);
      return new AddOrTrim(trim, noMkStream, i, id);
    }
  }

  private static Reply xadd(Call c) throws IOException {
    AddOrTrim args = AddOrTrim.parse(c, true);
    int fieldsAt = args.idAt() + 1;
    if (c.argc() - fieldsAt < 2 || (c.argc() - fieldsAt) % 2 == 1) {
      throw new RedisError(Errors.wrongArity("xadd"));
    }
    if (args.id() != null && args.id().seqGiven() && args.id().id().isZero()) {
      throw new RedisError("ERR The ID specified in XADD must be greater than 0-0");
    }
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STREAM);
    if (m == null && args.noMkStream()) {
      return Reply.NULL_BULK;
    }
    if (m == null) {
      m = Streams.newStream(c);
    }
    State state = Streams.state(m);
    if (state.lastId().equals(StreamId.MAX)) {
      throw new RedisError("ERR The stream has exhausted the last possible ID, unable to add more items");
    }
    StreamId id = nextId(c, state.lastId(), args.id());
    if (id == null || id.compareTo(state.lastId()) <= 0) {
      throw new RedisError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    }
    Streams.putEntry(c, key, m, id, c.args.subList(fieldsAt, c.argc()));
    long length = m.size() + 1;
    state = new State(id, state.entriesAdded() + 1, state.maxDeletedId());
    if (args.trim() != null) {
      // The entry just added is not among those read here (the batch is not applied yet): it is the newest.
      length -= trim(c, key, m, length, args.trim(), id);
    }
    Streams.putMeta(c, key, m, length, state);
    return id.reply();
  }

  /** The ID XADD gives an entry: the one given, or the next after {@code last} (by the clock for {@code *}). */
  private static StreamId nextId(Call c, StreamId last, StreamId.Given given) {
    if (given == null) {
      long now = c.now();
      return Long.compareUnsigned(now, last.ms()) > 0 ? new StreamId(now, 0) : last.next();
    }
    if (given.seqGiven()) {
      return given.id();
    }
    if (last.ms() != given.id().ms()) {
      return given.id();
    }
    return last.seq() == -1 ? null : new StreamId(last.ms(), last.seq() + 1);
  }

  /**
   * Deletes the oldest entries as {@code trim} says, counting {@code added} (an entry this command added,
   * not readable yet) in the length; returns how many went. Exact, or with ~ at most LIMIT entries: where
   * Redis's ~ removes only whole nodes of its radix tree, ComDB has none and removes entries one by one.
   */
  static long trim(Call c, byte[] key, Meta m, long length, Trim trim, StreamId added) throws IOException {
    long most = trim.byLength() ? Math.max(0, length - trim.maxLength()) : Long.MAX_VALUE;
    if (trim.approx() && trim.limit() > 0) {
      most = Math.min(most, trim.limit());
    }
    if (most == 0) {
      return 0;
    }
    StreamId end = trim.byLength() ? StreamId.MAX : trim.minId().previous();
    if (end == null) {
      return 0;
    }
    List<StreamId> doomed = new ArrayList<>();
    for (Entry e : Streams.range(c, key, m, StreamId.MIN, end, false, most == Long.MAX_VALUE ? 0 : most)) {
      doomed.add(e.id());
    }
    if (added != null && doomed.size() < most && added.compareTo(end) <= 0) {
      doomed.add(added); // trimmed at once: MAXLEN 0, or MINID past it
    }
    for (StreamId id : doomed) {
      Streams.deleteEntry(c, key, m, id);
    }
    return doomed.size();
  }

  private static Reply xrange(Call c, boolean rev) throws IOException {
    byte[] startArg = c.arg(rev ? 3 : 2);
    byte[] endArg = c.arg(rev ? 2 : 3);
    StreamId start = interval(startArg, 0, true);
    StreamId end = interval(endArg, -1, false);
    long count = -1;
    for (int i = 4; i < c.argc(); i++) {
      if (c.keyword(i).equals("COUNT") && i + 1 < c.argc()) {
        count = Math.max(0, c.longArg(++i));
      } else {
        throw Call.syntax();
      }
    }
    Meta m = c.meta(c.arg(1), RedisType.STREAM);
    if (m == null) {
      return Reply.EMPTY_ARRAY;
    }
    if (count == 0) {
      return Reply.NULL_ARRAY;
    }
    return entries(Streams.range(c, c.arg(1), m, start, end, rev, Math.max(count, 0)));
  }

  /** A range bound: an ID, {@code -} or {@code +}, or an exclusive {@code (id}; {@code start} for the low end. */
  static StreamId interval(byte[] arg, long missingSeq, boolean start) {
    boolean exclusive = arg.length > 1 && arg[0] == '(';
    if (!exclusive) {
      return StreamId.parse(arg, missingSeq, false);
    }
    StreamId id = StreamId.parse(java.util.Arrays.copyOfRange(arg, 1, arg.length), missingSeq, true);
    StreamId moved = start ? id.next() : id.previous();
    if (moved == null) {
      throw new RedisError(start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
    }
    return moved;
  }

  static Reply entries(List<Entry> entries) {
    List<Reply> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(e.reply());
    }
    return Reply.array(out);
  }

  private static Reply xdel(Call c) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STREAM);
    if (m == null) {
      return Reply.ZERO;
    }
    List<StreamId> ids = new ArrayList<>();
    for (int i = 2; i < c.argc(); i++) {
      ids.add(StreamId.parse(c.arg(i), 0, true));
    }
    State state = Streams.state(m);
    StreamId maxDeleted = state.maxDeletedId();
    java.util.Set<StreamId> deleted = new java.util.HashSet<>();
    for (StreamId id : ids) {
      if (!deleted.contains(id) && Streams.entry(c, key, m, id) != null) {
        Streams.deleteEntry(c, key, m, id);
        deleted.add(id);
        maxDeleted = id.compareTo(maxDeleted) > 0 ? id : maxDeleted;
      }
    }
    if (!deleted.isEmpty()) {
      Streams.putMeta(c, key, m, m.size() - deleted.size(), new State(state.lastId(), state.entriesAdded(), maxDeleted));
    }
    return Reply.integer(deleted.size());
  }

  private static Reply xtrim(Call c) throws IOException {
    Trim trim = AddOrTrim.parse(c, false).trim();
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STREAM);
    if (m == null) {
      return Reply.ZERO;
    }
    long deleted = trim(c, key, m, m.size(), trim, null);
    if (deleted > 0) {
      Streams.putMeta(c, key, m, m.size() - deleted, Streams.state(m));
    }
    return Reply.integer(deleted);
  }

  private static Reply xsetid(Call c) throws IOException {
    StreamId id = StreamId.parse(c.arg(2), 0, true);
    long entriesAdded = -1;
    StreamId maxDeleted = StreamId.MIN;
    for (int i = 3; i < c.argc(); i++) {
      boolean more = i + 1 < c.argc();
      String opt = c.keyword(i);
      if (opt.equals("ENTRIESADDED") && more) {
        entriesAdded = c.longArg(++i);
        if (entriesAdded < 0) {
          throw new RedisError("ERR entries_added must be positive");
        }
      } else if (opt.equals("MAXDELETEDID") && more) {
        maxDeleted = StreamId.parse(c.arg(++i), 0, true);
        if (id.compareTo(maxDeleted) < 0) {
          throw new RedisError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        }
      } else {
        throw Call.syntax();
      }
    }
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STREAM);
    if (m == null) {
      throw new RedisError("ERR no such key");
    }
    State state = Streams.state(m);
    if (m.size() > 0) {
      if (id.compareTo(Streams.edge(c, key, m, true)) < 0) {
        throw new RedisError("ERR The ID specified in XSETID is smaller than the target stream top item");
      }
      if (entriesAdded != -1 && m.size() > entriesAdded) {
        throw new RedisError("ERR The entries_added specified in XSETID is smaller than the target stream length");
      }
    }
    Streams.putMeta(c, key, m, m.size(), new State(id, entriesAdded != -1 ? entriesAdded : state.entriesAdded(),
        maxDeleted.isZero() ? state.maxDeletedId() : maxDeleted));
    return Reply.OK;
  }
}
