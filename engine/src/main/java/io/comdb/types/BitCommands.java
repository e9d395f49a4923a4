package io.comdb.types;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Bitmaps: bit operations on strings; bit 0 is the most significant bit of the first byte. */
final class BitCommands {
  private static final long MAX_BIT = (StringCommands.MAX_STRING << 3) - 1;

  private BitCommands() {}

  static void register() {
    Commands.add("setbit", 4, "write denyoom", 1, 1, 1, BitCommands::setbit);
    Commands.add("getbit", 3, "readonly fast", 1, 1, 1, BitCommands::getbit);
    Commands.add("bitcount", -2, "readonly", 1, 1, 1, BitCommands::bitcount);
    Commands.add("bitpos", -3, "readonly", 1, 1, 1, BitCommands::bitpos);
    Commands.add("bitop", -4, "write denyoom", 2, -1, 1, BitCommands::bitop);
    Commands.add("bitfield", -2, "write denyoom", 1, 1, 1, c -> bitfield(c, false));
    Commands.add("bitfield_ro", -2, "readonly fast", 1, 1, 1, c -> bitfield(c, true));
  }

  private static long bitOffset(Call c, int i) {
    Long v = Numbers.tryParseLong(c.arg(i));
    if (v == null || v < 0 || v > MAX_BIT) {
      throw new RedisError(Errors.BIT_OFFSET);
    }
    return v;
  }

  private static Reply setbit(Call c) throws IOException {
    long offset = bitOffset(c, 2);
    Long bit = Numbers.tryParseLong(c.arg(3));
    if (bit == null || bit < 0 || bit > 1) {
      throw new RedisError(Errors.BIT_VALUE);
    }
    Meta m = c.meta(c.arg(1), RedisType.STRING);
    byte[] v = m == null ? new byte[0] : m.value();
    int byteAt = (int) (offset >>> 3);
    if (byteAt >= v.length) {
      v = Arrays.copyOf(v, byteAt + 1);
    } else {
      v = v.clone();
    }
    int mask = 1 << (7 - (int) (offset & 7));
    int old = (v[byteAt] & mask) != 0 ? 1 : 0;
    v[byteAt] = (byte) (bit == 1 ? v[byteAt] | mask : v[byteAt] & ~mask);
    StringCommands.store(c, c.arg(1), m, v, m == null ? 0 : m.expireAt());
    return Reply.integer(old);
  }

  private static Reply getbit(Call c) throws IOException {
    long offset = bitOffset(c, 2);
    byte[] v = StringCommands.valueOf(c, c.arg(1));
    int byteAt = (int) (offset >>> 3);
    return Reply.integer(byteAt < v.length && (v[byteAt] & (1 << (7 - (int) (offset & 7)))) != 0 ? 1 : 0);
  }

  /** The bit range {first, last} (inclusive, in bits) of start/end arguments counted in bytes or bits. */
  private static long[] bitRange(long start, long end, boolean bits, long lengthBytes) {
    long total = bits ? lengthBytes * 8 : lengthBytes;
    if (start < 0) {
      start = Math.max(total + start, 0);
    }
    if (end < 0) {
      end = Math.max(total + end, 0);
    }
    end = Math.min(end, total - 1);
    if (start > end || total == 0) {
      return null;
    }
    return bits ? new long[] {start, end} : new long[] {start * 8, end * 8 + 7};
  }

  private static boolean unit(Call c, int i) {
    String u = c.keyword(i);
    if (u.equals("BIT")) {
      return true;
    }
    if (u.equals("BYTE")) {
      return false;
    }
    throw Call.syntax();
  }

  private static Reply bitcount(Call c) throws IOException {
    // Redis 7.0 looks the key up before it reads the range: a missing key counts 0 whatever follows.
    Meta m = c.meta(c.arg(1), RedisType.STRING);
    if (m == null) {
      return Reply.ZERO;
    }
    if (c.argc() == 3 || c.argc() > 5) {
      throw Call.syntax();
    }
    byte[] v = m.value();
    long[] r = new long[] {0, (long) v.length * 8 - 1};
    if (c.argc() >= 4) {
      long start = c.longArg(2);
      long end = c.longArg(3);
      boolean bits = c.argc() == 5 && unit(c, 4);
      r = bitRange(start, end, bits, v.length);
      if (r == null) {
        return Reply.ZERO;
      }
    }
    long n = 0;
    for (long b = r[0]; b <= r[1]; b++) {
      if ((v[(int) (b >>> 3)] & (1 << (7 - (int) (b & 7)))) != 0) {
        n++;
      }
    }
    return Reply.integer(n);
  }

