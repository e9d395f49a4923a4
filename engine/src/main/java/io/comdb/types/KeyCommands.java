package io.comdb.types;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Commands on keys of any type: existence, expiry, renaming, listing. */
final class KeyCommands {
  /** FLUSHDB and FLUSHALL delete at most this many records per batch: a smaller flush is one batch. */
  static final int FLUSH_BATCH = 100_000;

  private KeyCommands() {}

  static void register() {
    Commands.add("del", -2, "write", 1, -1, 1, KeyCommands::del);
    Commands.add("unlink", -2, "write fast", 1, -1, 1, KeyCommands::del);
    Commands.add("exists", -2, "readonly fast", 1, -1, 1, KeyCommands::exists);
    Commands.add("touch", -2, "readonly fast", 1, -1, 1, KeyCommands::exists);
    Commands.add("type", 2, "readonly fast", 1, 1, 1, KeyCommands::type);
    Commands.add("expire", -3, "write fast", 1, 1, 1, c -> expire(c, c.now(), 1000));
    Commands.add("pexpire", -3, "write fast", 1, 1, 1, c -> expire(c, c.now(), 1));
    Commands.add("expireat", -3, "write fast", 1, 1, 1, c -> expire(c, 0, 1000));
    Commands.add("pexpireat", -3, "write fast", 1, 1, 1, c -> expire(c, 0, 1));
    Commands.add("expiretime", 2, "readonly fast", 1, 1, 1, c -> ttl(c, true, 1000));
    Commands.add("pexpiretime", 2, "readonly fast", 1, 1, 1, c -> ttl(c, true, 1));
    Commands.add("ttl", 2, "readonly fast", 1, 1, 1, c -> ttl(c, false, 1000));
    Commands.add("pttl", 2, "readonly fast", 1, 1, 1, c -> ttl(c, false, 1));
    Commands.add("persist", 2, "write fast", 1, 1, 1, KeyCommands::persist);
    Commands.add("keys", 2, "readonly", 0, 0, 0, KeyCommands::keys);
    Commands.add("scan", -2, "readonly", 0, 0, 0, KeyCommands::scan);
    Commands.add("randomkey", 1, "readonly", 0, 0, 0, KeyCommands::randomKey);
    Commands.add("rename", 3, "write", 1, 2, 1, c -> rename(c, false));
    Commands.add("renamenx", 3, "write fast", 1, 2, 1, c -> rename(c, true));
    Commands.add("copy", -3, "write denyoom", 1, 2, 1, KeyCommands::copy);
    Commands.add("dbsize", 1, "readonly fast", 0, 0, 0, c -> Reply.integer(c.dbSize(c.db)));
    Commands.add("flushdb", -1, "write", 0, 0, 0, c -> flush(c, c.db, c.db));
    Commands.add("flushall", -1, "write", 0, 0, 0, c -> flush(c, 0, RedisStore.DATABASES - 1));
    Commands.add("object", -2, "readonly", 2, 2, 1, KeyCommands::object);
    Commands.add("memory", -2, "readonly", 0, 0, 0, KeyCommands::memory);
  }

  private static Reply del(Call c) throws IOException {
    int deleted = 0;
    List<java.nio.ByteBuffer> seen = new ArrayList<>();
    for (int i = 1; i < c.argc(); i++) {
      java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(c.arg(i));
      Meta m = c.meta(c.arg(i));
      if (m != null && !seen.contains(k)) {
        seen.add(k);
        c.batch().deleteKey(c.db, c.arg(i), m);
        deleted++;
      }
    }
    return Reply.integer(deleted);
  }

  private static Reply exists(Call c) throws IOException {
    int n = 0;
    for (int i = 1; i < c.argc(); i++) {
      if (c.meta(c.arg(i)) != null) {
        n++;
      }
    }
    return Reply.integer(n);
  }

  private static Reply type(Call c) throws IOException {
    Meta m = c.meta(c.arg(1));
    return new Reply.Simple(m == null ? "none" : m.type().typeName());
  }

