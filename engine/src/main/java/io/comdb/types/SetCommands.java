package io.comdb.types;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/** Sets: metadata holds the member count; each member is a sub-key with an empty value. */
final class SetCommands {
  private static final byte[] EMPTY = new byte[0];

  private SetCommands() {}

  static void register() {
    Commands.add("sadd", -3, "write denyoom fast", 1, 1, 1, SetCommands::sadd);
    Commands.add("srem", -3, "write fast", 1, 1, 1, SetCommands::srem);
    Commands.add("sismember", 3, "readonly fast", 1, 1, 1, c -> Reply.integer(contains(c, c.arg(1), c.arg(2)) ? 1 : 0));
    Commands.add("smismember", -3, "readonly fast", 1, 1, 1, SetCommands::smismember);
    Commands.add("smembers", 2, "readonly", 1, 1, 1, c -> setReply(members(c, c.arg(1))));
    Commands.add("scard", 2, "readonly fast", 1, 1, 1, c -> {
      Meta m = c.meta(c.arg(1), RedisType.SET);
      return Reply.integer(m == null ? 0 : m.size());
    });
    Commands.add("spop", -2, "write random fast", 1, 1, 1, SetCommands::spop);
    Commands.add("srandmember", -2, "readonly random", 1, 1, 1, SetCommands::srandmember);
    Commands.add("smove", 4, "write fast", 1, 2, 1, SetCommands::smove);
    Commands.add("sinter", -2, "readonly", 1, -1, 1, c -> setReply(combine(c, 1, c.argc(), '&')));
    Commands.add("sunion", -2, "readonly", 1, -1, 1, c -> setReply(combine(c, 1, c.argc(), '|')));
    Commands.add("sdiff", -2, "readonly", 1, -1, 1, c -> setReply(combine(c, 1, c.argc(), '-')));
    Commands.add("sinterstore", -3, "write denyoom", 1, -1, 1, c -> store(c, '&'));
    Commands.add("sunionstore", -3, "write denyoom", 1, -1, 1, c -> store(c, '|'));
    Commands.add("sdiffstore", -3, "write denyoom", 1, -1, 1, c -> store(c, '-'));
    Commands.add("sintercard", -3, "readonly movablekeys", 0, 0, 0, SetCommands::sintercard);
    Commands.add("sscan", -3, "readonly random", 1, 1, 1, c -> Scans.scan(c, RedisType.SET, false));
  }

  private static boolean contains(Call c, byte[] key, byte[] member) throws IOException {
    Meta m = c.meta(key, RedisType.SET);
    return m != null && c.sub(c.db, key, m, member) != null;
  }

  /** The members of the set at {@code key}, in byte order; empty if missing. */
  static TreeSet<ByteBuffer> members(Call c, byte[] key) throws IOException {
    TreeSet<ByteBuffer> members = new TreeSet<>(SetCommands::compare);
    Meta m = c.meta(key, RedisType.SET);
    if (m != null) {
      for (byte[][] e : c.subs(c.db, key, m)) {
        members.add(ByteBuffer.wrap(e[0]));
      }
    }
    return members;
  }

  private static int compare(ByteBuffer a, ByteBuffer b) {
    return java.util.Arrays.compareUnsigned(a.array(), b.array());
  }

  private static Reply setReply(Set<ByteBuffer> members) {
    List<Reply> out = new ArrayList<>(members.size());
    for (ByteBuffer m : members) {
      out.add(Reply.bulk(m.array()));
    }
    return new Reply.SetReply(out);
  }

