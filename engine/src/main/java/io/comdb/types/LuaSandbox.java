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
import org.luaj.vm2.lib.OneArgFunction;
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
  private static final System.Logger LOG = System.getLogger("io.comdb.scripts");
  private static final ThreadLocal<LuaSandbox> PER_THREAD = ThreadLocal.withInitial(LuaSandbox::new);
  /** Instructions between two looks at the kill flag. */
  private static final int CHECK_EVERY = 1024;
  /** The longest string {@code string.rep} makes: proto-max-bulk-len. */
  private static final long MAX_STRING = 512L << 20;
  private static final LuaString ERR = LuaString.valueOf("err");
  private static final LuaString OK = LuaString.valueOf("ok");
  private static final String[] LIBRARIES = {"string", "table", "math", "bit32", "bit", "redis"};

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
    /** The script's globals, for {@code loadstring}. */
    LuaTable env;

    Run(Call call, String sha, boolean readOnly, Scripts scripts, boolean function) {
      this.call = call;
      this.sha = sha;
      this.readOnly = readOnly;
      this.scripts = scripts;
      this.control = new Scripts.Running(function);
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
    globals.rawset("bit", bitLibrary(globals.get("bit32")));
    globals.rawset("redis", redisLibrary());
    globals.rawset("loadstring", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        try {
          Prototype p = globals.compilePrototype(new ByteArrayInputStream(bytes(args.checkstring(1))), "@user_script");
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
    environmentMeta.rawset(LuaValue.NEWINDEX, new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        throw new LuaError("Attempt to modify a readonly table");
      }
    });
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
    env.rawset("KEYS", strings(keys));
    env.rawset("ARGV", strings(argv));
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
      return toReply(function.invoke(args).arg1());
    } catch (CommandError e) {
      return Reply.error(e.text + " script: " + run.sha + ", on @" + e.line + ".");
    } catch (Killed e) {
      run.call.discard(); // a kill may race the script's first write: no write of a killed script stays
      return Reply.error(e.text + " script: " + run.sha + ", on @" + hook.line() + ".");
    } catch (LuaError e) {
      String message = redisStyle(String.valueOf(e.getMessage()));
      String text = message.startsWith("ERR ") ? message : "ERR " + message;
      return Reply.error(text + " script: " + run.sha + ", on @" + lineOf(message) + ".");
    } catch (StackOverflowError e) {
      return Reply.error("ERR stack overflow script: " + run.sha + ", on @user_script:0.");
    } finally {
      run.scripts.finished(run.control);
      current = outer;
    }
  }

  /** A table of functions run in this sandbox (a FUNCTION library's registered functions), by name. */
  LuaValue load(Prototype body, LuaTable env) {
    return new LuaClosure(body, env);
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
    meta.rawset(LuaValue.NEWINDEX, new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        throw new LuaError("Attempt to modify a readonly table");
      }
    });
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
    strict.rawset(LuaValue.NEWINDEX, environmentMeta.rawget(LuaValue.NEWINDEX));
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
    if (name == null || name.isEmpty() || !name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) && ch < 128 || ch == '_')) {
      throw new RegistrationError("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
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
    meta.rawset(LuaValue.NEWINDEX, environmentMeta.rawget(LuaValue.NEWINDEX));
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
    return invoke(run, callbacks.get(function.name()), LuaValue.varargsOf(strings(keys), strings(argv)));
  }

  // ---- the redis library ----

  /** An error reply of a command run by {@code redis.call}: raised as a Lua error whose value is {@code {err=...}}. */
  private static final class CommandError extends LuaError {
    final String text;
    /** Where the script called, {@code user_script:N}. */
    final String line;

    CommandError(String text, String line) {
      super(errorTable(text));
      this.text = text;
      this.line = line;
    }
  }

  private static LuaTable errorTable(String text) {
    LuaTable t = new LuaTable();
    t.rawset(ERR, LuaValue.valueOf(text));
    return t;
  }

  private LuaTable redisLibrary() {
    LuaTable redis = new LuaTable();
    redis.rawset("call", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        Reply reply = command(args);
        if (reply instanceof Reply.Err err) {
          throw new CommandError(err.text(), hook.line());
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
        return errorTable(text.checkjstring());
      }
    });
    redis.rawset("status_reply", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue text) {
        LuaTable t = new LuaTable();
        t.rawset(OK, text.checkstring());
        return t;
      }
    });
    redis.rawset("sha1hex", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue text) {
        return LuaValue.valueOf(Scripts.sha1(bytes(text.checkstring())));
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
    redis.rawset("setresp", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue protocol) {
        if (protocol.checkint() != 2) {
          throw new LuaError("ComDB scripts speak RESP2: redis.setresp(3) is not supported");
        }
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
    Run run = current;
    if (args.narg() == 0) {
      throw new CommandError("ERR Please specify at least one argument for this redis lib call", hook.line());
    }
    List<byte[]> command = new ArrayList<>(args.narg());
    for (int i = 1; i <= args.narg(); i++) {
      LuaValue a = args.arg(i);
      if (a.type() != LuaValue.TSTRING && a.type() != LuaValue.TNUMBER) {
        throw new CommandError("ERR Lua redis lib command arguments must be strings or integers", hook.line());
      }
      command.add(bytes(a.checkstring()));
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
    Reply reply = Commands.run(run.call.nested(run.db, command, spec.name()), spec);
    if (spec.isWrite() && !(reply instanceof Reply.Err)) {
      run.control.wrote = true;
    }
    return reply == Blocking.WOULD_BLOCK ? Blocking.timedOut(spec.name()) : reply;
  }

  // ---- conversions, as Redis 7.0 converts with RESP2 ----

  private static LuaValue toLua(Reply reply) {
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
      return LuaValue.valueOf(Numbers.formatDouble(d.value()));
    }
    if (reply instanceof Reply.Bool b) {
      return b.value() ? LuaValue.valueOf(1) : LuaValue.FALSE;
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

  private static Reply toReply(LuaValue v) {
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

  private static LuaTable strings(List<byte[]> values) {
    LuaTable t = new LuaTable(values.size(), 0);
    for (int i = 0; i < values.size(); i++) {
      t.rawset(i + 1, LuaString.valueOf(values.get(i)));
    }
    return t;
  }

  private static byte[] bytes(LuaString s) {
    byte[] b = new byte[s.m_length];
    s.copyInto(0, b, 0, b.length);
    return b;
  }

  /** LuaBitOp's {@code bit} (Lua 5.1, which Redis ships) over LuaJ's {@code bit32}. */
  private static LuaTable bitLibrary(LuaValue bit32) {
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
