package io.comdb.types;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Lua for Redis scripts, on LuaJ (Lua 5.2), sandboxed as Redis 7 sandboxes its Lua: the base, string,
 * table, math and bit libraries and the {@code redis} table; no files, no OS, no Java, no loading of other
 * code, no debug library. A script reads globals through an environment of its own that refuses to create
 * or read an undefined global with Redis's texts, and the library tables it sees are read-only views, so
 * nothing one script does is seen by the next.
 *
 * <p>One sandbox per thread (LuaJ's state is not thread-safe): the writer's, and each reader's for
 * read-only scripts. {@link #run} runs one script or function body inside the {@link Call} of the EVAL or
 * FCALL, so that its commands read and write in the same atomic unit.
 */
final class LuaSandbox {
  private static final ThreadLocal<LuaSandbox> PER_THREAD = ThreadLocal.withInitial(LuaSandbox::new);
  /** Instructions between two looks at the kill flag. */
  private static final int CHECK_EVERY = 1024;
  /** The longest string {@code string.rep} makes: proto-max-bulk-len. */
  private static final long MAX_STRING = 512L << 20;
  private static final String[] LIBRARIES = {"string", "table", "math", "bit32", "bit", "redis", "cjson", "cmsgpack", "struct"};
  /** The {@code __newindex} of every read-only table scripts see, as Redis 7's read-only tables refuse. */
  private static final LuaValue REFUSE_WRITE = new VarArgFunction() {
    @Override
    public Varargs invoke(Varargs args) {
      throw new LuaError("Attempt to modify a readonly table");
    }
  };

  private final Globals globals = new Globals();
  private final KillHook hook = new KillHook();
  /** The metatable of every script's environment (see {@link #environment}). */
  private final LuaTable environmentMeta = new LuaTable();
  /** The script running on this thread now, for the {@code redis} functions and the hook. */
  private Run current;

  /** One script's run: the command it runs in, its database (SELECT inside a script changes it), its limits. */
  static final class Run {
    final Call call;
    final String sha;
    final boolean readOnly;
    final Scripts scripts;
    final Scripts.Running control;
    int db;
    /** The protocol {@code redis.call} answers in: 2, or 3 after {@code redis.setresp(3)}. */
    int resp = 2;
    /** The script's globals, for {@code loadstring}. */
    LuaTable env;

    Run(Call call, String sha, boolean readOnly, Scripts scripts, boolean function) {
      this.call = call;
      this.sha = sha;
      this.readOnly = readOnly;
      this.scripts = scripts;
      this.control = new Scripts.Running(function, call.writes());
      this.db = call.db;
    }
  }

  /**
   * The interpreter's hook: stops a killed script (checked every {@value #CHECK_EVERY} instructions, so
   * again after a pcall caught it), and keeps the line each Lua frame is at, for the line Redis names in
   * the error of a failed {@code redis.call}. It replaces LuaJ's debug bookkeeping, which scripts cannot reach.
   */
  private final class KillHook extends DebugLib {
    private int count;
    private LuaClosure[] frames = new LuaClosure[32];
    private int[] pcs = new int[32];
    private int depth;
    /** The frame that returned last, and where: a tail call {@code return redis.call(...)} leaves its frame first. */
    private LuaClosure returned;
    private int returnedPc;

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
      if (depth == frames.length) {
        frames = java.util.Arrays.copyOf(frames, depth * 2);
        pcs = java.util.Arrays.copyOf(pcs, depth * 2);
      }
      frames[depth] = c;
      pcs[depth++] = 0;
    }

    @Override
    public void onReturn() {
      if (depth > 0) {
        returned = frames[--depth];
        returnedPc = pcs[depth];
        frames[depth] = null;
      }
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
      if (depth > 0) {
        pcs[depth - 1] = pc;
      }
      if (++count % CHECK_EVERY == 0 && current != null && current.control.killed) {
        throw new Killed(current.control.function);
      }
    }

    /** {@code user_script:N}: the line of the innermost Lua frame, or of the one that just returned. */
    String line() {
      LuaClosure c = depth > 0 ? frames[depth - 1] : returned;
      int pc = depth > 0 ? pcs[depth - 1] : returnedPc;
      int[] lines = c == null ? null : c.p.lineinfo;
      String chunk = c == null || c.p.source == null ? "user_script" : c.p.source.tojstring().replaceFirst("^@", "");
      return chunk + ":" + (lines != null && pc >= 0 && pc < lines.length ? lines[pc] : 0);
    }

    void reset() {
      java.util.Arrays.fill(frames, 0, depth, null);
      depth = 0;
      returned = null;
    }
  }

  /** SCRIPT KILL or FUNCTION KILL reached the running script. */
  private static final class Killed extends LuaError {
    final String text;

    Killed(boolean function) {
      super("killed");
      text = "ERR Script killed by user with " + (function ? "FUNCTION" : "SCRIPT") + " KILL...";
    }
  }

  private LuaSandbox() {
    globals.load(new BaseLib());
    globals.load(new PackageLib()); // the other libraries register in package.loaded; removed below
    globals.load(new Bit32Lib());
    globals.load(new TableLib());
    globals.load(new StringLib());
    globals.load(new JseMathLib());
    globals.load(hook); // only as the interpreter's hook: the debug table is removed below
    LoadState.install(globals);
    LuaC.install(globals);
    for (String unsafe : List.of("dofile", "loadfile", "load", "loadstring", "require", "module", "print", "collectgarbage",
        "package", "debug", "getfenv", "setfenv", "newproxy", "coroutine")) {
      globals.rawset(unsafe, LuaValue.NIL);
    }
    LuaValue string = globals.get("string");
    string.rawset("dump", LuaValue.NIL);
    LuaValue rep = string.get("rep");
    string.rawset("rep", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        long size = (long) args.checkint(2) * args.checkstring(1).length();
        if (size > MAX_STRING) {
          throw new LuaError("resulting string too large");
        }
        return rep.invoke(args);
      }
    });
    if (globals.get("unpack").isnil()) {
      globals.rawset("unpack", globals.get("table").get("unpack")); // Lua 5.1's, which Redis scripts use
    }
    globals.rawset("bit", LuaValues.bitLibrary(globals.get("bit32")));
    globals.rawset("redis", new RedisLuaLibrary(() -> current, hook::line).table());
    globals.rawset("cjson", LuaJson.library());
    globals.rawset("cmsgpack", LuaMsgpack.library());
    globals.rawset("struct", LuaStruct.library());
    globals.rawset("loadstring", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        try {
          Prototype p = globals.compilePrototype(new ByteArrayInputStream(LuaValues.bytes(args.checkstring(1))), "@user_script");
          return new LuaClosure(p, current.env);
        } catch (LuaError | IOException e) {
          return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(redisStyle(String.valueOf(e.getMessage()))));
        }
      }
    });
    // getmetatable("").__index would reach the string library itself: scripts see a read-only view of it.
    LuaTable stringMeta = new LuaTable();
    stringMeta.rawset(LuaValue.INDEX, readOnly((LuaTable) globals.get("string")));
    LuaString.s_metatable.rawset(LuaValue.METATABLE, readOnly(stringMeta));
    environmentMeta.rawset(LuaValue.INDEX, new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue table, LuaValue key) {
        LuaValue v = globals.rawget(key);
        if (v.isnil()) {
          throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
        }
        if (v.istable() && isLibrary(key)) {
          LuaValue view = readOnly((LuaTable) v);
          table.rawset(key, view); // a view per run: what a script does to it dies with the run
          return view;
        }
        return v;
      }
    });
    environmentMeta.rawset(LuaValue.NEWINDEX, REFUSE_WRITE);
    environmentMeta.rawset(LuaValue.METATABLE, LuaValue.FALSE);
  }

  static LuaSandbox get() {
    return PER_THREAD.get();
  }

  /**
   * Compiles a script body as Redis names it ({@code @user_script}).
   *
   * @throws RedisError with Redis's "Error compiling script" text
   */
  Prototype compile(byte[] body, String what) {
    return compile(body, what, "@user_script");
  }

  /** Compiles a body under a chunk name: {@code @user_script} for EVAL, {@code @user_function} for a library. */
  Prototype compile(byte[] body, String what, String chunk) {
    try {
      return globals.compilePrototype(new ByteArrayInputStream(body), chunk);
    } catch (LuaError | IOException e) {
      throw new RedisError("ERR Error compiling " + what + ": " + redisStyle(String.valueOf(e.getMessage())));
    }
  }

  /**
   * Runs a compiled body with KEYS and ARGV (or, for a function, the arguments its library passes) and
   * answers its reply, or the error it raised with Redis's {@code script: <sha>, on @user_script:<line>.}
   */
  Reply run(Run run, Prototype body, List<byte[]> keys, List<byte[]> argv) {
    LuaTable env = environment();
    env.rawset("KEYS", LuaValues.strings(keys));
    env.rawset("ARGV", LuaValues.strings(argv));
    run.env = env;
    return invoke(run, new LuaClosure(body, env), LuaValue.NONE);
  }

  /** Calls {@code function} with {@code args} as one run; its reply or its error as a client gets it. */
  Reply invoke(Run run, LuaValue function, Varargs args) {
    Run outer = current;
    current = run;
    run.scripts.started(run.control);
    if (outer == null) {
      hook.reset();
    }
    try {
      return LuaValues.toReply(function.invoke(args).arg1());
    } catch (RedisLuaLibrary.CommandError e) {
      return Reply.error(e.text + " script: " + run.sha + ", on @" + e.line + ".");
    } catch (Killed e) {
      run.call.discard(); // a kill may race the script's first write: no write of a killed script stays
      return Reply.error(e.text + " script: " + run.sha + ", on @" + hook.line() + ".");
    } catch (LuaError e) {
      String message = redisStyle(String.valueOf(e.getMessage()));
      if (!CHUNK_LINE.matcher(message).lookingAt() && !message.startsWith("ERR ")) {
        message = hook.line() + ": " + message; // raised by a library function (a tail call leaves no Lua frame to name)
      }
      String text = message.startsWith("ERR ") ? message : "ERR " + message;
      return Reply.error(text + " script: " + run.sha + ", on @" + lineOf(message) + ".");
    } catch (StackOverflowError e) {
      return Reply.error("ERR stack overflow script: " + run.sha + ", on @user_script:0.");
    } finally {
      run.scripts.finished(run.control);
      current = outer;
    }
  }

  /**
   * A script's globals, new for each run: reads fall through to the sandbox's (read-only views of its
   * libraries), an undefined one is an error, and a script may not define any, as in Redis 7. It is a
   * {@link Globals} because LuaJ runs its instruction hook (SCRIPT KILL) only for closures over one.
   */
  LuaTable environment() {
    Globals env = new Globals();
    env.debuglib = hook;
    env.rawset("_G", env);
    env.setmetatable(environmentMeta);
    return env;
  }

  private static boolean isLibrary(LuaValue key) {
    for (String name : LIBRARIES) {
      if (name.equals(key.tojstring())) {
        return true;
      }
    }
    return false;
  }

  private static LuaTable readOnly(LuaTable library) {
    LuaTable view = new LuaTable();
    LuaTable meta = new LuaTable();
    meta.rawset(LuaValue.INDEX, library);
    meta.rawset(LuaValue.NEWINDEX, REFUSE_WRITE);
    meta.rawset(LuaValue.METATABLE, LuaValue.FALSE);
    view.setmetatable(meta);
    return view;
  }

  /**
   * LuaJ's messages in Lua 5.1's words, as Redis's Lua writes them: {@code @user_script:3 boom} is
   * {@code user_script:3: boom}, and the parser's token numbers are the tokens.
   */
  private static String redisStyle(String message) {
    int traceback = message.indexOf("\nstack traceback:");
    String m = (traceback >= 0 ? message.substring(0, traceback) : message).replaceFirst("^@?(user_(?:script|function):\\d+):? ", "$1: ");
    java.util.regex.Matcher token = java.util.regex.Pattern.compile("unexpected symbol (\\d+) \\(.\\)").matcher(m);
    if (token.find()) {
      int code = Integer.parseInt(token.group(1));
      String near = code < 257 ? "'" + (char) code + "'" : code == 286 ? "'<eof>'" : "this token";
      m = m.substring(0, token.start()) + "unexpected symbol near " + near + m.substring(token.end());
    }
    return m;
  }

  private static final java.util.regex.Pattern CHUNK_LINE = java.util.regex.Pattern.compile("(user_(?:script|function)):(\\d+)");

  /** {@code user_script:7} (or {@code user_function:7}) from a LuaJ message; line 0 when it has none. */
  private static String lineOf(String message) {
    java.util.regex.Matcher m = CHUNK_LINE.matcher(message);
    return m.find() ? m.group() : "user_script:0";
  }

  // ---- function libraries ----

  /** A registration refused, with Redis's text and no position. */
  private static final class RegistrationError extends LuaError {
    final String text;

    RegistrationError(String text) {
      super(text);
      this.text = text;
    }
  }

  /** What a library registered: a function's name, callback, flags and description. */
  record Registered(String name, LuaValue callback, Set<String> flags, String description) {}

  private static final Set<String> FUNCTION_FLAGS = Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys");
  /** This thread's instances of the libraries it has called: a library's body runs once per thread. */
  private final java.util.Map<Functions.Library, java.util.Map<String, LuaValue>> instances = new java.util.WeakHashMap<>();

  /**
   * Runs a library's body in an environment whose {@code redis} table offers only
   * {@code register_function} and {@code log}, as Redis 7 loads libraries; answers what it registered.
   *
   * @throws RedisError with Redis's "Error registering functions" text when the body fails
   */
  List<Registered> register(Prototype body) {
    List<Registered> registered = new ArrayList<>();
    boolean[] loading = {true};
    LuaTable registration = new LuaTable();
    registration.rawset("register_function", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        registered.add(registration(args, registered));
        return LuaValue.NONE;
      }
    });
    LuaTable redis = (LuaTable) globals.get("redis");
    for (String name : List.of("log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM")) {
      registration.rawset(name, redis.get(name));
    }
    LuaTable view = new LuaTable();
    LuaTable strict = new LuaTable();
    strict.rawset(LuaValue.INDEX, new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue table, LuaValue key) {
        LuaValue v = registration.rawget(key);
        if (v.isnil()) { // Redis's text: while a library loads, redis.call and the like do not exist
          throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
        }
        return v;
      }
    });
    strict.rawset(LuaValue.NEWINDEX, REFUSE_WRITE);
    strict.rawset(LuaValue.METATABLE, LuaValue.FALSE);
    view.setmetatable(strict);
    LuaTable env = libraryEnvironment(loading, view);
    Run outer = current;
    current = null;
    try {
      new LuaClosure(body, env).call();
    } catch (RegistrationError e) {
      throw new RedisError("ERR Error registering functions: " + e.text);
    } catch (LuaError e) {
      String message = redisStyle(String.valueOf(e.getMessage()));
      throw new RedisError("ERR Error registering functions: " + (message.startsWith("ERR ") ? message : "ERR " + message));
    } finally {
      current = outer;
      loading[0] = false;
    }
    if (registered.isEmpty()) {
      throw new RedisError("ERR No functions registered");
    }
    return registered;
  }

  private static java.util.Map<String, LuaValue> instancesByName(List<Registered> registered) {
    java.util.Map<String, LuaValue> byName = new java.util.HashMap<>();
    registered.forEach(r -> byName.put(r.name(), r.callback()));
    return byName;
  }

  /** {@code register_function(name, callback)} or {@code register_function{function_name=..., callback=..., flags=..., description=...}}. */
  private static Registered registration(Varargs args, List<Registered> before) {
    String name;
    LuaValue callback;
    Set<String> flags = new java.util.LinkedHashSet<>();
    String description = null;
    if (args.arg1().istable()) {
      LuaValue t = args.arg1();
      name = t.get("function_name").isstring() ? t.get("function_name").tojstring() : null;
      callback = t.get("callback");
      LuaValue f = t.get("flags");
      if (f.istable()) {
        for (int i = 1; !f.get(i).isnil(); i++) {
          String flag = f.get(i).tojstring();
          if (!FUNCTION_FLAGS.contains(flag)) {
            throw new RegistrationError("ERR unknown flag given");
          }
          flags.add(flag);
        }
      }
      if (t.get("description").isstring()) {
        description = t.get("description").tojstring();
      }
    } else {
      name = args.arg1().isstring() ? args.arg1().tojstring() : null;
      callback = args.arg(2);
    }
    if (!FunctionCommands.validName(name)) {
      throw new RegistrationError(FunctionCommands.LIBRARY_NAME_ERROR); // Redis 7.0 says "Library" for functions too
    }
    if (!callback.isfunction()) {
      throw new RegistrationError("ERR callback must be a function");
    }
    for (Registered r : before) {
      if (r.name().equals(name)) {
        throw new RegistrationError("ERR Function already exists in the library");
      }
    }
    return new Registered(name, callback, flags, description);
  }

  /** A library's globals: as a script's, but {@code redis} is the registration table while the body loads. */
  private LuaTable libraryEnvironment(boolean[] loading, LuaTable registration) {
    Globals env = new Globals();
    env.debuglib = hook;
    env.rawset("_G", env);
    LuaTable meta = new LuaTable();
    LuaValue index = environmentMeta.rawget(LuaValue.INDEX);
    meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue table, LuaValue key) {
        if (loading[0] && key.tojstring().equals("redis")) {
          return registration;
        }
        return index.call(table, key);
      }
    });
    meta.rawset(LuaValue.NEWINDEX, REFUSE_WRITE);
    meta.rawset(LuaValue.METATABLE, LuaValue.FALSE);
    env.setmetatable(meta);
    return env;
  }

  /** Calls a library function with its keys and arguments, the library's body having run on this thread. */
  Reply call(Run run, Functions.Function function, List<byte[]> keys, List<byte[]> argv) {
    java.util.Map<String, LuaValue> callbacks = instances.get(function.library());
    if (callbacks == null) {
      callbacks = instancesByName(register(function.library().body()));
      instances.put(function.library(), callbacks);
    }
    return invoke(run, callbacks.get(function.name()), LuaValue.varargsOf(LuaValues.strings(keys), LuaValues.strings(argv)));
  }

}
