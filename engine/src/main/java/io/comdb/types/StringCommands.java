package io.comdb.types;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Strings: the value lives in the key's metadata record, so each string is one record. */
final class StringCommands {
  /** Redis's proto-max-bulk-len default: the largest string SETRANGE and APPEND may make. */
  static final long MAX_STRING = 512L << 20;

  private StringCommands() {}

  static void register() {
    Commands.add("get", 2, "readonly fast", 1, 1, 1, StringCommands::get);
    Commands.add("set", -3, "write denyoom", 1, 1, 1, StringCommands::set);
    Commands.add("setnx", 3, "write denyoom fast", 1, 1, 1, StringCommands::setnx);
    Commands.add("setex", 4, "write denyoom", 1, 1, 1, c -> setExpiring(c, 1000));
    Commands.add("psetex", 4, "write denyoom", 1, 1, 1, c -> setExpiring(c, 1));
    Commands.add("getset", 3, "write denyoom fast", 1, 1, 1, StringCommands::getSet);
    Commands.add("getdel", 2, "write fast", 1, 1, 1, StringCommands::getDel);
    Commands.add("getex", -2, "write fast", 1, 1, 1, StringCommands::getEx);
    Commands.add("mget", -2, "readonly fast", 1, -1, 1, StringCommands::mget);
    Commands.add("mset", -3, "write denyoom", 1, -1, 2, c -> mset(c, false));
    Commands.add("msetnx", -3, "write denyoom", 1, -1, 2, c -> mset(c, true));
    Commands.add("incr", 2, "write denyoom fast", 1, 1, 1, c -> incrBy(c, 1));
    Commands.add("decr", 2, "write denyoom fast", 1, 1, 1, c -> incrBy(c, -1));
    Commands.add("incrby", 3, "write denyoom fast", 1, 1, 1, c -> incrBy(c, c.longArg(2)));
    Commands.add("decrby", 3, "write denyoom fast", 1, 1, 1, StringCommands::decrBy);
    Commands.add("incrbyfloat", 3, "write denyoom fast", 1, 1, 1, StringCommands::incrByFloat);
    Commands.add("append", 3, "write denyoom fast", 1, 1, 1, StringCommands::append);
    Commands.add("strlen", 2, "readonly fast", 1, 1, 1, c -> Reply.integer(valueOf(c, c.arg(1)).length));
    Commands.add("getrange", 4, "readonly", 1, 1, 1, StringCommands::getRange);
    Commands.add("substr", 4, "readonly", 1, 1, 1, StringCommands::getRange);
    Commands.add("setrange", 4, "write denyoom", 1, 1, 1, StringCommands::setRange);
    Commands.add("lcs", -3, "readonly", 1, 2, 1, StringCommands::lcs);
  }

  /** The string at {@code key}; empty if missing. */
  static byte[] valueOf(Call c, byte[] key) throws IOException {
    Meta m = c.meta(key, RedisType.STRING);
    return m == null ? new byte[0] : m.value();
  }

