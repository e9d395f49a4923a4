package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. A script runs inside its command's call: on the writer, in
 * one transaction with every command it runs (atomic, and atomic after a crash: see {@link RedisStore});
 * a read-only one (the _RO forms, or {@code #!lua flags=no-writes}) may run on a reader. EVAL and EVALSHA
 * carry the {@code write} flag so that they reach the writer; Redis lists them without it.
 */
final class ScriptCommands {
  /** The commands whose run is a script: RedisStore gives them one transaction of their own. */
  static final Set<String> RUN_SCRIPTS = Set.of("eval", "evalsha", "fcall");
  private static final String SHEBANG_FLAGS = "flags=";

  private ScriptCommands() {}

  static void register() {
    Commands.add("eval", -3, "write noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys", 0, 0, 0,
        c -> eval(c, false, false));
    Commands.add("evalsha", -3, "write noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys", 0, 0, 0,
        c -> eval(c, true, false));
    Commands.add("eval_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0,
        c -> eval(c, false, true));
    Commands.add("evalsha_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0,
        c -> eval(c, true, true));
    Commands.add("script", -2, "readonly noscript", 0, 0, 0, ScriptCommands::script);
  }

  /** Where the keys of EVAL's or FCALL's {@code numkeys} end (they start at 3), checked with Redis's texts. */
  static int keysEnd(Call c) {
    long keyCount = c.longArg(2);
    if (keyCount < 0) {
      throw new RedisError("ERR Number of keys can't be negative");
    }
    if (keyCount > c.argc() - 3) {
      throw new RedisError("ERR Number of keys can't be greater than number of args");
    }
    return 3 + (int) keyCount;
  }

  private static Reply eval(Call c, boolean bySha, boolean readOnly) {
    int keysEnd = keysEnd(c);
    Scripts scripts = c.state().scripts;
    Scripts.Script script;
    if (bySha) {
      script = scripts.cached(c.text(1));
      if (script == null) {
        throw new RedisError("NOSCRIPT No matching script. Please use EVAL.");
      }
    } else {
      script = load(scripts, c.arg(1));
    }
    List<byte[]> keys = c.args.subList(3, keysEnd);
    List<byte[]> argv = c.args.subList(keysEnd, c.argc());
    boolean noWrites = readOnly || script.noWrites() || !c.writes();
    LuaSandbox.Run run = new LuaSandbox.Run(c, script.sha(), noWrites, scripts, false);
    return LuaSandbox.get().run(run, script.body(), keys, argv);
  }

  /** The cached script of this body, compiled and cached first if it is new. */
  private static Scripts.Script load(Scripts scripts, byte[] body) {
    String sha = Scripts.sha1(body);
    Scripts.Script script = scripts.cached(sha);
    if (script == null) {
      boolean noWrites = shebangFlags(body).contains("no-writes");
      script = new Scripts.Script(sha, LuaSandbox.get().compile(withoutShebang(body), "script (new function)"), noWrites);
      scripts.cache(script);
    }
    return script;
  }

  /**
   * Redis 7's {@code #!lua flags=no-writes,allow-oom,...} first line: the flags it names. ComDB acts on
   * {@code no-writes}; the others (allow-oom, allow-stale, no-cluster, allow-cross-slot-keys) are accepted.
   */
  static List<String> shebangFlags(byte[] body) {
    if (body.length < 2 || body[0] != '#' || body[1] != '!') {
      return List.of();
    }
    int eol = 0;
    while (eol < body.length && body[eol] != '\n') {
      eol++;
    }
    String line = new String(body, 0, eol, UTF_8).trim();
    String[] parts = line.split("\\s+");
    if (!parts[0].equals("#!lua")) {
      throw new RedisError("ERR Unexpected engine in script shebang: " + parts[0]);
    }
    List<String> flags = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].startsWith(SHEBANG_FLAGS)) {
        throw new RedisError("ERR Unknown lua shebang option: " + parts[i]);
      }
      for (String flag : parts[i].substring(SHEBANG_FLAGS.length()).split(",")) {
        if (!flag.isEmpty() && !Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys").contains(flag)) {
          throw new RedisError("ERR Unexpected flag in script shebang: " + flag);
        }
        flags.add(flag);
      }
    }
    return flags;
  }

  /** The body with its shebang turned into a comment, so that line numbers stay as the client wrote them. */
  static byte[] withoutShebang(byte[] body) {
    if (body.length < 2 || body[0] != '#' || body[1] != '!') {
      return body;
    }
    byte[] copy = body.clone();
    copy[0] = '-';
    copy[1] = '-';
    return copy;
  }

  private static Reply script(Call c) {
    String sub = c.keyword(1);
    switch (sub) {
      case "LOAD" -> {
        arity(c, 3, "load");
        return Reply.bulk(load(c.state().scripts, c.arg(2)).sha());
      }
      case "EXISTS" -> {
        if (c.argc() < 3) {
          throw new RedisError(Errors.wrongArity("script|exists"));
        }
        List<Reply> out = new ArrayList<>();
        for (int i = 2; i < c.argc(); i++) {
          out.add(c.state().scripts.exists(c.text(i)) ? Reply.ONE : Reply.ZERO);
        }
        return Reply.array(out);
      }
      case "FLUSH" -> {
        if (c.argc() > 3 || c.argc() == 3 && !Set.of("ASYNC", "SYNC").contains(c.keyword(2))) {
          throw new RedisError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        c.state().scripts.flush();
        return Reply.OK;
      }
      case "KILL" -> {
        arity(c, 2, "kill");
        return kill(c.state().scripts, false);
      }
      case "HELP" -> {
        return Reply.array(List.of(Reply.bulk("SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
            Reply.bulk("EXISTS <sha1> [<sha1> ...]"), Reply.bulk("FLUSH [ASYNC|SYNC]"), Reply.bulk("KILL"),
            Reply.bulk("LOAD <script>"), Reply.bulk("HELP")));
      }
      default -> throw new RedisError(Errors.unknownSubcommand("script", c.text(1)));
    }
  }

  /** SCRIPT KILL and FUNCTION KILL, with Redis's answers. */
  static Reply kill(Scripts scripts, boolean function) {
    return switch (scripts.kill(function)) {
      case KILLED -> Reply.OK;
      case NOT_BUSY -> Reply.error("NOTBUSY No scripts in execution right now.");
      case WRONG_KIND -> Reply.error(function
          ? "NOTBUSY No scripts in execution right now." // a script runs, not a function
          : "BUSY Redis is busy running a function. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
      case UNKILLABLE -> Reply.error("UNKILLABLE Sorry the script already executed write commands against the dataset. "
          + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
    };
  }

  private static void arity(Call c, int argc, String sub) {
    if (c.argc() != argc) {
      throw new RedisError(Errors.wrongArity("script|" + sub.toLowerCase(Locale.ROOT)));
    }
  }
}
