package io.comdb.types;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code cmsgpack} library of Redis's scripts (lua-cmsgpack): {@code pack(...)} writes each value as
 * MessagePack, {@code unpack(s)} reads every value back, {@code unpack_one(s [, offset])} and
 * {@code unpack_limit(s, limit [, offset])} read some and answer where the next one starts (-1 at the
 * end). As lua-cmsgpack: an integral number is an integer, another a float32 when that is exact and a
 * float64 otherwise; a table with keys 1..n is an array, any other a map; tables nested past 16 levels
 * are nil. A map's pairs come in the order the table iterates them.
 */
final class LuaMsgpack {
  private static final int MAX_NESTING = 16;

  private LuaMsgpack() {}

  static LuaTable library() {
    LuaTable t = new LuaTable();
    t.rawset("pack", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        if (args.narg() == 0) {
          throw new LuaError("MessagePack pack needs input.");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 1; i <= args.narg(); i++) {
          pack(args.arg(i), out, 0);
        }
        return LuaValue.valueOf(out.toByteArray());
      }
    });
    t.rawset("unpack", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return unpack(LuaValues.bytes(args.checkstring(1)), 0, 0, false);
      }
    });
    t.rawset("unpack_one", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return unpack(LuaValues.bytes(args.checkstring(1)), 1, args.optint(2, 0), true);
      }
    });
    t.rawset("unpack_limit", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return unpack(LuaValues.bytes(args.checkstring(1)), args.checkint(2), args.optint(3, 0), true);
      }
    });
    return t;
  }

  private static void pack(LuaValue v, ByteArrayOutputStream out, int level) {
    switch (v.type()) {
      case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
      case LuaValue.TNUMBER -> number(v.todouble(), out);
      case LuaValue.TSTRING -> {
        byte[] s = LuaValues.bytes(v.checkstring());
        header(out, s.length, 0xa0, 32, 0xd9, 0xda, 0xdb);
        out.writeBytes(s);
      }
      case LuaValue.TTABLE -> {
        if (level >= MAX_NESTING) {
          out.write(0xc0);
        } else {
          table((LuaTable) v, out, level + 1);
        }
      }
      default -> out.write(0xc0); // nil, and what MessagePack cannot hold
    }
  }

  private static void number(double d, ByteArrayOutputStream out) {
    if (!Double.isInfinite(d) && !Double.isNaN(d) && (double) (long) d == d) {
      integer((long) d, out);
    } else if ((double) (float) d == d) {
      out.write(0xca);
      out.writeBytes(ByteBuffer.allocate(4).putFloat((float) d).array());
    } else {
      out.write(0xcb);
      out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
    }
  }

  /** lua-cmsgpack's integer forms: the smallest that holds the value. */
  private static void integer(long n, ByteArrayOutputStream out) {
    ByteBuffer b;
    if (n >= 0) {
      if (n <= 127) {
        out.write((int) n);
        return;
      }
      b = n <= 0xff ? ByteBuffer.allocate(2).put((byte) 0xcc).put((byte) n)
          : n <= 0xffff ? ByteBuffer.allocate(3).put((byte) 0xcd).putShort((short) n)
          : n <= 0xffffffffL ? ByteBuffer.allocate(5).put((byte) 0xce).putInt((int) n)
          : ByteBuffer.allocate(9).put((byte) 0xcf).putLong(n);
    } else {
      if (n >= -32) {
        out.write((int) n & 0xff);
        return;
      }
      b = n >= -128 ? ByteBuffer.allocate(2).put((byte) 0xd0).put((byte) n)
          : n >= -32768 ? ByteBuffer.allocate(3).put((byte) 0xd1).putShort((short) n)
          : n >= Integer.MIN_VALUE ? ByteBuffer.allocate(5).put((byte) 0xd2).putInt((int) n)
          : ByteBuffer.allocate(9).put((byte) 0xd3).putLong(n);
    }
    out.writeBytes(b.array());
  }

  private static void header(ByteArrayOutputStream out, int length, int fix, int fixLimit, int one, int two, int four) {
    if (length < fixLimit) {
      out.write(fix | length);
    } else if (one != 0 && length <= 0xff) {
      out.write(one);
      out.write(length);
    } else if (length <= 0xffff) {
      out.write(two);
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) length).array());
    } else {
      out.write(four);
      out.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
    }
  }

  private static void table(LuaTable t, ByteArrayOutputStream out, int level) {
    int count = 0;
    double max = 0;
    boolean array = true;
    for (Varargs kv = t.next(LuaValue.NIL); !kv.arg1().isnil(); kv = t.next(kv.arg1())) {
      LuaValue k = kv.arg1();
      double d = k.type() == LuaValue.TNUMBER ? k.todouble() : 0;
      if (d <= 0 || Math.floor(d) != d) {
        array = false;
      }
      max = Math.max(max, d);
      count++;
    }
    if (array && max == count) {
      header(out, count, 0x90, 16, 0, 0xdc, 0xdd);
      for (int i = 1; i <= count; i++) {
        pack(t.get(i), out, level);
      }
      return;
    }
    header(out, count, 0x80, 16, 0, 0xde, 0xdf);
    for (Varargs kv = t.next(LuaValue.NIL); !kv.arg1().isnil(); kv = t.next(kv.arg1())) {
      pack(kv.arg1(), out, level);
      pack(kv.arg(2), out, level);
    }
  }

  /** Up to {@code limit} values (0: all) from {@code offset}; with {@code withOffset}, the next offset (-1 at the end) first. */
  private static Varargs unpack(byte[] s, int limit, int offset, boolean withOffset) {
    if (offset < 0 || limit < 0) { // the length where the limit should be, as lua-cmsgpack says it
      throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of " + s.length + ".");
    }
    if (offset > s.length) {
      throw new LuaError("Start offset " + offset + " greater than input length " + s.length + ".");
    }
    ByteBuffer in = ByteBuffer.wrap(s);
    in.position(offset);
    java.util.List<LuaValue> values = new java.util.ArrayList<>();
    while (in.hasRemaining() && (limit == 0 || values.size() < limit)) {
      values.add(value(in));
    }
    LuaValue[] out = new LuaValue[values.size() + (withOffset ? 1 : 0)];
    int i = 0;
    if (withOffset) {
      out[i++] = LuaValue.valueOf(in.hasRemaining() ? in.position() : -1);
    }
    for (LuaValue v : values) {
      out[i++] = v;
    }
    return LuaValue.varargsOf(out);
  }

  private static LuaValue value(ByteBuffer in) {
    try {
      int c = in.get() & 0xff;
      if (c <= 0x7f) {
        return LuaValue.valueOf(c);
      } else if (c >= 0xe0) {
        return LuaValue.valueOf((byte) c);
      } else if ((c & 0xe0) == 0xa0) {
        return bytes(in, c & 0x1f);
      } else if ((c & 0xf0) == 0x90) {
        return array(in, c & 0x0f);
      } else if ((c & 0xf0) == 0x80) {
        return map(in, c & 0x0f);
      }
      return switch (c) {
        case 0xc0 -> LuaValue.NIL;
        case 0xc2 -> LuaValue.FALSE;
        case 0xc3 -> LuaValue.TRUE;
        case 0xca -> LuaValue.valueOf(in.getFloat());
        case 0xcb -> LuaValue.valueOf(in.getDouble());
        case 0xcc -> LuaValue.valueOf(in.get() & 0xff);
        case 0xcd -> LuaValue.valueOf(in.getShort() & 0xffff);
        case 0xce -> LuaValue.valueOf((double) (in.getInt() & 0xffffffffL));
        case 0xcf -> LuaValue.valueOf(unsigned(in.getLong()));
        case 0xd0 -> LuaValue.valueOf(in.get());
        case 0xd1 -> LuaValue.valueOf(in.getShort());
        case 0xd2 -> LuaValue.valueOf(in.getInt());
        case 0xd3 -> LuaValue.valueOf((double) in.getLong());
        case 0xc4, 0xd9 -> bytes(in, in.get() & 0xff);
        case 0xc5, 0xda -> bytes(in, in.getShort() & 0xffff);
        case 0xc6, 0xdb -> bytes(in, in.getInt());
        case 0xdc -> array(in, in.getShort() & 0xffff);
        case 0xdd -> array(in, in.getInt());
        case 0xde -> map(in, in.getShort() & 0xffff);
        case 0xdf -> map(in, in.getInt());
        default -> throw new LuaError("Bad data format in input.");
      };
    } catch (java.nio.BufferUnderflowException e) {
      throw new LuaError("Missing bytes in input.");
    }
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  private static LuaValue bytes(ByteBuffer in, int length) {
    if (length < 0 || length > in.remaining()) {
      throw new LuaError("Missing bytes in input.");
    }
    byte[] b = new byte[length];
    in.get(b);
    return LuaValue.valueOf(b);
  }

  private static LuaValue array(ByteBuffer in, int n) {
    if (n < 0 || n > in.remaining()) {
      throw new LuaError("Missing bytes in input.");
    }
    LuaTable t = new LuaTable(n, 0);
    for (int i = 1; i <= n; i++) {
      t.rawset(i, value(in));
    }
    return t;
  }

  private static LuaValue map(ByteBuffer in, int n) {
    if (n < 0 || n > in.remaining()) {
      throw new LuaError("Missing bytes in input.");
    }
    LuaTable t = new LuaTable();
    for (int i = 0; i < n; i++) {
      LuaValue k = value(in);
      LuaValue v = value(in);
      if (!k.isnil()) {
        t.rawset(k, v);
      }
    }
    return t;
  }
}