  private static Reply get(Call c) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.STRING);
    return m == null ? Reply.NULL_BULK : Reply.bulk(m.value());
  }

  /** Replaces whatever {@code key} holds with a string. */
  static void store(Call c, byte[] key, Meta old, byte[] value, long expireAt) throws IOException {
    if (old != null && old.type() != RedisType.STRING) {
      c.batch().deleteKey(c.db, key, old);
    }
    c.batch().putMeta(c.db, key, Meta.string(old != null && old.type() == RedisType.STRING ? old.version() : c.newVersion(), expireAt, value));
  }

  private static Reply set(Call c) throws IOException {
    byte[] key = c.arg(1);
    boolean nx = false;
    boolean xx = false;
    boolean get = false;
    boolean keepTtl = false;
    String expireOption = null;
    int expireArg = -1;
    for (int i = 3; i < c.argc(); i++) {
      String opt = c.keyword(i);
      switch (opt) {
        case "NX" -> nx = true;
        case "XX" -> xx = true;
        case "GET" -> get = true;
        case "KEEPTTL" -> keepTtl = true;
        case "EX", "PX", "EXAT", "PXAT" -> {
          if (expireOption != null || i + 1 >= c.argc()) {
            throw Call.syntax();
          }
          expireOption = opt;
          expireArg = ++i;
        }
        default -> throw Call.syntax();
      }
    }
    if (nx && xx || keepTtl && expireOption != null) {
      throw Call.syntax();
    }
    // As Redis, the options' syntax is checked before the expire time's value.
    long expireAt = expireOption == null ? 0 : expireAt(c, expireOption, c.arg(expireArg));
    Meta old = c.meta(c.db, key);
    if (get && old != null && old.type() != RedisType.STRING) {
      throw RedisError.wrongType();
    }
    Reply previous = get ? (old == null ? Reply.NULL_BULK : Reply.bulk(old.value())) : null;
    if (nx && old != null || xx && old == null) {
      return get ? previous : Reply.NULL_BULK;
    }
    if (keepTtl && old != null) {
      expireAt = old.expireAt();
    }
    store(c, key, old, c.arg(2), expireAt);
    return get ? previous : Reply.OK;
  }

  /** The absolute expiry time an EX / PX / EXAT / PXAT argument names. */
  static long expireAt(Call c, String option, byte[] arg) {
    long v = Numbers.parseLong(arg, Errors.NOT_INTEGER);
    if (v <= 0) {
      throw new RedisError(Errors.invalidExpire(c.name));
    }
    long at;
    try {
      at = switch (option) {
        case "EX" -> Math.addExact(c.now(), Math.multiplyExact(v, 1000));
        case "PX" -> Math.addExact(c.now(), v);
        case "EXAT" -> Math.multiplyExact(v, 1000);
        default -> v;
      };
    } catch (ArithmeticException e) {
      throw new RedisError(Errors.invalidExpire(c.name));
    }
    return at;
  }

  private static Reply setnx(Call c) throws IOException {
    if (c.meta(c.arg(1)) != null) {
      return Reply.ZERO;
    }
    store(c, c.arg(1), null, c.arg(2), 0);
    return Reply.ONE;
  }

  private static Reply setExpiring(Call c, long unitMillis) throws IOException {
    long v = c.longArg(2);
    if (v <= 0 || v > Long.MAX_VALUE / unitMillis - c.now()) {
      throw new RedisError(Errors.invalidExpire(c.name));
    }
    store(c, c.arg(1), c.meta(c.db, c.arg(1)), c.arg(3), c.now() + v * unitMillis);
    return Reply.OK;
  }

  private static Reply getSet(Call c) throws IOException {
    Meta old = c.meta(c.arg(1), RedisType.STRING);
    store(c, c.arg(1), old, c.arg(2), 0);
    return old == null ? Reply.NULL_BULK : Reply.bulk(old.value());
  }

  private static Reply getDel(Call c) throws IOException {
    Meta old = c.meta(c.arg(1), RedisType.STRING);
    if (old == null) {
      return Reply.NULL_BULK;
    }
    c.batch().deleteKey(c.db, c.arg(1), old);
    return Reply.bulk(old.value());
  }

  private static Reply getEx(Call c) throws IOException {
    byte[] key = c.arg(1);
    String expireOption = null;
    int expireArg = -1;
    boolean persist = false;
    for (int i = 2; i < c.argc(); i++) {
      String opt = c.keyword(i);
      switch (opt) {
        case "EX", "PX", "EXAT", "PXAT" -> {
          if (expireOption != null || persist || i + 1 >= c.argc()) {
            throw Call.syntax();
          }
          expireOption = opt;
          expireArg = ++i;
        }
        case "PERSIST" -> {
          if (expireOption != null || persist) {
            throw Call.syntax();
          }
          persist = true;
        }
        default -> throw Call.syntax();
      }
    }
    Long expireAt = expireOption == null ? null : expireAt(c, expireOption, c.arg(expireArg));
    Meta m = c.meta(key, RedisType.STRING);
    if (m == null) {
      return Reply.NULL_BULK;
    }
    if (expireAt != null && expireAt <= c.now()) {
      c.batch().deleteKey(c.db, key, m);
    } else if (expireAt != null || persist && m.expireAt() != 0) {
      c.batch().putMeta(c.db, key, m.withExpireAt(persist ? 0 : expireAt));
    }
    return Reply.bulk(m.value());
  }

  private static Reply mget(Call c) throws IOException {
    List<Reply> values = new ArrayList<>(c.argc() - 1);
    for (int i = 1; i < c.argc(); i++) {
      Meta m = c.meta(c.arg(i));
      values.add(m == null || m.type() != RedisType.STRING ? Reply.NULL_BULK : Reply.bulk(m.value()));
    }
    return Reply.array(values);
  }

  private static Reply mset(Call c, boolean onlyIfNoneExists) throws IOException {
    if (c.argc() % 2 == 0) {
      throw new RedisError(Errors.wrongArity(c.name));
    }
    if (onlyIfNoneExists) {
      for (int i = 1; i < c.argc(); i += 2) {
        if (c.meta(c.arg(i)) != null) {
          return Reply.ZERO;
        }
      }
    }
    // The last value of a key named twice wins; each key's old value is read once, before any write.
    java.util.Map<java.nio.ByteBuffer, byte[]> last = new java.util.LinkedHashMap<>();
    for (int i = 1; i < c.argc(); i += 2) {
      last.put(java.nio.ByteBuffer.wrap(c.arg(i)), c.arg(i + 1));
    }
    for (java.util.Map.Entry<java.nio.ByteBuffer, byte[]> e : last.entrySet()) {
      byte[] key = e.getKey().array();
      store(c, key, c.meta(key), e.getValue(), 0);
    }
    return onlyIfNoneExists ? Reply.ONE : Reply.OK;
  }

  private static Reply decrBy(Call c) throws IOException {
    long by = c.longArg(2);
    if (by == Long.MIN_VALUE) {
      throw new RedisError("ERR decrement would overflow");
    }
    return incrBy(c, -by);
  }

  private static Reply incrBy(Call c, long by) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STRING);
    long current = m == null ? 0 : Numbers.parseLong(m.value(), Errors.NOT_INTEGER);
    long next;
    try {
      next = Math.addExact(current, by);
    } catch (ArithmeticException e) {
      throw new RedisError(Errors.OVERFLOW);
    }
    c.batch().putMeta(c.db, key, Meta.string(m == null ? c.newVersion() : m.version(), m == null ? 0 : m.expireAt(),
        Long.toString(next).getBytes(US_ASCII)));
    return Reply.integer(next);
  }

  private static Reply incrByFloat(Call c) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STRING); // as Redis: the type, then the value, then the increment
    byte[] current = m == null ? new byte[] {'0'} : m.value();
    byte[] next = Numbers.incrByFloat(current, c.arg(2), Errors.NOT_FLOAT).getBytes(US_ASCII);
    c.batch().putMeta(c.db, key, Meta.string(m == null ? c.newVersion() : m.version(), m == null ? 0 : m.expireAt(), next));
    return Reply.bulk(next);
  }

  private static Reply append(Call c) throws IOException {
    byte[] key = c.arg(1);
    Meta m = c.meta(key, RedisType.STRING);
    byte[] old = m == null ? new byte[0] : m.value();
    if ((long) old.length + c.arg(2).length > MAX_STRING) {
      throw new RedisError(Errors.STRING_TOO_LONG);
    }
    byte[] next = Arrays.copyOf(old, old.length + c.arg(2).length);
    System.arraycopy(c.arg(2), 0, next, old.length, c.arg(2).length);
    c.batch().putMeta(c.db, key, Meta.string(m == null ? c.newVersion() : m.version(), m == null ? 0 : m.expireAt(), next));
    return Reply.integer(next.length);
  }

  private static Reply getRange(Call c) throws IOException {
    long start = c.longArg(2);
    long end = c.longArg(3);
    byte[] v = valueOf(c, c.arg(1));
    int n = v.length;
    if (start < 0 && end < 0 && start > end) {
      return Reply.bulk(new byte[0]);
    }
    if (start < 0) {
      start = Math.max(n + start, 0);
    }
    if (end < 0) {
      end = Math.max(n + end, 0);
    }
    end = Math.min(end, n - 1);
    if (start > end || n == 0) {
      return Reply.bulk(new byte[0]);
    }
    return Reply.bulk(Arrays.copyOfRange(v, (int) start, (int) end + 1));
  }

  private static Reply setRange(Call c) throws IOException {
    byte[] key = c.arg(1);
    long offset = c.longArg(2);
    byte[] patch = c.arg(3);
    if (offset < 0) {
      throw new RedisError(Errors.OFFSET_OUT_OF_RANGE);
    }
    Meta m = c.meta(key, RedisType.STRING);
    byte[] old = m == null ? new byte[0] : m.value();
    if (patch.length == 0) {
      return Reply.integer(old.length);
    }
    if (offset > MAX_STRING - patch.length) {
      throw new RedisError(Errors.STRING_TOO_LONG);
    }
    byte[] next = Arrays.copyOf(old, Math.max(old.length, (int) offset + patch.length));
    System.arraycopy(patch, 0, next, (int) offset, patch.length);
    c.batch().putMeta(c.db, key, Meta.string(m == null ? c.newVersion() : m.version(), m == null ? 0 : m.expireAt(), next));
    return Reply.integer(next.length);
  }

  /** LCS a b [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN], as Redis computes it (dynamic programming). */
  private static Reply lcs(Call c) throws IOException {
    boolean len = false;
    boolean idx = false;
    boolean withMatchLen = false;
    long minMatchLen = 0;
    // As Redis: the keys' types are checked before the options are read.
    Meta ma = c.meta(c.arg(1));
    Meta mb = c.meta(c.arg(2));
    if (ma != null && ma.type() != RedisType.STRING || mb != null && mb.type() != RedisType.STRING) {
      throw new RedisError("ERR The specified keys must contain string values");
    }
    for (int i = 3; i < c.argc(); i++) {
      String opt = c.keyword(i);
      if (opt.equals("LEN")) {
        len = true;
      } else if (opt.equals("IDX")) {
        idx = true;
      } else if (opt.equals("WITHMATCHLEN")) {
        withMatchLen = true;
      } else if (opt.equals("MINMATCHLEN") && i + 1 < c.argc()) {
        minMatchLen = Math.max(c.longArg(++i), 0);
      } else {
        throw Call.syntax();
      }
    }
    if (len && idx) {
      throw new RedisError("ERR If you want both the length and indexes, please just use IDX.");
    }
    byte[] a = ma == null ? new byte[0] : ma.value();
    byte[] b = mb == null ? new byte[0] : mb.value();
    if ((long) a.length * b.length > 100_000_000L) {
      throw new RedisError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    int[][] dp = new int[a.length + 1][b.length + 1];
    for (int i = 1; i <= a.length; i++) {
      for (int j = 1; j <= b.length; j++) {
        dp[i][j] = a[i - 1] == b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
      }
    }
    int length = dp[a.length][b.length];
    if (len) {
      return Reply.integer(length);
    }
    byte[] common = new byte[length];
    List<Reply> matches = new ArrayList<>();
    int i = a.length;
    int j = b.length;
    int k = length;
    int[] range = null; // {aStart, aEnd, bStart, bEnd} of the match being built, walking backwards
    while (i > 0 && j > 0) {
      boolean emit = false;
      if (a[i - 1] == b[j - 1]) {
        common[--k] = a[i - 1];
        if (range == null) {
          range = new int[] {i - 1, i - 1, j - 1, j - 1};
        } else if (range[0] == i && range[2] == j) {
          range[0]--;
          range[2]--;
        } else {
          emit = true;
        }
        if (!emit) {
          i--;
          j--;
          if (i > 0 && j > 0) {
            continue;
          }
          emit = true;
        }
      } else if (dp[i - 1][j] > dp[i][j - 1]) {
        i--;
        emit = range != null;
      } else {
        j--;
        emit = range != null;
      }
      if (emit && range != null) {
        addMatch(matches, range, minMatchLen, withMatchLen);
        range = null;
      }
    }
    if (range != null) {
      addMatch(matches, range, minMatchLen, withMatchLen);
    }
    if (!idx) {
      return Reply.bulk(common);
    }
    return new Reply.MapReply(List.of(Reply.bulk("matches"), Reply.array(matches), Reply.bulk("len"), Reply.integer(length)));
  }

  /** One LCS IDX match, {aStart, aEnd, bStart, bEnd}, if it is at least MINMATCHLEN long. */
  private static void addMatch(List<Reply> matches, int[] range, long minMatchLen, boolean withMatchLen) {
    int matchLen = range[1] - range[0] + 1;
    if (matchLen < minMatchLen) {
      return;
    }
    List<Reply> match = new ArrayList<>(List.of(
        Reply.array(List.of(Reply.integer(range[0]), Reply.integer(range[1]))),
        Reply.array(List.of(Reply.integer(range[2]), Reply.integer(range[3])))));
    if (withMatchLen) {
      match.add(Reply.integer(matchLen));
    }
    matches.add(Reply.array(match));
  }
}