  private static Reply bitpos(Call c) throws IOException {
    long bit = c.longArg(2);
    if (bit < 0 || bit > 1) {
      throw new RedisError("ERR The bit argument must be 1 or 0.");
    }
    Meta m = c.meta(c.arg(1), RedisType.STRING); // before the range is read, as Redis looks it up
    if (m == null) {
      return Reply.integer(bit == 1 ? -1 : 0);
    }
    if (c.argc() > 6) {
      throw Call.syntax();
    }
    byte[] v = m.value();
    boolean endGiven = c.argc() >= 5;
    boolean bits = c.argc() == 6 && unit(c, 5);
    long start = c.argc() >= 4 ? c.longArg(3) : 0;
    long end = endGiven ? c.longArg(4) : (bits ? (long) v.length * 8 - 1 : v.length - 1);
    long[] r = bitRange(start, end, bits, v.length);
    if (r == null) {
      return Reply.integer(-1);
    }
    for (long b = r[0]; b <= r[1]; b++) {
      int set = (v[(int) (b >>> 3)] & (1 << (7 - (int) (b & 7)))) != 0 ? 1 : 0;
      if (set == bit) {
        return Reply.integer(b);
      }
    }
    // Looking for a clear bit with no end given: the string is taken as padded with zeros.
    return Reply.integer(bit == 0 && !endGiven ? r[1] + 1 : -1);
  }

  private static Reply bitop(Call c) throws IOException {
    String op = c.keyword(1);
    if (!List.of("AND", "OR", "XOR", "NOT").contains(op)) {
      throw Call.syntax();
    }
    if (op.equals("NOT") && c.argc() != 4) {
      throw new RedisError("ERR BITOP NOT must be called with a single source key.");
    }
    List<byte[]> sources = new ArrayList<>();
    int max = 0;
    for (int i = 3; i < c.argc(); i++) {
      byte[] v = StringCommands.valueOf(c, c.arg(i));
      sources.add(v);
      max = Math.max(max, v.length);
    }
    byte[] out = new byte[max];
    for (int i = 0; i < max; i++) {
      int acc = byteAt(sources.get(0), i);
      if (op.equals("NOT")) {
        acc = ~acc;
      }
      for (int s = 1; s < sources.size(); s++) {
        int b = byteAt(sources.get(s), i);
        acc = op.equals("AND") ? acc & b : op.equals("OR") ? acc | b : acc ^ b;
      }
      out[i] = (byte) acc;
    }
    Meta old = c.meta(c.arg(2));
    if (max == 0) {
      if (old != null) {
        c.batch().deleteKey(c.db, c.arg(2), old);
      }
    } else {
      StringCommands.store(c, c.arg(2), old, out, 0);
    }
    return Reply.integer(max);
  }

  private static int byteAt(byte[] v, int i) {
    return i < v.length ? v[i] & 0xff : 0;
  }

