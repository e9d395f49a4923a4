package io.comdb.types;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Hashes: metadata holds the field count; each field is a sub-key holding its value. */
final class HashCommands {
  private HashCommands() {}

  static void register() {
    Commands.add("hset", -4, "write denyoom fast", 1, 1, 1, c -> hset(c, false));
    Commands.add("hmset", -4, "write denyoom fast", 1, 1, 1, c -> hset(c, true));
    Commands.add("hsetnx", 4, "write denyoom fast", 1, 1, 1, HashCommands::hsetnx);
    Commands.add("hget", 3, "readonly fast", 1, 1, 1, HashCommands::hget);
    Commands.add("hmget", -3, "readonly fast", 1, 1, 1, HashCommands::hmget);
    Commands.add("hdel", -3, "write fast", 1, 1, 1, HashCommands::hdel);
    Commands.add("hexists", 3, "readonly fast", 1, 1, 1, c -> Reply.integer(field(c, c.arg(2)) == null ? 0 : 1));
    Commands.add("hlen", 2, "readonly fast", 1, 1, 1, c -> Reply.integer(size(c)));
    Commands.add("hstrlen", 3, "readonly fast", 1, 1, 1, c -> {
      byte[] v = field(c, c.arg(2));
      return Reply.integer(v == null ? 0 : v.length);
    });
    Commands.add("hgetall", 2, "readonly", 1, 1, 1, c -> all(c, true, true));
    Commands.add("hkeys", 2, "readonly", 1, 1, 1, c -> all(c, true, false));
    Commands.add("hvals", 2, "readonly", 1, 1, 1, c -> all(c, false, true));
    Commands.add("hincrby", 4, "write denyoom fast", 1, 1, 1, HashCommands::hincrby);
    Commands.add("hincrbyfloat", 4, "write denyoom fast", 1, 1, 1, HashCommands::hincrbyfloat);
    Commands.add("hrandfield", -2, "readonly", 1, 1, 1, HashCommands::hrandfield);
    Commands.add("hscan", -3, "readonly", 1, 1, 1, c -> Scans.scan(c, RedisType.HASH, true));
  }

