package io.comdb.types;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * The {@code cjson} library of Redis's scripts (lua-cjson 2.1 with its default settings): {@code encode},
 * {@code decode} and {@code null}. Numbers are written with 14 significant digits; a table whose keys
 * are all positive integers is an array (an empty one is an object, a sparse one past lua-cjson's ratio an
 * error), any other an object whose keys must be strings or numbers. Nesting stops at 1,000 levels. An
 * object's keys come in the order the table iterates them, which may differ from Redis's.
 */
final class LuaJson {
  private static final int MAX_DEPTH = 1000;
  /** {@code cjson.null}: what JSON null decodes to, and encodes from. */
  static final LuaValue NULL = new LuaUserdata(new Object());

  private LuaJson() {}

  static LuaTable library() {
    LuaTable t = new LuaTable();
    t.rawset("encode", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(v, out, 0);
        return LuaValue.valueOf(out.toByteArray());
      }
    });
    t.rawset("decode", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue v) {
        return new Decoder(LuaValues.bytes(v.checkstring())).document();
      }
    });
    t.rawset("null", NULL);
    return t;
  }

  private static void encode(LuaValue v, ByteArrayOutputStream out, int depth) {
    switch (v.type()) {
      case LuaValue.TNIL -> out.writeBytes(new byte[] {'n', 'u', 'l', 'l'});
      case LuaValue.TBOOLEAN -> out.writeBytes(v.toboolean() ? "true".getBytes() : "false".getBytes());
      case LuaValue.TNUMBER -> out.writeBytes(number(v.todouble()).getBytes());
      case LuaValue.TSTRING -> string(LuaValues.bytes(v.checkstring()), out);
      case LuaValue.TTABLE -> table((LuaTable) v, out, depth + 1);
      default -> {
        if (v == NULL) {
          out.writeBytes(new byte[] {'n', 'u', 'l', 'l'});
        } else {
          throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
        }
      }
    }
  }

  private static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new LuaError("Cannot serialise number: must not be NaN or Inf");
    }
    return d == 0 ? (1 / d < 0 ? "-0" : "0") : Numbers.percentG(d, 14);
  }

  private static void table(LuaTable t, ByteArrayOutputStream out, int depth) {
    if (depth > MAX_DEPTH) {
      throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
    }
    long length = arrayLength(t);
    if (length > 0) {
      out.write('[');
      for (long i = 1; i <= length; i++) {
        if (i > 1) {
          out.write(',');
        }
        encode(t.get((int) i), out, depth);
      }
      out.write(']');
      return;
    }
    out.write('{');
    boolean first = true;
    for (Varargs kv = t.next(LuaValue.NIL); !kv.arg1().isnil(); kv = t.next(kv.arg1())) {
      LuaValue k = kv.arg1();
      if (!first) {
        out.write(',');
      }
      first = false;
      if (k.type() == LuaValue.TNUMBER) {
        string(number(k.todouble()).getBytes(), out);
      } else if (k.type() == LuaValue.TSTRING) {
        string(LuaValues.bytes(k.checkstring()), out);
      } else {
        throw new LuaError("Cannot serialise table: table key must be a number or string");
      }
      out.write(':');
      encode(kv.arg(2), out, depth);
    }
    out.write('}');
  }

  /** lua-cjson's {@code lua_array_length}: the greatest key if every key is a positive integer, else -1. */
  private static long arrayLength(LuaTable t) {
    long max = 0;
    long items = 0;
    for (Varargs kv = t.next(LuaValue.NIL); !kv.arg1().isnil(); kv = t.next(kv.arg1())) {
      LuaValue k = kv.arg1();
      double d = k.type() == LuaValue.TNUMBER ? k.todouble() : 0;
      if (d < 1 || Math.floor(d) != d) {
        return -1;
      }
      max = Math.max(max, (long) d);
      items++;
    }
    if (max > items * 2 && max > 10) {
      throw new LuaError("Cannot serialise table: excessively sparse array");
    }
    return max;
  }

  private static void string(byte[] s, ByteArrayOutputStream out) {
    out.write('"');
    for (byte b : s) {
      int c = b & 0xff;
      switch (c) {
        case '"' -> out.writeBytes(new byte[] {'\\', '"'});
        case '\\' -> out.writeBytes(new byte[] {'\\', '\\'});
        case '/' -> out.writeBytes(new byte[] {'\\', '/'});
        case '\b' -> out.writeBytes(new byte[] {'\\', 'b'});
        case '\f' -> out.writeBytes(new byte[] {'\\', 'f'});
        case '\n' -> out.writeBytes(new byte[] {'\\', 'n'});
        case '\r' -> out.writeBytes(new byte[] {'\\', 'r'});
        case '\t' -> out.writeBytes(new byte[] {'\\', 't'});
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.writeBytes(String.format("\\u%04x", c).getBytes());
          } else {
            out.write(c);
          }
        }
      }
    }
    out.write('"');
  }

  /** A recursive-descent JSON reader with lua-cjson's error texts (positions count from 1). */
  private static final class Decoder {
    private final byte[] in;
    private int at;
    private int depth;

    Decoder(byte[] in) {
      this.in = in;
    }

    LuaValue document() {
      LuaValue v = value();
      skipSpace();
      if (at < in.length) {
        throw expected("the end");
      }
      return v;
    }

    private LuaValue value() {
      skipSpace();
      if (at >= in.length) {
        throw expected("value");
      }
      byte c = in[at];
      if (c == '{') {
        return object();
      } else if (c == '[') {
        return array();
      } else if (c == '"') {
        return LuaValue.valueOf(string());
      } else if (c == '-' || c >= '0' && c <= '9') {
        return number();
      } else if (word("true")) {
        return LuaValue.TRUE;
      } else if (word("false")) {
        return LuaValue.FALSE;
      } else if (word("null")) {
        return NULL;
      }
      throw expected("value");
    }

    private LuaTable object() {
      enter();
      at++;
      LuaTable t = new LuaTable();
      skipSpace();
      if (at < in.length && in[at] == '}') {
        at++;
        depth--;
        return t;
      }
      while (true) {
        skipSpace();
        if (at >= in.length || in[at] != '"') {
          throw expected("object key string");
        }
        LuaString key = LuaValue.valueOf(string());
        skipSpace();
        if (at >= in.length || in[at] != ':') {
          throw expected("colon");
        }
        at++;
        t.rawset(key, value());
        skipSpace();
        if (at < in.length && in[at] == ',') {
          at++;
        } else if (at < in.length && in[at] == '}') {
          at++;
          depth--;
          return t;
        } else {
          throw expected("comma or object end");
        }
      }
    }

    private LuaTable array() {
      enter();
      at++;
      LuaTable t = new LuaTable();
      skipSpace();
      if (at < in.length && in[at] == ']') {
        at++;
        depth--;
        return t;
      }
      for (int i = 1; ; i++) {
        t.rawset(i, value());
        skipSpace();
        if (at < in.length && in[at] == ',') {
          at++;
        } else if (at < in.length && in[at] == ']') {
          at++;
          depth--;
          return t;
        } else {
          throw expected("comma or array end");
        }
      }
    }

    private void enter() {
      if (++depth > MAX_DEPTH) {
        throw new LuaError("Found too many nested data structures (" + depth + ") at character " + (at + 1));
      }
    }

    private byte[] string() {
      int start = at;
      at++;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (at < in.length && in[at] != '"') {
        byte c = in[at++];
        if (c != '\\') {
          out.write(c);
          continue;
        }
        if (at >= in.length) {
          break;
        }
        byte e = in[at++];
        switch (e) {
          case '"', '\\', '/' -> out.write(e);
          case 'b' -> out.write('\b');
          case 'f' -> out.write('\f');
          case 'n' -> out.write('\n');
          case 'r' -> out.write('\r');
          case 't' -> out.write('\t');
          case 'u' -> unicode(out, start);
          default -> throw invalid("invalid escape code", start);
        }
      }
      if (at >= in.length) {
        throw invalid("unexpected end of string", start);
      }
      at++;
      return out.toByteArray();
    }

    /** A {@code \\uXXXX} escape (with a following low surrogate when it is a high one), written as UTF-8. */
    private void unicode(ByteArrayOutputStream out, int start) {
      int cp = hex4(start);
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (at + 1 >= in.length || in[at] != '\\' || in[at + 1] != 'u') {
          throw invalid("invalid unicode escape code", start);
        }
        at += 2;
        int low = hex4(start);
        if (low < 0xDC00 || low > 0xDFFF) {
          throw invalid("invalid unicode escape code", start);
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        throw invalid("invalid unicode escape code", start);
      }
      out.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private int hex4(int start) {
      if (at + 4 > in.length) {
        throw invalid("invalid unicode escape code", start);
      }
      try {
        int v = Integer.parseInt(new String(in, at, 4, java.nio.charset.StandardCharsets.US_ASCII), 16);
        at += 4;
        return v;
      } catch (NumberFormatException e) {
        throw invalid("invalid unicode escape code", start);
      }
    }

    private LuaValue number() {
      int start = at;
      while (at < in.length && "+-0123456789.eE".indexOf(in[at]) >= 0) {
        at++;
      }
      try {
        return LuaValue.valueOf(Double.parseDouble(new String(in, start, at - start, java.nio.charset.StandardCharsets.US_ASCII)));
      } catch (NumberFormatException e) {
        throw invalid("invalid number", start);
      }
    }

    private boolean word(String w) {
      if (at + w.length() <= in.length && new String(in, at, w.length(), java.nio.charset.StandardCharsets.US_ASCII).equals(w)) {
        at += w.length();
        return true;
      }
      return false;
    }

    private void skipSpace() {
      while (at < in.length && (in[at] == ' ' || in[at] == '\t' || in[at] == '\n' || in[at] == '\r')) {
        at++;
      }
    }

    private LuaError expected(String what) {
      String found = at >= in.length ? "T_END" : "invalid token";
      return new LuaError("Expected " + what + " but found " + found + " at character " + (at + 1));
    }

    private LuaError invalid(String why, int start) {
      return new LuaError("Expected value but found " + why + " at character " + (start + 1));
    }
  }
}