  private static Reply sadd(Call c) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.metaForWrite(key, RedisType.SET);
    Set<ByteBuffer> adding = new LinkedHashSet<>();
    for (int i = 2; i < c.argc(); i++) {
      adding.add(ByteBuffer.wrap(c.arg(i)));
    }
    long added = 0;
    for (ByteBuffer member : adding) {
      if (m.size() == 0 || c.sub(c.db, key, m, member.array()) == null) {
        c.batch().putSub(c.db, key, m, member.array(), EMPTY);
        added++;
      }
    }
    if (added > 0) {
      c.batch().putMeta(c.db, key, m.withSize(m.size() + added));
    }
    return Reply.integer(added);
  }

  private static Reply srem(Call c) throws IOException {
    return HashCommands.removeMembers(c, RedisType.SET, (key, m, member, stored) -> c.batch().deleteSub(c.db, key, m, member));
  }

  private static Reply smismember(Call c) throws IOException {
    List<Reply> out = new ArrayList<>();
    for (int i = 2; i < c.argc(); i++) {
      out.add(Reply.integer(contains(c, c.arg(1), c.arg(i)) ? 1 : 0));
    }
    return Reply.array(out);
  }

  private static Reply spop(Call c) throws IOException {
    byte[] key = c.arg(1);
    Long given = c.popCount();
    long count = given == null ? 1 : given;
    Meta m = c.meta(key, RedisType.SET);
    if (m == null) {
      return c.argc() == 3 ? new Reply.SetReply(List.of()) : Reply.NULL_BULK;
    }
    List<ByteBuffer> picked = Scans.random(new ArrayList<>(members(c, key)), count);
    for (ByteBuffer member : picked) {
      c.batch().deleteSub(c.db, key, m, member.array());
    }
    HashCommands.writeSize(c, key, m, m.size() - picked.size());
    if (c.argc() == 2) {
      return Reply.bulk(picked.get(0).array());
    }
    List<Reply> out = new ArrayList<>();
    for (ByteBuffer member : picked) {
      out.add(Reply.bulk(member.array()));
    }
    return new Reply.SetReply(out);
  }

  private static Reply srandmember(Call c) throws IOException {
    if (c.argc() > 3) {
      throw Call.syntax();
    }
    long count = c.argc() == 3 ? c.randomCount(2) : 0; // read before the key is looked up, as Redis does
    List<ByteBuffer> all = new ArrayList<>(members(c, c.arg(1)));
    if (c.argc() == 2) {
      return all.isEmpty() ? Reply.NULL_BULK : Reply.bulk(all.get(ThreadLocalRandom.current().nextInt(all.size())).array());
    }
    if (all.isEmpty() || count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    List<Reply> out = new ArrayList<>();
    for (ByteBuffer member : Scans.random(all, count)) {
      out.add(Reply.bulk(member.array()));
    }
    return Reply.array(out);
  }

  private static Reply smove(Call c) throws IOException {
    byte[] from = c.arg(1);
    byte[] to = c.arg(2);
    byte[] member = c.arg(3);
    Meta source = c.meta(from);
    Meta target = c.meta(to);
    if (source == null) {
      return Reply.ZERO;
    }
    if (source.type() != RedisType.SET || target != null && target.type() != RedisType.SET) {
      throw RedisError.wrongType();
    }
    if (c.sub(c.db, from, source, member) == null) {
      return Reply.ZERO;
    }
    if (java.util.Arrays.equals(from, to)) {
      return Reply.ONE;
    }
    c.batch().deleteSub(c.db, from, source, member);
    HashCommands.writeSize(c, from, source, source.size() - 1);
    Meta t = target != null ? target : Meta.collection(RedisType.SET, c.newVersion(), 0, 0);
    if (target == null || c.sub(c.db, to, target, member) == null) {
      c.batch().putSub(c.db, to, t, member, EMPTY);
      c.batch().putMeta(c.db, to, t.withSize(t.size() + 1));
    }
    return Reply.ONE;
  }

  /** Intersection, union or difference of the sets named by arguments {@code from} (inclusive) to {@code to}. */
  private static TreeSet<ByteBuffer> combine(Call c, int from, int to, char op) throws IOException {
    List<TreeSet<ByteBuffer>> sets = new ArrayList<>();
    for (int i = from; i < to; i++) {
      sets.add(members(c, c.arg(i))); // every key is type-checked, as Redis does
    }
    TreeSet<ByteBuffer> result = new TreeSet<>(sets.get(0));
    for (TreeSet<ByteBuffer> s : sets.subList(1, sets.size())) {
      switch (op) {
        case '&' -> result.retainAll(s);
        case '|' -> result.addAll(s);
        default -> result.removeAll(s);
      }
    }
    return result;
  }

  private static Reply store(Call c, char op) throws IOException {
    byte[] dest = c.arg(1);
    TreeSet<ByteBuffer> result = combine(c, 2, c.argc(), op);
    Meta old = c.meta(dest);
    if (old != null) {
      c.batch().deleteKey(c.db, dest, old);
    }
    if (!result.isEmpty()) {
      Meta m = Meta.collection(RedisType.SET, c.newVersion(), 0, result.size());
      for (ByteBuffer member : result) {
        c.batch().putSub(c.db, dest, m, member.array(), EMPTY);
      }
      c.batch().putMeta(c.db, dest, m);
    }
    return Reply.integer(result.size());
  }

  private static Reply sintercard(Call c) throws IOException {
    long numKeys = Numbers.parseLong(c.arg(1), "ERR numkeys should be greater than 0");
    if (numKeys <= 0) {
      throw new RedisError("ERR numkeys should be greater than 0");
    }
    if (numKeys > c.argc() - 2) {
      throw new RedisError("ERR Number of keys can't be greater than number of args");
    }
    long limit = 0;
    int i = 2 + (int) numKeys;
    if (i < c.argc()) {
      if (i + 2 != c.argc() || !c.keyword(i).equals("LIMIT")) {
        throw Call.syntax();
      }
      limit = Numbers.parseLong(c.arg(i + 1), "ERR LIMIT can't be negative");
      if (limit < 0) {
        throw new RedisError("ERR LIMIT can't be negative");
      }
    }
    long n = combine(c, 2, 2 + (int) numKeys, '&').size();
    return Reply.integer(limit > 0 ? Math.min(n, limit) : n);
  }
}