  private static Reply expire(Call c, long base, long unitMillis) throws IOException {
    byte[] key = c.arg(1);
    boolean nx = false;
    boolean xx = false;
    boolean gt = false;
    boolean lt = false;
    for (int i = 3; i < c.argc(); i++) {
      switch (c.keyword(i)) {
        case "NX" -> nx = true;
        case "XX" -> xx = true;
        case "GT" -> gt = true;
        case "LT" -> lt = true;
        default -> throw new RedisError("ERR Unsupported option " + c.text(i));
      }
    }
    if (nx && (xx || gt || lt)) {
      throw new RedisError("ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if (gt && lt) {
      throw new RedisError("ERR GT and LT options at the same time are not compatible");
    }
    long amount = c.longArg(2); // after the options, as Redis checks them
    long at;
    try {
      at = Math.addExact(base, Math.multiplyExact(amount, unitMillis));
    } catch (ArithmeticException e) {
      throw new RedisError(Errors.invalidExpire(c.name));
    }
    Meta m = c.meta(key);
    if (m == null) {
      return Reply.ZERO;
    }
    long current = m.expireAt(); // 0: none, which GT treats as infinite
    if (nx && current != 0 || xx && current == 0
        || gt && (current == 0 || at <= current) || lt && current != 0 && at >= current) {
      return Reply.ZERO;
    }
    if (at <= c.now()) {
      c.batch().deleteKey(c.db, key, m);
    } else {
      c.batch().putMeta(c.db, key, m.withExpireAt(at));
    }
    return Reply.ONE;
  }

  private static Reply ttl(Call c, boolean absolute, long unitMillis) throws IOException {
    Meta m = c.meta(c.arg(1));
    if (m == null) {
      return Reply.integer(-2);
    }
    if (m.expireAt() == 0) {
      return Reply.integer(-1);
    }
    if (absolute) {
      return Reply.integer(m.expireAt() / unitMillis);
    }
    long left = Math.max(m.expireAt() - c.now(), 0);
    return Reply.integer(unitMillis == 1 ? left : (left + 500) / 1000);
  }

  private static Reply persist(Call c) throws IOException {
    Meta m = c.meta(c.arg(1));
    if (m == null || m.expireAt() == 0) {
      return Reply.ZERO;
    }
    c.batch().putMeta(c.db, c.arg(1), m.withExpireAt(0));
    return Reply.ONE;
  }

  /** Live keys of {@code db} in key order, from just after {@code after} (null: the first). */
  static List<byte[]> keys(Call c, byte[] pattern, byte[] after, int max, RedisType type) throws IOException {
    List<byte[]> keys = new ArrayList<>();
    byte[] prefix = KeySpace.metaPrefix(c.db);
    long now = c.now();
    try (EngineIterator it = c.reads().iterator(IteratorOptions.prefix(prefix))) {
      if (after != null) {
        it.seek(KeySpace.metaKey(c.db, after));
        if (it.isValid() && java.util.Arrays.equals(KeySpace.userKey(it.key()), after)) {
          it.next();
        }
      }
      for (; it.isValid() && keys.size() < max; it.next()) {
        byte[] key = KeySpace.userKey(it.key());
        if (pattern != null && !Glob.matches(pattern, key) || !c.serves(key)) {
          continue;
        }
        byte[] value = it.value();
        if (value == null) {
          continue;
        }
        Meta m = Meta.decode(value);
        if (!m.expired(now) && (type == null || m.type() == type)) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  private static Reply keys(Call c) throws IOException {
    byte[] pattern = c.arg(1);
    boolean all = pattern.length == 1 && pattern[0] == '*';
    return Reply.bulks(keys(c, all ? null : pattern, null, Integer.MAX_VALUE, null));
  }

  /**
   * SCAN walks the keys in order. The cursor is a number the store maps to the last key of the previous
   * page ({@link RedisStore#rememberCursor}); a cursor it does not know starts over.
   */
  private static Reply scan(Call c) throws IOException {
    long cursor = Scans.cursor(c.arg(1));
    byte[] pattern = null;
    long count = 10;
    RedisType type = null;
    boolean unknownType = false;
    for (int i = 2; i < c.argc(); i++) {
      String opt = c.keyword(i);
      if (i + 1 >= c.argc()) {
        throw Call.syntax();
      }
      switch (opt) {
        case "MATCH" -> pattern = c.arg(++i);
        case "COUNT" -> {
          count = c.longArg(++i);
          if (count < 1) {
            throw Call.syntax();
          }
        }
        case "TYPE" -> {
          String name = c.text(++i);
          type = null;
          unknownType = true;
          for (RedisType t : RedisType.values()) {
            if (t.typeName().equalsIgnoreCase(name)) {
              type = t;
              unknownType = false;
            }
          }
        }
        default -> throw Call.syntax();
      }
    }
    byte[] after = cursor == 0 ? null : c.cursorKey(c.db, cursor);
    int page = (int) Math.min(count, 100_000);
    List<byte[]> walked = keys(c, null, after, page, null);
    long next = walked.size() < page ? 0 : c.rememberCursor(c.db, walked.get(walked.size() - 1));
    List<Reply> found = new ArrayList<>();
    if (!unknownType) {
      for (byte[] key : walked) {
        if (pattern != null && !Glob.matches(pattern, key)) {
          continue;
        }
        if (type != null && c.meta(key).type() != type) {
          continue;
        }
        found.add(Reply.bulk(key));
      }
    }
    return Reply.array(List.of(Reply.bulk(Long.toString(next)), Reply.array(found)));
  }

  /**
   * Up to 1,000 keys: one of them, uniformly. More: the next live key after a random point between the
   * first and the last key, so keys after long gaps in the order come up more often: random, not uniform.
   */
  private static Reply randomKey(Call c) throws IOException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<byte[]> few = keys(c, null, null, 1001, null);
    if (few.size() <= 1000) {
      return few.isEmpty() ? Reply.NULL_BULK : Reply.bulk(few.get(random.nextInt(few.size())));
    }
    byte[] first = few.get(0);
    byte[] last;
    try (EngineIterator it = c.reads().iterator(IteratorOptions.prefix(KeySpace.metaPrefix(c.db)).reversed())) {
      last = KeySpace.userKey(it.key());
    }
    // A random point between first and last: a random byte where they first differ, random bytes after.
    int p = 0;
    while (p < first.length && p < last.length && first[p] == last[p]) {
      p++;
    }
    byte[] point = java.util.Arrays.copyOf(first, p + 8);
    int lo = p < first.length ? first[p] & 0xff : 0;
    int hi = p < last.length ? last[p] & 0xff : 255;
    point[p] = (byte) (lo + random.nextInt(Math.max(hi - lo, 0) + 1));
    for (int i = p + 1; i < point.length; i++) {
      point[i] = (byte) random.nextInt(256);
    }
    List<byte[]> keys = keys(c, null, point, 1, null);
    return Reply.bulk(keys.isEmpty() ? first : keys.get(0));
  }

  private static Reply rename(Call c, boolean onlyIfAbsent) throws IOException {
    byte[] from = c.arg(1);
    byte[] to = c.arg(2);
    Meta m = c.meta(from);
    if (m == null) {
      throw new RedisError(Errors.NO_SUCH_KEY);
    }
    if (java.util.Arrays.equals(from, to)) {
      return onlyIfAbsent ? Reply.ZERO : Reply.OK;
    }
    Meta target = c.meta(to);
    if (onlyIfAbsent && target != null) {
      return Reply.ZERO;
    }
    copyKey(c, from, m, c.db, to, target, m.expireAt());
    c.batch().deleteKey(c.db, from, m);
    return onlyIfAbsent ? Reply.ONE : Reply.OK;
  }

  private static Reply copy(Call c) throws IOException {
    byte[] from = c.arg(1);
    byte[] to = c.arg(2);
    int db = c.db;
    boolean replace = false;
    for (int i = 3; i < c.argc(); i++) {
      String opt = c.keyword(i);
      if (opt.equals("REPLACE")) {
        replace = true;
      } else if (opt.equals("DB") && i + 1 < c.argc()) {
        long target = Numbers.parseLong(c.arg(++i), Errors.NOT_INTEGER);
        if (target < 0 || target >= RedisStore.DATABASES) {
          throw new RedisError(Errors.DB_OUT_OF_RANGE);
        }
        db = (int) target;
      } else {
        throw Call.syntax();
      }
    }
    if (db == c.db && java.util.Arrays.equals(from, to)) {
      throw new RedisError("ERR source and destination objects are the same");
    }
    Meta m = c.meta(from);
    if (m == null) {
      return Reply.ZERO;
    }
    Meta target = c.meta(db, to);
    if (target != null && !replace) {
      return Reply.ZERO;
    }
    copyKey(c, from, m, db, to, target, m.expireAt());
    return Reply.ONE;
  }

  /** Writes a copy of {@code from} (metadata {@code m}) as {@code to} in {@code db}, replacing what {@code to} held. */
  private static void copyKey(Call c, byte[] from, Meta m, int db, byte[] to, Meta target, long expireAt) throws IOException {
    Meta copy = new Meta(m.type(), c.newVersion(), expireAt, m.size(), m.head(), m.value());
    writeKey(c, db, to, target, copy, m.type() == RedisType.STRING ? List.of() : c.subs(c.db, from, m));
  }

  /**
   * Writes a key of metadata {@code meta} holding {@code entries} (a collection's sub-keys: member and
   * value) in {@code db}, replacing {@code target}, what the key held (null: nothing). A sorted set's
   * by-score keys are written from its entries.
   */
  static void writeKey(Call c, int db, byte[] to, Meta target, Meta meta, List<byte[][]> entries) throws IOException {
    if (target != null) {
      c.batch().deleteKey(db, to, target);
    }
    c.batch().putMeta(db, to, meta);
    for (byte[][] e : entries) {
      c.batch().putSub(db, to, meta, e[0], e[1]);
      if (meta.type() == RedisType.ZSET) {
        c.batch().put(KeySpace.scoreKey(db, to, meta.version(), ZSets.decodeScore(e[1]), e[0]), new byte[0]);
      }
    }
  }

  private static Reply flush(Call c, int firstDb, int lastDb) throws IOException {
    if (c.argc() > 2 || c.argc() == 2 && !c.keyword(1).equals("SYNC") && !c.keyword(1).equals("ASYNC")) {
      throw Call.syntax();
    }
    int deletes = 0;
    for (int db = firstDb; db <= lastDb; db++) {
      for (byte kind : new byte[] {KeySpace.META, KeySpace.SUB, KeySpace.SCORE}) {
        try (EngineIterator it = c.reads().iterator(IteratorOptions.prefix(new byte[] {KeySpace.RESERVED, kind, (byte) db}))) {
          for (; it.isValid(); it.next()) {
            byte[] redisKey = KeySpace.redisKeyOf(it.key());
            if (redisKey != null && !c.serves(redisKey)) {
              continue; // a backup copy of another node's key
            }
            if (kind == KeySpace.META) {
              c.batch().deleteKey(db, KeySpace.userKey(it.key()), Meta.string(0, 0, null));
            } else {
              c.batch().delete(it.key());
            }
            if (++deletes % FLUSH_BATCH == 0) {
              c.commit(); // a batch must fit in one data file: a large flush goes in several
            }
          }
        }
      }
    }
    return Reply.OK;
  }

  private static Reply object(Call c) throws IOException {
    String sub = c.keyword(1);
    if (sub.equals("HELP")) {
      return Reply.array(List.of(Reply.bulk("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
          Reply.bulk("ENCODING <key>"), Reply.bulk("FREQ <key>"), Reply.bulk("IDLETIME <key>"), Reply.bulk("REFCOUNT <key>")));
    }
    if (c.argc() != 3) {
      throw new RedisError(Errors.unknownSubcommand("object", c.text(1)));
    }
    Meta m = c.meta(c.arg(2));
    switch (sub) {
      case "ENCODING":
        return m == null ? Reply.NULL_BULK : Reply.bulk(encoding(m));
      case "REFCOUNT":
        return m == null ? Reply.NULL_BULK : Reply.ONE;
      case "FREQ":
        // Redis's answer without an LFU eviction policy; ComDB has no eviction policy at all.
        return m == null ? Reply.NULL_BULK : Reply.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
      case "IDLETIME":
        return m == null ? Reply.NULL_BULK : Reply.error("ERR ComDB does not track when keys were last accessed");
      default:
        throw new RedisError(Errors.unknownSubcommand("object", c.text(1)));
    }
  }

  /**
   * How ComDB stores the key (docs/resp.md): a string's bytes are the value of its one record ("raw"); a
   * hash, set, list or sorted set is a metadata record plus one record per element ("subkeys").
   */
  private static String encoding(Meta m) {
    return m.type() == RedisType.STRING ? "raw" : "subkeys";
  }

  /** MEMORY USAGE: the bytes the key takes on disk (records with their headers), not in memory. */
  private static Reply memory(Call c) throws IOException {
    String sub = c.keyword(1);
    if (!sub.equals("USAGE")) {
      throw new RedisError(Errors.unknownSubcommand("memory", c.text(1)));
    }
    if (c.argc() != 3 && !(c.argc() == 5 && c.keyword(3).equals("SAMPLES"))) {
      throw Call.syntax();
    }
    Meta m = c.meta(c.arg(2));
    if (m == null) {
      return Reply.NULL_BULK;
    }
    long bytes = 32 + c.arg(2).length + m.encode().length;
    if (m.type() != RedisType.STRING) {
      for (byte[][] e : c.subs(c.db, c.arg(2), m)) {
        bytes += 32 + c.arg(2).length + e[0].length + e[1].length;
      }
    }
    return Reply.integer(bytes);
  }
}
