package io.comdb.types;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis's {@code redis} table for scripts: {@code call}, {@code pcall}, {@code error_reply},
 * {@code status_reply}, {@code sha1hex}, {@code log}, {@code setresp}, {@code set_repl} and the constants.
 * A command a script calls runs inside the script's own {@link Call}, checked first as Redis checks it
 * (unknown, arity, not allowed in scripts, a write from a read-only script) with Redis's texts.
 */
final class RedisLuaLibrary {
  private static final System.Logger LOG = System.getLogger("io.comdb.scripts");

  /** The script running on this thread now. */
  private final Supplier<LuaSandbox.Run> current;
  /** Where that script is, {@code user_script:N}, for the error of a failed {@code redis.call}. */
  private final Supplier<String> line;

  RedisLuaLibrary(Supplier<LuaSandbox.Run> current, Supplier<String> line) {
    this.current = current;
    this.line = line;
  }

  /** An error reply of a command run by {@code redis.call}: raised as a Lua error whose value is {@code {err=...}}. */
  static final class CommandError extends LuaError {
    final String text;
    /** Where the script called, {@code user_script:N}. */
    final String line;

    CommandError(String text, String line) {
      super(LuaValues.errorTable(text));
      this.text = text;
      this.line = line;
    }
  }


  /** A command's reply as the running script sees it: RESP2's conversions, or RESP3's after {@code redis.setresp(3)}. */
  private LuaValue toLua(Reply reply) {
    return current.get().resp == 3 ? LuaValues.toLua3(reply) : LuaValues.toLua(reply);
  }

  /** The {@code redis} table: its functions act on the script running on this thread. */
  LuaTable table() {
    LuaTable redis = new LuaTable();
    redis.rawset("call", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        Reply reply = command(args);
        if (reply instanceof Reply.Err err) {
          throw new CommandError(err.text(), line.get());
        }
        return toLua(reply);
      }
    });
    redis.rawset("pcall", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return toLua(command(args));
      }
    });
    redis.rawset("error_reply", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue text) {
        return LuaValues.errorTable(text.checkjstring());
      }
    });
    redis.rawset("status_reply", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue text) {
        LuaTable t = new LuaTable();
        t.rawset(LuaValues.OK, text.checkstring());
        return t;
      }
    });
    redis.rawset("sha1hex", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        if (args.narg() != 1) {
          throw new CommandError("ERR wrong number of arguments", line.get());
        }
        return LuaValue.valueOf(Scripts.sha1(LuaValues.bytes(args.arg1().checkstring())));
      }
    });
    redis.rawset("log", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        int level = args.checkint(1);
        StringBuilder b = new StringBuilder();
        for (int i = 2; i <= args.narg(); i++) {
          b.append(i > 2 ? " " : "").append(args.arg(i).tojstring());
        }
        LOG.log(switch (level) {
          case 0 -> System.Logger.Level.DEBUG;
          case 1 -> System.Logger.Level.TRACE;
          case 2 -> System.Logger.Level.INFO;
          default -> System.Logger.Level.WARNING;
        }, b.toString());
        return LuaValue.NONE;
      }
    });
    redis.rawset("setresp", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        if (args.narg() != 1) {
          throw new CommandError("ERR redis.setresp() requires one argument.", line.get());
        }
        int protocol = args.checkint(1);
        if (protocol != 2 && protocol != 3) {
          throw new CommandError("ERR RESP version must be 2 or 3.", line.get());
        }
        current.get().resp = protocol;
        return LuaValue.NONE;
      }
    });
    redis.rawset("set_repl", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue mode) {
        return LuaValue.NONE; // every write of a script is replicated as the script's effects
      }
    });
    redis.rawset("replicate_commands", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return LuaValue.TRUE;
      }
    });
    redis.rawset("LOG_DEBUG", 0);
    redis.rawset("LOG_VERBOSE", 1);
    redis.rawset("LOG_NOTICE", 2);
    redis.rawset("LOG_WARNING", 3);
    redis.rawset("REPL_NONE", 0);
    redis.rawset("REPL_AOF", 1);
    redis.rawset("REPL_SLAVE", 2);
    redis.rawset("REPL_REPLICA", 2);
    redis.rawset("REPL_ALL", 3);
    redis.rawset("REDIS_VERSION", "7.0.15");
    redis.rawset("REDIS_VERSION_NUM", 0x07000f);
    return redis;
  }

  /** {@code redis.call} and {@code redis.pcall}: one command, run inside the script's own call. */
  private Reply command(Varargs args) {
    LuaSandbox.Run run = current.get();
    if (args.narg() == 0) {
      throw new CommandError("ERR Please specify at least one argument for this redis lib call", line.get());
    }
    List<byte[]> command = new ArrayList<>(args.narg());
    for (int i = 1; i <= args.narg(); i++) {
      LuaValue a = args.arg(i);
      if (a.type() != LuaValue.TSTRING && a.type() != LuaValue.TNUMBER) {
        throw new CommandError("ERR Lua redis lib command arguments must be strings or integers", line.get());
      }
      command.add(LuaValues.bytes(a.checkstring()));
    }
    CommandSpec spec = Commands.lookup(command.get(0));
    if (spec == null) {
      return Reply.error("ERR Unknown Redis command called from script");
    }
    if (!spec.arityMatches(command.size())) {
      return Reply.error("ERR Wrong number of args calling Redis command from script");
    }
    switch (spec.name()) {
      case "select" -> {
        Integer db = RedisStore.selectedDb(command.get(1));
        if (db == null) {
          return Reply.error(Errors.DB_OUT_OF_RANGE);
        }
        run.db = db;
        return Reply.OK;
      }
      case "ping" -> {
        return command.size() == 2 ? Reply.bulk(command.get(1)) : Reply.PONG;
      }
      case "echo" -> {
        return Reply.bulk(command.get(1));
      }
      case "time" -> {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        return Reply.array(List.of(Reply.bulk(Long.toString(micros / 1_000_000)), Reply.bulk(Long.toString(micros % 1_000_000))));
      }
      default -> { }
    }
    if (spec.handler() == null || spec.flags().contains("noscript")) {
      return Reply.error("ERR This Redis command is not allowed from script");
    }
    if (spec.isWrite() && run.readOnly) {
      return Reply.error("ERR Write commands are not allowed from read-only scripts.");
    }
    for (byte[] key : spec.keys(command)) {
      if (!run.call.serves(key)) { // clustered: another node owns it, and only its owner may read or write it
        return Reply.error("ERR Script attempted to access a non local key in a cluster node");
      }
    }
    Reply reply = Commands.run(run.call.fromScript(run.db, command, spec.name()), spec);
    if (spec.isWrite() && !(reply instanceof Reply.Err)) {
      run.control.wrote = true;
    }
    return reply == Blocking.WOULD_BLOCK ? Blocking.timedOut(spec.name()) : reply;
  }
}