  /** A BITFIELD type: i1..i64 or u1..u63. */
  private record Field(boolean signed, int bits) {
    static Field parse(byte[] b) {
      String s = new String(b, java.nio.charset.StandardCharsets.US_ASCII);
      if (s.length() >= 2 && (s.charAt(0) == 'i' || s.charAt(0) == 'u' || s.charAt(0) == 'I' || s.charAt(0) == 'U')) {
        Long n = Numbers.tryParseLong(s.substring(1).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        boolean signed = Character.toLowerCase(s.charAt(0)) == 'i';
        if (n != null && n >= 1 && (signed ? n <= 64 : n <= 63)) {
          return new Field(signed, n.intValue());
        }
      }
      throw new RedisError("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    }
  }

  private static long fieldOffset(byte[] b, Field f) {
    boolean multiply = b.length > 0 && b[0] == '#';
    Long v = Numbers.tryParseLong(multiply ? Arrays.copyOfRange(b, 1, b.length) : b);
    if (v == null || v < 0 || multiply && v > MAX_BIT / f.bits) {
      throw new RedisError(Errors.BIT_OFFSET);
    }
    long offset = multiply ? v * f.bits : v;
    if (offset > MAX_BIT - (f.bits - 1)) {
      throw new RedisError(Errors.BIT_OFFSET);
    }
    return offset;
  }

  private static long read(byte[] v, long offset, Field f) {
    long value = 0;
    for (int i = 0; i < f.bits; i++) {
      long b = offset + i;
      int byteAt = (int) (b >>> 3);
      int bit = byteAt < v.length && (v[byteAt] & (1 << (7 - (int) (b & 7)))) != 0 ? 1 : 0;
      value = (value << 1) | bit;
    }
    if (f.signed && f.bits < 64 && (value & (1L << (f.bits - 1))) != 0) {
      value |= -1L << f.bits; // sign-extend
    }
    return value;
  }

  private static byte[] write(byte[] v, long offset, Field f, long value) {
    int needed = (int) ((offset + f.bits - 1) >>> 3) + 1;
    byte[] out = needed > v.length ? Arrays.copyOf(v, needed) : v;
    for (int i = 0; i < f.bits; i++) {
      long b = offset + i;
      int bit = (int) ((value >>> (f.bits - 1 - i)) & 1);
      int byteAt = (int) (b >>> 3);
      int mask = 1 << (7 - (int) (b & 7));
      out[byteAt] = (byte) (bit == 1 ? out[byteAt] | mask : out[byteAt] & ~mask);
    }
    return out;
  }

  /** The value after an overflow policy, or null for FAIL when it overflows. */
  private static Long fit(java.math.BigInteger value, Field f, String overflow) {
    java.math.BigInteger min = f.signed ? java.math.BigInteger.ONE.shiftLeft(f.bits - 1).negate() : java.math.BigInteger.ZERO;
    java.math.BigInteger max = f.signed ? java.math.BigInteger.ONE.shiftLeft(f.bits - 1).subtract(java.math.BigInteger.ONE)
        : java.math.BigInteger.ONE.shiftLeft(f.bits).subtract(java.math.BigInteger.ONE);
    if (value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
      return value.longValue();
    }
    switch (overflow) {
      case "SAT":
        return (value.compareTo(min) < 0 ? min : max).longValue();
      case "FAIL":
        return null;
      default: {
        java.math.BigInteger range = java.math.BigInteger.ONE.shiftLeft(f.bits);
        java.math.BigInteger wrapped = value.subtract(min).mod(range).add(min);
        return wrapped.longValue();
      }
    }
  }

  private static Reply bitfield(Call c, boolean readOnly) throws IOException {
    byte[] key = c.arg(1);
    String overflow = "WRAP";
    boolean changed = false;
    List<Reply> out = new ArrayList<>();
    List<Object[]> ops = new ArrayList<>();
    for (int i = 2; i < c.argc(); ) {
      String op = c.keyword(i);
      if (op.equals("GET") && i + 2 < c.argc()) {
        Field f = Field.parse(c.arg(i + 1));
        ops.add(new Object[] {"GET", f, fieldOffset(c.arg(i + 2), f), null, overflow});
        i += 3;
      } else if ((op.equals("SET") || op.equals("INCRBY")) && i + 3 < c.argc()) {
        Field f = Field.parse(c.arg(i + 1));
        long offset = fieldOffset(c.arg(i + 2), f);
        if (readOnly) { // after the type and offset, where Redis checks it
          throw new RedisError("ERR BITFIELD_RO only supports the GET subcommand");
        }
        long arg = Numbers.parseLong(c.arg(i + 3), Errors.NOT_INTEGER);
        ops.add(new Object[] {op, f, offset, arg, overflow});
        i += 4;
      } else if (op.equals("OVERFLOW") && i + 1 < c.argc()) {
        overflow = c.keyword(i + 1);
        if (!List.of("WRAP", "SAT", "FAIL").contains(overflow)) {
          throw new RedisError("ERR Invalid OVERFLOW type specified");
        }
        i += 2;
      } else {
        throw Call.syntax();
      }
    }
    Meta m = c.meta(key, RedisType.STRING); // as Redis: the arguments first, then the key
    byte[] v = m == null ? new byte[0] : m.value();
    // As Redis, a write grows the string to its highest written bit first, even if the write then fails.
    int needed = 0;
    for (Object[] o : ops) {
      if (!o[0].equals("GET")) {
        needed = Math.max(needed, (int) (((Long) o[2] + ((Field) o[1]).bits - 1) >>> 3) + 1);
      }
    }
    if (needed > v.length) {
      v = Arrays.copyOf(v, needed);
      changed = true;
    }
    for (Object[] o : ops) {
      String op = (String) o[0];
      Field f = (Field) o[1];
      long offset = (Long) o[2];
      String policy = (String) o[4];
      long current = read(v, offset, f);
      if (op.equals("GET")) {
        out.add(Reply.integer(current));
        continue;
      }
      long arg = (Long) o[3];
      // As Redis, SET into an unsigned field reads the value as unsigned 64-bit (so -9 is huge, not small).
      java.math.BigInteger target = op.equals("SET")
          ? (f.signed ? java.math.BigInteger.valueOf(arg) : new java.math.BigInteger(Long.toUnsignedString(arg)))
          : java.math.BigInteger.valueOf(current).add(java.math.BigInteger.valueOf(arg));
      Long next = fit(target, f, policy);
      if (next == null) {
        out.add(Reply.NULL_BULK);
        continue;
      }
      v = write(v, offset, f, next);
      changed = true;
      out.add(Reply.integer(op.equals("SET") ? current : next));
    }
    if (changed) {
      StringCommands.store(c, key, m, v == (m == null ? null : m.value()) ? v.clone() : v, m == null ? 0 : m.expireAt());
    }
    return Reply.array(out);
  }
}
