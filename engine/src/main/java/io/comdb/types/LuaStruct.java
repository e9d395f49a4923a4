package io.comdb.types;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code struct} library of Redis's scripts (Roberto Ierusalimschy's struct 0.2, as built into Redis
 * on x86-64): {@code pack(fmt, ...)}, {@code unpack(fmt, s [, i])} and {@code size(fmt)}. Formats:
 * {@code > < =} byte order (little endian by default), {@code !n} alignment, {@code x} a padding byte,
 * {@code b B} 1-byte, {@code h H} 2-byte, {@code i I}[n] n-byte (4 by default), {@code l L T} 8-byte
 * integers (lower case signed), {@code f} float, {@code d} double, {@code c}[n] n characters ({@code c0}:
 * the whole string, or in unpack the length read just before), {@code s} a zero-terminated string.
 */
final class LuaStruct {
  private static final int MAX_INT_SIZE = 32;
  private static final int MAX_ALIGN = 8;

  private LuaStruct() {}

  static LuaTable library() {
    LuaTable t = new LuaTable();
    t.rawset("pack", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return LuaValue.valueOf(pack(LuaValues.bytes(args.checkstring(1)), args));
      }
    });
    t.rawset("unpack", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        byte[] data = LuaValues.bytes(args.checkstring(2));
        long start = args.optlong(3, 1);
        if (start < 1) {
          throw new LuaError("offset must be 1 or greater");
        }
        return unpack(LuaValues.bytes(args.checkstring(1)), data, (int) Math.min(start - 1, Integer.MAX_VALUE));
      }
    });
    t.rawset("size", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        Format f = new Format(LuaValues.bytes(args.checkstring(1)));
        int pos = 0;
        for (Item item; (item = f.next()) != null; ) {
          if (item.code == 's' || item.code == 'c' && item.size == 0) {
            throw new LuaError("options 'c0' - 's' have undefined sizes");
          }
          pos += f.padding(item, pos) + item.size;
        }
        return LuaValue.valueOf(pos);
      }
    });
    return t;
  }

  /** One option of a format: its letter and size in bytes. */
  private record Item(char code, int size) {}

  /** Reads a format, keeping its byte order and alignment as they change. */
  private static final class Format {
    private final byte[] fmt;
    private int at;
    boolean littleEndian = true;
    int align = 1;

    Format(byte[] fmt) {
      this.fmt = fmt;
    }

    /** The next item that takes bytes, or null at the end; order and alignment options are applied on the way. */
    Item next() {
      while (at < fmt.length) {
        char c = (char) fmt[at++];
        switch (c) {
          case ' ' -> { }
          case '>' -> littleEndian = false;
          case '<', '=' -> littleEndian = true;
          case '!' -> align = number(MAX_ALIGN);
          case 'x', 'b', 'B' -> {
            return new Item(c, 1);
          }
          case 'h', 'H' -> {
            return new Item(c, 2);
          }
          case 'l', 'L', 'T' -> {
            return new Item(c, 8);
          }
          case 'f' -> {
            return new Item(c, 4);
          }
          case 'd' -> {
            return new Item(c, 8);
          }
          case 's' -> {
            return new Item(c, 0);
          }
          case 'c' -> {
            return new Item(c, number(1));
          }
          case 'i', 'I' -> {
            int size = number(4);
            if (size > MAX_INT_SIZE) {
              throw new LuaError("integral size " + size + " is larger than limit of " + MAX_INT_SIZE);
            }
            return new Item(c, size);
          }
          default -> throw new LuaError("invalid format option '" + c + "'");
        }
      }
      return null;
    }

    private int number(int absent) {
      if (at >= fmt.length || fmt[at] < '0' || fmt[at] > '9') {
        return absent;
      }
      long n = 0;
      while (at < fmt.length && fmt[at] >= '0' && fmt[at] <= '9') {
        n = Math.min(n * 10 + (fmt[at++] - '0'), Integer.MAX_VALUE);
      }
      return (int) n;
    }

    /** The padding before {@code item} at {@code pos}, under the alignment set with {@code !}. */
    int padding(Item item, int pos) {
      int size = item.code == 'c' || item.code == 's' || item.code == 'x' ? 1 : item.size;
      if (size <= 1 || align <= 1) {
        return 0;
      }
      int a = Math.min(size, align);
      if ((a & (a - 1)) != 0) {
        throw new LuaError("alignment " + a + " is not a power of 2");
      }
      return (a - (pos & (a - 1))) & (a - 1);
    }
  }

  private static byte[] pack(byte[] fmt, Varargs args) {
    Format f = new Format(fmt);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int arg = 2;
    for (Item item; (item = f.next()) != null; ) {
      for (int p = f.padding(item, out.size()); p > 0; p--) {
        out.write(0);
      }
      switch (item.code) {
        case 'x' -> out.write(0);
        case 'f' -> integer(Float.floatToRawIntBits((float) args.checkdouble(arg++)) & 0xffffffffL, 4, f.littleEndian, out);
        case 'd' -> integer(Double.doubleToRawLongBits(args.checkdouble(arg++)), 8, f.littleEndian, out);
        case 'c', 's' -> {
          byte[] s = LuaValues.bytes(args.checkstring(arg++));
          int length = item.code == 'c' && item.size > 0 ? item.size : s.length;
          if (s.length < length) {
            throw new LuaError("bad argument #" + (arg - 1) + " to 'pack' (string too short)");
          }
          out.write(s, 0, length);
          if (item.code == 's') {
            out.write(0);
          }
        }
        default -> {
          double n = args.checkdouble(arg++);
          integer(n < 0 ? (long) n : n >= 9.223372036854775807E18 ? (long) (n - 18446744073709551616.0) : (long) n, item.size,
              f.littleEndian, out);
        }
      }
    }
    return out.toByteArray();
  }

  /** Writes the low {@code size} bytes of {@code v} (sign-extended past 8 bytes). */
  private static void integer(long v, int size, boolean littleEndian, ByteArrayOutputStream out) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      byte x = i < 8 ? (byte) (v >>> (8 * i)) : (byte) (v < 0 ? 0xff : 0);
      b[littleEndian ? i : size - 1 - i] = x;
    }
    out.writeBytes(b);
  }

  private static Varargs unpack(byte[] fmt, byte[] data, int pos) {
    Format f = new Format(fmt);
    java.util.List<LuaValue> out = new java.util.ArrayList<>();
    for (Item item; (item = f.next()) != null; ) {
      pos += f.padding(item, pos);
      int size = item.size;
      if (item.code == 'c' && size == 0) {
        if (out.isEmpty() || !out.get(out.size() - 1).isnumber()) {
          throw new LuaError("format 'c0' needs a previous size");
        }
        size = out.remove(out.size() - 1).toint();
      }
      if (item.code == 's') {
        int end = pos;
        while (end < data.length && data[end] != 0) {
          end++;
        }
        if (end >= data.length) {
          throw new LuaError("unfinished string in data");
        }
        out.add(LuaValue.valueOf(java.util.Arrays.copyOfRange(data, pos, end)));
        pos = end + 1;
        continue;
      }
      if ((long) pos + size > data.length) {
        throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
      }
      switch (item.code) {
        case 'x' -> { }
        case 'c' -> out.add(LuaValue.valueOf(java.util.Arrays.copyOfRange(data, pos, pos + size)));
        case 'f' -> out.add(LuaValue.valueOf(Float.intBitsToFloat((int) read(data, pos, 4, f.littleEndian))));
        case 'd' -> out.add(LuaValue.valueOf(Double.longBitsToDouble(read(data, pos, 8, f.littleEndian))));
        default -> {
          // Past 8 bytes only the low 8 count: the first 8 little-endian, the last 8 big-endian.
          long v = read(data, f.littleEndian ? pos : pos + size - Math.min(size, 8), Math.min(size, 8), f.littleEndian);
          boolean signed = Character.isLowerCase(item.code);
          if (signed && size < 8) {
            v = v << (64 - 8 * size) >> (64 - 8 * size);
          } else if (!signed && size < 8) {
            v &= (1L << (8 * size)) - 1;
          }
          out.add(LuaValue.valueOf(!signed && v < 0 ? (double) (v >>> 1) * 2.0 + (v & 1) : (double) v));
        }
      }
      pos += size;
    }
    out.add(LuaValue.valueOf(pos + 1));
    return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
  }

  /** The integer of {@code size} (at most 8) bytes at {@code pos}. */
  private static long read(byte[] data, int pos, int size, boolean littleEndian) {
    long v = 0;
    for (int i = 0; i < size; i++) {
      int b = data[pos + (littleEndian ? size - 1 - i : i)] & 0xff;
      v = v << 8 | b;
    }
    return v;
  }
}
