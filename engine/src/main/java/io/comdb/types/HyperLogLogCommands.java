package io.comdb.types;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * PFADD, PFCOUNT and PFMERGE: Redis's HyperLogLog, bit for bit in the registers. An element goes to the
 * register and run length Redis's MurmurHash64A (seed 0xadc83b19) picks, 16,384 registers of 6 bits, and
 * the count is Redis's estimator (Ertl's, as Redis 5 and later), so PFCOUNT answers what redis-server
 * answers for the same elements (standard error 0.81%).
 *
 * <p>A HyperLogLog is a string in Redis's format: "HYLL", an encoding byte, 3 unused bytes, 8 bytes of
 * cached count (unused here: its top bit stays set, "invalid"), then the registers, sparse (runs of
 * zeros and of small values) while that takes at most {@value #SPARSE_MAX} bytes (Redis's
 * hll-sparse-max-bytes) and no register passes 32, dense (12,304 bytes) after, as Redis; PFMERGE writes
 * dense, as Redis. ComDB writes its sparse runs in one canonical way, where Redis edits them in place,
 * so GET of a small HyperLogLog may differ from Redis's bytes while PFCOUNT does not.
 */
final class HyperLogLogCommands {
  static final int P = 14;
  static final int REGISTERS = 1 << P;
  private static final int BITS = 6;
  private static final int MAX = (1 << BITS) - 1;
  private static final int Q = 64 - P;
  private static final int HEADER = 16;
  private static final int DENSE_SIZE = HEADER + (REGISTERS * BITS + 7) / 8;
  private static final byte[] MAGIC = "HYLL".getBytes(StandardCharsets.US_ASCII);
  private static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
  private static final int SPARSE_MAX = 3000;
  private static final long SEED = 0xadc83b19L;
  private static final double ALPHA_INF = 0.721347520444481703680; // 1 / (2 ln 2)

  private HyperLogLogCommands() {}

  static void register() {
    Commands.add("pfadd", -2, "write denyoom fast", 1, 1, 1, HyperLogLogCommands::pfadd);
    Commands.add("pfcount", -2, "readonly may_replicate", 1, -1, 1, HyperLogLogCommands::pfcount);
    Commands.add("pfmerge", -2, "write denyoom", 1, -1, 1, HyperLogLogCommands::pfmerge);
  }

