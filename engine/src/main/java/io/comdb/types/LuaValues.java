package io.comdb.types;

import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/** Values between Redis and Lua, converted as Redis 7.0 converts them with RESP2, and LuaBitOp's {@code bit}. */
final class LuaValues {
  static final LuaString ERR = LuaString.valueOf("err");
  static final LuaString OK = LuaString.valueOf("ok");

  private LuaValues() {}

  static LuaTable errorTable(String text) {
    LuaTable t = new LuaTable();
    t.rawset(ERR, LuaValue.valueOf(text));
    return t;
  }


  /**
   * A reply as a script that chose RESP3 ({@code redis.setresp(3)}) gets it: nulls are nil, booleans
   * booleans, and a map, a set and a double are tables with a {@code map}, {@code set} or {@code double}
   * field, as Redis 7.0 converts them.
   */
  static LuaValue toLua3(Reply reply) {
    if (reply instanceof Reply.Bulk b && b.value() == null || reply instanceof Reply.Arr a && a.elements() == null
        || reply instanceof Reply.Null) {
      return LuaValue.NIL;
    }
    if (reply instanceof Reply.Bool b) {
      return LuaValue.valueOf(b.value());
    }
    if (reply instanceof Reply.Dbl d) {
      return field("double", LuaValue.valueOf(d.value()));
    }
    if (reply instanceof Reply.MapReply || reply instanceof Reply.KeyedArrays) {
      List<Reply> flat = reply instanceof Reply.MapReply m ? m.keysAndValues() : ((Reply.KeyedArrays) reply).flat();
      LuaTable map = new LuaTable();
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        map.rawset(toLua3(flat.get(i)), toLua3(flat.get(i + 1)));
      }
      return field("map", map);
    }
    if (reply instanceof Reply.SetReply s) {
      LuaTable set = new LuaTable();
      for (Reply e : s.elements()) {
        set.rawset(toLua3(e), LuaValue.TRUE);
      }
      return field("set", set);
    }
    List<Reply> elements = reply instanceof Reply.Arr a ? a.elements() : reply instanceof Reply.Push p ? p.elements() : null;
    if (reply instanceof Reply.Pairs p) { // RESP3 pairs: an array of two-element arrays
      elements = new ArrayList<>();
      for (int i = 0; i + 1 < p.flat().size(); i += 2) {
        elements.add(Reply.array(p.flat().subList(i, i + 2)));
      }
    }
    if (elements == null) {
      return toLua(reply); // integers, strings, status and error replies: as in RESP2
    }
    LuaTable t = new LuaTable(elements.size(), 0);
    for (int i = 0; i < elements.size(); i++) {
      t.rawset(i + 1, toLua3(elements.get(i)));
    }
    return t;
  }

  private static LuaTable field(String name, LuaValue value) {
    LuaTable t = new LuaTable();
    t.rawset(name, value);
    return t;
  }

  static LuaValue toLua(Reply reply) {
    if (reply instanceof Reply.Int i) {
      return LuaValue.valueOf(i.value());
    }
    if (reply instanceof Reply.Bulk b) {
      return b.value() == null ? LuaValue.FALSE : LuaString.valueOf(b.value());
    }
    if (reply instanceof Reply.Simple s) {
      LuaTable t = new LuaTable();
      t.rawset(OK, LuaValue.valueOf(s.text()));
      return t;
    }
    if (reply instanceof Reply.Err e) {
      return errorTable(e.text());
    }
    if (reply instanceof Reply.Dbl d) {
      return LuaValue.valueOf(d.written());
    }
    if (reply instanceof Reply.Bool b) {
      return b.value() ? LuaValue.valueOf(1) : LuaValue.FALSE;
    }
    if (reply instanceof Reply.KeyedArrays k) { // as in RESP2: [key, value] pairs
      List<Reply> pairs = new java.util.ArrayList<>();
      for (int i = 0; i + 1 < k.flat().size(); i += 2) {
        pairs.add(Reply.array(k.flat().subList(i, i + 2)));
      }
      return toLua(Reply.array(pairs));
    }
    List<Reply> elements = null;
    if (reply instanceof Reply.Arr a) {
      elements = a.elements();
    } else if (reply instanceof Reply.MapReply m) {
      elements = m.keysAndValues();
    } else if (reply instanceof Reply.SetReply s) {
      elements = s.elements();
    } else if (reply instanceof Reply.Pairs p) {
      elements = p.flat();
    } else if (reply instanceof Reply.Push p) {
      elements = p.elements();
    }
    if (elements == null) {
      return LuaValue.FALSE; // a null bulk, array or RESP3 null
    }
    LuaTable t = new LuaTable(elements.size(), 0);
    for (int i = 0; i < elements.size(); i++) {
      t.rawset(i + 1, toLua(elements.get(i)));
    }
    return t;
  }

  static Reply toReply(LuaValue v) {
    switch (v.type()) {
      case LuaValue.TNIL:
        return Reply.NULL_BULK;
      case LuaValue.TBOOLEAN:
        return v.toboolean() ? Reply.ONE : Reply.NULL_BULK;
      case LuaValue.TNUMBER:
        return Reply.integer((long) v.todouble());
      case LuaValue.TSTRING:
        return Reply.bulk(bytes(v.checkstring()));
      case LuaValue.TTABLE: {
        LuaValue err = v.rawget(ERR);
        if (err.isstring()) {
          return Reply.error(err.tojstring());
        }
        LuaValue ok = v.rawget(OK);
        if (ok.isstring()) {
          return new Reply.Simple(ok.tojstring());
        }
        // RESP3's types, as Redis 7.0 returns them from any script: {double=n}, {map={...}}, {set={...}}
        LuaValue dbl = v.rawget("double");
        if (dbl.type() == LuaValue.TNUMBER) {
          return new Reply.Dbl(dbl.todouble());
        }
        LuaValue map = v.rawget("map");
        if (map.istable()) {
          List<Reply> flat = new ArrayList<>();
          for (Varargs kv = map.next(LuaValue.NIL); !kv.arg1().isnil(); kv = map.next(kv.arg1())) {
            flat.add(toReply(kv.arg1()));
            flat.add(toReply(kv.arg(2)));
          }
          return new Reply.MapReply(flat);
        }
        LuaValue set = v.rawget("set");
        if (set.istable()) {
          List<Reply> members = new ArrayList<>();
          for (Varargs kv = set.next(LuaValue.NIL); !kv.arg1().isnil(); kv = set.next(kv.arg1())) {
            members.add(toReply(kv.arg1()));
          }
          return new Reply.SetReply(members);
        }
        List<Reply> out = new ArrayList<>();
        for (int i = 1; ; i++) {
          LuaValue e = v.rawget(i);
          if (e.isnil()) {
            break;
          }
          out.add(toReply(e));
        }
        return Reply.array(out);
      }
      default:
        return Reply.NULL_BULK; // functions, userdata: Redis answers nil
    }
  }

  static LuaTable strings(List<byte[]> values) {
    LuaTable t = new LuaTable(values.size(), 0);
    for (int i = 0; i < values.size(); i++) {
      t.rawset(i + 1, LuaString.valueOf(values.get(i)));
    }
    return t;
  }

  static byte[] bytes(LuaString s) {
    byte[] b = new byte[s.m_length];
    s.copyInto(0, b, 0, b.length);
    return b;
  }

  /** LuaBitOp's {@code bit} (Lua 5.1, which Redis ships) over LuaJ's {@code bit32}. */
  static LuaTable bitLibrary(LuaValue bit32) {
    LuaTable bit = new LuaTable();
    for (String[] names : new String[][] {{"band", "band"}, {"bor", "bor"}, {"bxor", "bxor"}, {"bnot", "bnot"},
        {"lshift", "lshift"}, {"rshift", "rshift"}, {"arshift", "arshift"}, {"rol", "lrotate"}, {"ror", "rrotate"}}) {
      LuaValue f = bit32.get(names[1]);
      bit.rawset(names[0], new VarArgFunction() {
        @Override
        public Varargs invoke(Varargs args) {
          return LuaValue.valueOf((int) f.invoke(args).arg1().tolong()); // LuaBitOp answers signed 32-bit numbers
        }
      });
    }
    bit.rawset("tobit", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue x) {
        return LuaValue.valueOf((int) (long) x.checkdouble());
      }
    });
    bit.rawset("tohex", new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue x, LuaValue n) {
        int digits = n.isnil() ? 8 : n.checkint();
        String hex = String.format("%08x", (int) (long) x.checkdouble());
        String s = hex.substring(8 - Math.min(Math.abs(digits), 8));
        return LuaValue.valueOf(digits < 0 ? s.toUpperCase(java.util.Locale.ROOT) : s);
      }
    });
    return bit;
  }
}