  private static long size(Call c) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.HASH);
    return m == null ? 0 : m.size();
  }

  private static byte[] field(Call c, byte[] field) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.HASH);
    return m == null ? null : c.sub(c.db, c.arg(1), m, field);
  }

  private static Reply hset(Call c, boolean legacy) throws IOException {
    if (c.argc() % 2 != 0) {
      throw new RedisError(Errors.wrongArity(c.name));
    }
    byte[] key = c.arg(1);
    Meta m = c.metaForWrite(key, RedisType.HASH);
    Map<ByteBuffer, byte[]> fields = new LinkedHashMap<>();
    for (int i = 2; i < c.argc(); i += 2) {
      fields.put(ByteBuffer.wrap(c.arg(i)), c.arg(i + 1));
    }
    long added = 0;
    for (Map.Entry<ByteBuffer, byte[]> e : fields.entrySet()) {
      byte[] field = e.getKey().array();
      if (m.size() == 0 || c.sub(c.db, key, m, field) == null) {
        added++;
      }
      c.batch().putSub(c.db, key, m, field, e.getValue());
    }
    c.batch().putMeta(c.db, key, m.withSize(m.size() + added));
    return legacy ? Reply.OK : Reply.integer(added);
  }

  private static Reply hsetnx(Call c) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.metaForWrite(key, RedisType.HASH);
    if (m.size() > 0 && c.sub(c.db, key, m, c.arg(2)) != null) {
      return Reply.ZERO;
    }
    c.batch().putSub(c.db, key, m, c.arg(2), c.arg(3));
    c.batch().putMeta(c.db, key, m.withSize(m.size() + 1));
    return Reply.ONE;
  }

  private static Reply hget(Call c) throws IOException {
    byte[] v = field(c, c.arg(2));
    return Reply.bulk(v);
  }

  private static Reply hmget(Call c) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.HASH);
    List<Reply> values = new ArrayList<>();
    for (int i = 2; i < c.argc(); i++) {
      values.add(Reply.bulk(m == null ? null : c.sub(c.db, c.arg(1), m, c.arg(i))));
    }
    return Reply.array(values);
  }

  private static Reply hdel(Call c) throws IOException {
    return removeMembers(c, RedisType.HASH, (key, m, field, value) -> c.batch().deleteSub(c.db, key, m, field));
  }

  /** Deletes one member of a collection, given what its sub-key holds. */
  @FunctionalInterface
  interface MemberRemover {
    void remove(byte[] key, Meta m, byte[] member, byte[] stored) throws IOException;
  }

  /**
   * HDEL, SREM, ZREM: removes each distinct member named from argument 2 on that the collection at
   * argument 1 holds, in the order named; answers how many, and deletes the key when it is left empty.
   */
  static Reply removeMembers(Call c, RedisType type, MemberRemover remover) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.meta(key, type);
    if (m == null) {
      return Reply.ZERO;
    }
    Set<ByteBuffer> distinct = new LinkedHashSet<>();
    for (int i = 2; i < c.argc(); i++) {
      distinct.add(ByteBuffer.wrap(c.arg(i)));
    }
    long removed = 0;
    for (ByteBuffer member : distinct) {
      byte[] stored = c.sub(c.db, key, m, member.array());
      if (stored != null) {
        remover.remove(key, m, member.array(), stored);
        removed++;
      }
    }
    writeSize(c, key, m, m.size() - removed);
    return Reply.integer(removed);
  }

  /** Stores a collection's new size, or deletes the key when it is empty, as Redis does. */
  static void writeSize(Call c, byte[] key, Meta m, long size) throws IOException {
    if (size == m.size()) {
      return;
    }
    if (size <= 0) {
      c.batch().deleteKey(c.db, key, m); // with whatever sub-keys this batch has not deleted yet
    } else {
      c.batch().putMeta(c.db, key, m.withSize(size));
    }
  }

  private static Reply all(Call c, boolean fields, boolean values) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.HASH);
    if (m == null) {
      return fields && values ? new Reply.MapReply(List.of()) : Reply.EMPTY_ARRAY;
    }
    List<Reply> out = new ArrayList<>();
    for (byte[][] e : c.subs(c.db, c.arg(1), m)) {
      if (fields) {
        out.add(Reply.bulk(e[0]));
      }
      if (values) {
        out.add(Reply.bulk(e[1]));
      }
    }
    return fields && values ? new Reply.MapReply(out) : Reply.array(out);
  }

  private static Reply hincrby(Call c) throws IOException {
    byte[] key = c.arg(1);
    long by = c.longArg(3);
    Meta m = c.metaForWrite(key, RedisType.HASH);
    byte[] old = m.size() == 0 ? null : c.sub(c.db, key, m, c.arg(2));
    long current = old == null ? 0 : Numbers.parseLong(old, Errors.HASH_NOT_INTEGER);
    long next;
    try {
      next = Math.addExact(current, by);
    } catch (ArithmeticException e) {
      throw new RedisError(Errors.OVERFLOW);
    }
    c.batch().putSub(c.db, key, m, c.arg(2), Long.toString(next).getBytes(US_ASCII));
    if (old == null) {
      c.batch().putMeta(c.db, key, m.withSize(m.size() + 1));
    }
    return Reply.integer(next);
  }

  private static Reply hincrbyfloat(Call c) throws IOException {
    byte[] key = c.arg(1);
    if (Numbers.parseLongDouble(c.arg(3), Errors.NOT_FLOAT) == null) {
      throw new RedisError("ERR value is NaN or Infinity");
    }
    Meta m = c.metaForWrite(key, RedisType.HASH);
    byte[] old = m.size() == 0 ? null : c.sub(c.db, key, m, c.arg(2));
    byte[] current = old == null ? new byte[] {'0'} : old;
    byte[] next = Numbers.incrByFloat(current, c.arg(3), Errors.HASH_NOT_FLOAT).getBytes(US_ASCII);
    c.batch().putSub(c.db, key, m, c.arg(2), next);
    if (old == null) {
      c.batch().putMeta(c.db, key, m.withSize(m.size() + 1));
    }
    return Reply.bulk(next);
  }

  private static Reply hrandfield(Call c) throws IOException {
    long count = c.argc() > 2 ? c.randomCount(2) : 0;
    boolean withValues = c.randomCountOption("WITHVALUES");
    Meta m = c.meta(c.arg(1), RedisType.HASH);
    if (c.argc() == 2) {
      if (m == null) {
        return Reply.NULL_BULK;
      }
      List<byte[][]> all = c.subs(c.db, c.arg(1), m);
      return Reply.bulk(all.get(ThreadLocalRandom.current().nextInt(all.size()))[0]);
    }
    if (m == null || count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    List<byte[][]> picked = Scans.random(c.subs(c.db, c.arg(1), m), count);
    List<Reply> out = new ArrayList<>();
    for (byte[][] e : picked) {
      out.add(Reply.bulk(e[0]));
      if (withValues) {
        out.add(Reply.bulk(e[1]));
      }
    }
    return withValues ? new Reply.Pairs(out) : Reply.array(out);
  }
}