  private static Reply pfadd(Call c) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.STRING);
    // Updated in place in a copy of the dense bytes: a PFADD costs a copy of 12 KiB, not a decode of every register.
    byte[] stored = m == null ? null : checked(m.value());
    if (stored == null || stored[4] == 1) {
      return pfaddSparse(c, m, stored);
    }
    byte[] v = stored.clone();
    boolean changed = false;
    for (int i = 2; i < c.argc(); i++) {
      long hash = murmur64a(c.arg(i), SEED);
      int index = index(hash);
      int count = run(hash);
      if (count > register(v, index)) {
        setRegister(v, index, count);
        changed = true;
      }
    }
    if (changed) {
      StringCommands.store(c, c.arg(1), m, v, m.expireAt());
    }
    return changed ? Reply.ONE : Reply.ZERO;
  }

  /** PFADD to a new or sparse HyperLogLog: stored sparse again while it fits, else dense. */
  private static Reply pfaddSparse(Call c, Meta m, byte[] stored) throws IOException {
    long[] hashes = new long[c.argc() - 2];
    for (int i = 2; i < c.argc(); i++) {
      hashes[i - 2] = murmur64a(c.arg(i), SEED);
    }
    byte[] changed = addSparse(stored, hashes);
    if (changed == null) {
      return Reply.ZERO;
    }
    StringCommands.store(c, c.arg(1), m, changed, m == null ? 0 : m.expireAt());
    return Reply.ONE;
  }

  /**
   * The value a sparse HyperLogLog ({@code stored}, null for a new one) takes once the elements of
   * {@code hashes} are added: sparse again while it fits, else dense; null when no register grew (a new
   * HyperLogLog always grows). Edits the sparse runs where the registers change, as Redis does, instead
   * of decoding all 16,384 registers and encoding them again; the bytes are those {@link #sparse} makes.
   */
  static byte[] addSparse(byte[] stored, long[] hashes) {
    Runs runs = stored == null ? Runs.empty() : Runs.of(stored);
    boolean grew = stored == null;
    for (long hash : hashes) {
      grew |= runs.raise(index(hash), run(hash));
    }
    if (!grew) {
      return null;
    }
    byte[] sparse = runs.encode();
    return sparse != null ? sparse : dense(runs.registers());
  }

  /** A sparse HyperLogLog as runs of equal registers, in order: starts, lengths and values. */
  private static final class Runs {
    int[] start;
    int[] length;
    int[] value;
    int n;

    private Runs(int capacity) {
      start = new int[capacity];
      length = new int[capacity];
      value = new int[capacity];
    }

    static Runs empty() {
      Runs runs = new Runs(4);
      runs.add(0, REGISTERS, 0);
      return runs;
    }

    /** The runs of a checked sparse value (ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy, VAL 1vvvvvxx). */
    static Runs of(byte[] v) {
      Runs runs = new Runs(Math.max(4, v.length - HEADER + 4));
      int r = 0;
      for (int i = HEADER; i < v.length; i++) {
        int op = v[i] & 0xff;
        int length;
        int value = 0;
        if ((op & 0xc0) == 0) {
          length = (op & 0x3f) + 1;
        } else if ((op & 0xc0) == 0x40) {
          if (i + 1 >= v.length) {
            throw new RedisError(NOT_HLL);
          }
          length = (((op & 0x3f) << 8) | (v[++i] & 0xff)) + 1;
        } else {
          value = ((op >>> 2) & 0x1f) + 1;
          length = (op & 0x3) + 1;
        }
        if (r + length > REGISTERS) {
          throw new RedisError(NOT_HLL);
        }
        runs.add(r, length, value);
        r += length;
      }
      if (r != REGISTERS) {
        throw new RedisError(NOT_HLL);
      }
      return runs;
    }

    private void add(int s, int l, int v) {
      if (n > 0 && value[n - 1] == v) {
        length[n - 1] += l; // equal neighbours are one run
        return;
      }
      if (n == start.length) {
        start = Arrays.copyOf(start, n * 2);
        length = Arrays.copyOf(length, n * 2);
        value = Arrays.copyOf(value, n * 2);
      }
      start[n] = s;
      length[n] = l;
      value[n] = v;
      n++;
    }

    /** Raises register {@code r} to {@code count}; false if it already was as high. */
    boolean raise(int r, int count) {
      int lo = 0;
      int hi = n - 1;
      while (lo < hi) { // the last run starting at or before r
        int mid = (lo + hi + 1) >>> 1;
        if (start[mid] <= r) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      int i = lo;
      if (value[i] >= count) {
        return false;
      }
      int before = r - start[i];
      int after = start[i] + length[i] - r - 1;
      int pieces = (before > 0 ? 1 : 0) + 1 + (after > 0 ? 1 : 0);
      int old = value[i];
      int end = start[i] + length[i];
      // make room for pieces - 1 more runs after i
      int grow = pieces - 1;
      if (n + grow > start.length) {
        start = Arrays.copyOf(start, (n + grow) * 2);
        length = Arrays.copyOf(length, (n + grow) * 2);
        value = Arrays.copyOf(value, (n + grow) * 2);
      }
      System.arraycopy(start, i + 1, start, i + 1 + grow, n - i - 1);
      System.arraycopy(length, i + 1, length, i + 1 + grow, n - i - 1);
      System.arraycopy(value, i + 1, value, i + 1 + grow, n - i - 1);
      n += grow;
      int at = i;
      if (before > 0) {
        start[at] = r - before;
        length[at] = before;
        value[at] = old;
        at++;
      }
      start[at] = r;
      length[at] = 1;
      value[at] = count;
      if (after > 0) {
        start[at + 1] = r + 1;
        length[at + 1] = end - r - 1;
        value[at + 1] = old;
      }
      return true;
    }

    /** The sparse bytes, or null when a register is above 32 or they would pass {@value #SPARSE_MAX} bytes. */
    byte[] encode() {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(HEADER + 2 * n + 2);
      out.writeBytes(MAGIC);
      out.writeBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80}); // sparse, 3 unused, no cached count
      for (int i = 0; i < n; ) {
        int v = value[i];
        int left = length[i];
        while (i + 1 < n && value[i + 1] == v) { // a raise may leave equal neighbours: one run
          left += length[++i];
        }
        i++;
        if (v == 0) {
          if (left <= 64) {
            out.write(left - 1);
          } else {
            out.write(0x40 | ((left - 1) >>> 8));
            out.write((left - 1) & 0xff);
          }
        } else if (v <= 32) {
          for (; left > 0; left -= 4) {
            out.write(0x80 | ((v - 1) << 2) | (Math.min(4, left) - 1));
          }
        } else {
          return null;
        }
        if (out.size() > SPARSE_MAX) {
          return null;
        }
      }
      return out.toByteArray();
    }

    int[] registers() {
      int[] registers = new int[REGISTERS];
      for (int i = 0; i < n; i++) {
        Arrays.fill(registers, start[i], start[i] + length[i], value[i]);
      }
      return registers;
    }
  }

  private static Reply pfcount(Call c) throws IOException {
    int[] merged = merged(c);
    return Reply.integer(merged == null ? 0 : count(merged));
  }

  private static Reply pfmerge(Call c) throws IOException {
    int[] merged = merged(c);
    merged = merged == null ? new int[REGISTERS] : merged;
    Meta dest = c.meta(c.arg(1), RedisType.STRING);
    StringCommands.store(c, c.arg(1), dest, dense(merged), dest == null ? 0 : dest.expireAt());
    return Reply.OK;
  }

  /** The register of an element's hash: its low {@value #P} bits. */
  private static int index(long hash) {
    return (int) (hash & (REGISTERS - 1));
  }

  /** The run Redis counts in the rest of the hash, 1 to Q + 1 (a bit set above the hash ends it). */
  private static int run(long hash) {
    return Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
  }

  /** The registers of the keys from argument 1 on, each the highest of theirs; null when none exists. */
  private static int[] merged(Call c) throws IOException {
    int[] merged = null;
    for (int i = 1; i < c.argc(); i++) {
      Meta m = c.meta(c.arg(i), RedisType.STRING);
      if (m != null) {
        int[] registers = registers(m.value());
        if (merged == null) {
          merged = registers;
        } else {
          for (int r = 0; r < REGISTERS; r++) {
            merged[r] = Math.max(merged[r], registers[r]);
          }
        }
      }
    }
    return merged;
  }

  /** Redis's cardinality estimate over the registers ({@code hllCount}, Ertl's improved estimator). */
  static long count(int[] registers) {
    int[] histogram = new int[64];
    for (int v : registers) {
      histogram[v]++;
    }
    double m = REGISTERS;
    double z = m * tau((m - histogram[Q + 1]) / m);
    for (int j = Q; j >= 1; --j) {
      z += histogram[j];
      z *= 0.5;
    }
    z += m * sigma(histogram[0] / m);
    return Math.round(ALPHA_INF * m * m / z);
  }

  private static double sigma(double x) {
    if (x == 1.0) {
      return Double.POSITIVE_INFINITY;
    }
    double zPrime;
    double y = 1;
    double z = x;
    do {
      x *= x;
      zPrime = z;
      z += x * y;
      y += y;
    } while (zPrime != z);
    return z;
  }

  private static double tau(double x) {
    if (x == 0.0 || x == 1.0) {
      return 0.0;
    }
    double zPrime;
    double y = 1.0;
    double z = 1 - x;
    do {
      x = Math.sqrt(x);
      zPrime = z;
      y *= 0.5;
      z -= Math.pow(1 - x, 2) * y;
    } while (zPrime != z);
    return z / 3;
  }

  /** A stored value, once it is known to be a HyperLogLog. */
  private static byte[] checked(byte[] v) {
    if (v.length < HEADER || !Arrays.equals(v, 0, 4, MAGIC, 0, 4) || v[4] > 1 || v[4] == 0 && v.length != DENSE_SIZE) {
      throw new RedisError(NOT_HLL);
    }
    return v;
  }

  /** Register {@code r} of dense bytes (Redis's HLL_DENSE_GET_REGISTER). */
  private static int register(byte[] v, int r) {
    int bit = r * BITS;
    int at = HEADER + bit / 8;
    int b0 = v[at] & 0xff;
    int b1 = at + 1 < DENSE_SIZE ? v[at + 1] & 0xff : 0;
    return ((b0 >>> (bit & 7)) | (b1 << (8 - (bit & 7)))) & MAX;
  }

  /** Sets register {@code r} of dense bytes (Redis's HLL_DENSE_SET_REGISTER). */
  private static void setRegister(byte[] v, int r, int value) {
    int bit = r * BITS;
    int at = HEADER + bit / 8;
    int shift = bit & 7;
    v[at] = (byte) ((v[at] & ~(MAX << shift)) | (value << shift));
    if (shift > 2) {
      v[at + 1] = (byte) ((v[at + 1] & ~(MAX >>> (8 - shift))) | (value >>> (8 - shift)));
    }
  }

  /** The registers of a stored HyperLogLog, dense or sparse. */
  static int[] registers(byte[] v) {
    checked(v);
    int[] registers = new int[REGISTERS];
    if (v[4] == 0) {
      for (int r = 0; r < REGISTERS; r++) {
        registers[r] = register(v, r);
      }
      return registers;
    }
    // Sparse: ZERO 00xxxxxx (1-64 zero registers), XZERO 01xxxxxx yyyyyyyy (1-16384), VAL 1vvvvvxx (value 1-32, 1-4 times).
    int r = 0;
    for (int i = HEADER; i < v.length; i++) {
      int op = v[i] & 0xff;
      if ((op & 0xc0) == 0) {
        r += (op & 0x3f) + 1;
      } else if ((op & 0xc0) == 0x40) {
        if (i + 1 >= v.length) {
          throw new RedisError(NOT_HLL);
        }
        r += (((op & 0x3f) << 8) | (v[++i] & 0xff)) + 1;
      } else {
        int value = ((op >>> 2) & 0x1f) + 1;
        int run = (op & 0x3) + 1;
        if (r + run > REGISTERS) {
          throw new RedisError(NOT_HLL);
        }
        for (int k = 0; k < run; k++) {
          registers[r++] = value;
        }
      }
      if (r > REGISTERS) {
        throw new RedisError(NOT_HLL);
      }
    }
    if (r != REGISTERS) {
      throw new RedisError(NOT_HLL);
    }
    return registers;
  }

  /**
   * Redis's sparse encoding of the registers (ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy, VAL 1vvvvvxx), or
   * null when a register is above 32 or it would take more than {@value #SPARSE_MAX} bytes.
   */
  static byte[] sparse(int[] registers) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.writeBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80}); // sparse, 3 unused, no cached count
    for (int r = 0; r < REGISTERS; ) {
      int value = registers[r];
      int run = 1;
      while (r + run < REGISTERS && registers[r + run] == value && (value == 0 || run < 4)) {
        run++;
      }
      if (value == 0 && run <= 64) {
        out.write(run - 1);
      } else if (value == 0) {
        out.write(0x40 | ((run - 1) >>> 8));
        out.write((run - 1) & 0xff);
      } else if (value <= 32) {
        out.write(0x80 | ((value - 1) << 2) | (run - 1));
      } else {
        return null;
      }
      if (out.size() > SPARSE_MAX) {
        return null;
      }
      r += run;
    }
    return out.toByteArray();
  }

  /** Redis's dense encoding of the registers, its cached count marked invalid. */
  static byte[] dense(int[] registers) {
    byte[] v = new byte[DENSE_SIZE];
    System.arraycopy(MAGIC, 0, v, 0, 4);
    v[HEADER - 1] = (byte) 0x80; // card[7]'s top bit: no cached count
    for (int r = 0; r < REGISTERS; r++) {
      setRegister(v, r, registers[r]);
    }
    return v;
  }

  /** Austin Appleby's MurmurHash64A, as Redis's hyperloglog.c has it (little-endian 8-byte blocks). */
  static long murmur64a(byte[] key, long seed) {
    final long m = 0xc6a4a7935bd1e995L;
    final int r = 47;
    int len = key.length;
    long h = seed ^ (len * m);
    int blocks = len - (len & 7);
    for (int i = 0; i < blocks; i += 8) {
      long k = 0;
      for (int b = 7; b >= 0; b--) {
        k = (k << 8) | (key[i + b] & 0xffL);
      }
      k *= m;
      k ^= k >>> r;
      k *= m;
      h ^= k;
      h *= m;
    }
    int tail = len & 7;
    if (tail > 0) {
      for (int b = tail - 1; b >= 0; b--) {
        h ^= (key[blocks + b] & 0xffL) << (8 * b);
      }
      h *= m;
    }
    h ^= h >>> r;
    h *= m;
    h ^= h >>> r;
    return h;
  }
}
