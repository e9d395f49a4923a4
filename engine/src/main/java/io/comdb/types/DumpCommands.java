package io.comdb.types;

import java.io.IOException;
import java.util.List;

/**
 * DUMP and RESTORE, with Redis 7.0's options and errors, over ComDB's own payload ({@link DumpPayload}):
 * a value dumped by ComDB restores into ComDB, not into Redis, and the reverse. IDLETIME and FREQ are
 * checked and have no effect: ComDB keeps no access times or counts.
 */
final class DumpCommands {
  private DumpCommands() {}

  static void register() {
    Commands.add("dump", 2, "readonly random", 1, 1, 1, DumpCommands::dump);
    Commands.add("restore", -4, "write denyoom", 1, 1, 1, DumpCommands::restore);
  }

  private static Reply dump(Call c) throws IOException {
    Meta m = c.meta(c.arg(1));
    if (m == null) {
      return Reply.NULL_BULK;
    }
    // A list's sub-keys come in index order (indexes are stored order-preserving): head first.
    List<byte[][]> entries = m.type() == RedisType.STRING ? List.of() : c.subs(c.db, c.arg(1), m);
    return Reply.bulk(DumpPayload.encode(new DumpPayload.Contents(m.type(), m.value(), entries)));
  }

  /** RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], checked in Redis's order. */
  private static Reply restore(Call c) throws IOException {
    boolean replace = false;
    boolean absTtl = false;
    boolean idle = false;
    boolean freq = false;
    for (int i = 4; i < c.argc(); i++) {
      String opt = c.keyword(i);
      boolean more = i + 1 < c.argc();
      if (opt.equals("REPLACE")) {
        replace = true;
      } else if (opt.equals("ABSTTL")) {
        absTtl = true;
      } else if (opt.equals("IDLETIME") && more && !freq) {
        if (c.longArg(++i) < 0) {
          throw new RedisError("ERR Invalid IDLETIME value, must be >= 0");
        }
        idle = true;
      } else if (opt.equals("FREQ") && more && !idle) {
        long f = c.longArg(++i);
        if (f < 0 || f > 255) {
          throw new RedisError("ERR Invalid FREQ value, must be >= 0 and <= 255");
        }
        freq = true;
      } else {
        throw Call.syntax();
      }
    }
    byte[] key = c.arg(1);
    Meta old = c.meta(key);
    if (!replace && old != null) {
      throw new RedisError("BUSYKEY Target key name already exists.");
    }
    long ttl = c.longArg(2);
    if (ttl < 0) {
      throw new RedisError("ERR Invalid TTL value, must be >= 0");
    }
    DumpPayload.Contents contents;
    try {
      contents = DumpPayload.decode(c.arg(3));
    } catch (DumpPayload.WrongVersionOrChecksum e) {
      throw new RedisError("ERR DUMP payload version or checksum are wrong");
    } catch (DumpPayload.BadFormat e) {
      throw new RedisError("ERR Bad data format");
    }
    long expireAt = ttl == 0 ? 0 : absTtl ? ttl : c.now() + ttl;
    if (expireAt != 0 && expireAt <= c.now()) {
      if (old != null) {
        c.batch().deleteKey(c.db, key, old); // REPLACE with a time already past: the key is gone
      }
      return Reply.OK;
    }
    Meta meta = switch (contents.type()) {
      case STRING -> Meta.string(c.newVersion(), expireAt, contents.value());
      case STREAM -> new Meta(RedisType.STREAM, c.newVersion(), expireAt,
          contents.entries().stream().filter(e -> e[0][0] == Streams.ENTRY).count(), 0, contents.value());
      default -> Meta.collection(contents.type(), c.newVersion(), expireAt, contents.entries().size());
    };
    KeyCommands.writeKey(c, c.db, key, old, meta, contents.entries());
    return Reply.OK;
  }
}
