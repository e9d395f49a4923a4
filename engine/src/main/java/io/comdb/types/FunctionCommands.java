package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FUNCTION LOAD / LIST / DELETE / FLUSH / DUMP / RESTORE / STATS / KILL and FCALL / FCALL_RO: Redis 7's
 * functions ({@link Functions} keeps and persists them). FUNCTION's changing subcommands run on the writer;
 * FCALL runs there too, in one transaction with its commands, like EVAL; FCALL_RO may run on a reader.
 */
final class FunctionCommands {
  private static final Set<String> WRITES = Set.of("LOAD", "DELETE", "FLUSH", "RESTORE");
  static final String LIBRARY_NAME_ERROR =
      "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

  private FunctionCommands() {}

  static void register() {
    Commands.add("function", -2, "noscript", 0, 0, 0, WRITES, FunctionCommands::function);
    Commands.add("fcall", -3, "write noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys", 0, 0, 0,
        c -> fcall(c, false));
    Commands.add("fcall_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0,
        c -> fcall(c, true));
  }

  private static Reply fcall(Call c, boolean readOnly) {
    int keysEnd = ScriptCommands.keysEnd(c);
    Functions.Function f = c.state().functions.function(c.text(1));
    if (f == null) {
      throw new RedisError("ERR Function not found");
    }
    if (readOnly && !f.noWrites()) {
      throw new RedisError("ERR Can not execute a script with write flag using *_ro command.");
    }
    boolean noWrites = readOnly || f.noWrites() || !c.writes();
    LuaSandbox.Run run = new LuaSandbox.Run(c, f.name(), noWrites, c.state().scripts, true);
    return LuaSandbox.get().call(run, f, c.args.subList(3, keysEnd), c.args.subList(keysEnd, c.argc()));
  }

  private static Reply function(Call c) throws IOException {
    String sub = c.keyword(1);
    if (WRITES.contains(sub) && !c.writes()) {
      throw new IllegalStateException("FUNCTION " + sub + " reached a reader"); // routing sends it to the writer
    }
    Functions functions = c.state().functions;
    switch (sub) {
      case "LOAD" -> {
        boolean replace = c.argc() == 4 && c.keyword(2).equals("REPLACE");
        if (c.argc() != 3 && !replace) {
          throw new RedisError(c.argc() < 3 ? Errors.wrongArity("function|load") : "ERR Unknown option given: " + c.text(2));
        }
        Functions.Library library = compile(c.arg(c.argc() - 1));
        if (functions.library(library.name()) != null && !replace) {
          throw new RedisError("ERR Library '" + library.name() + "' already exists");
        }
        Map<String, Functions.Library> next = new LinkedHashMap<>(functions.libraries());
        next.remove(library.name());
        checkNoClash(next, library);
        next.put(library.name(), library);
        functions.replace(next);
        return Reply.bulk(library.name());
      }
      case "DELETE" -> {
        arity(c, 3, "delete");
        Map<String, Functions.Library> next = new LinkedHashMap<>(functions.libraries());
        if (next.remove(c.text(2)) == null) {
          throw new RedisError("ERR Library not found");
        }
        functions.replace(next);
        return Reply.OK;
      }
      case "FLUSH" -> {
        if (c.argc() > 3 || c.argc() == 3 && !Set.of("ASYNC", "SYNC").contains(c.keyword(2))) {
          throw new RedisError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        functions.replace(Map.of());
        return Reply.OK;
      }
      case "DUMP" -> {
        arity(c, 2, "dump");
        return Reply.bulk(Functions.encode(functions.libraries().values()));
      }
      case "RESTORE" -> {
        return restore(c, functions);
      }
      case "LIST" -> {
        return list(c, functions);
      }
      case "STATS" -> {
        arity(c, 2, "stats");
        int count = 0;
        for (Functions.Library l : functions.libraries().values()) {
          count += l.functions().size();
        }
        Reply lua = new Reply.MapReply(List.of(Reply.bulk("libraries_count"), Reply.integer(functions.libraries().size()),
            Reply.bulk("functions_count"), Reply.integer(count)));
        return new Reply.MapReply(List.of(Reply.bulk("running_script"), Reply.NULL_BULK,
            Reply.bulk("engines"), new Reply.MapReply(List.of(Reply.bulk("LUA"), lua))));
      }
      case "KILL" -> {
        arity(c, 2, "kill");
        return ScriptCommands.kill(c.state().scripts, true);
      }
      case "HELP" -> {
        return Reply.array(List.of(Reply.bulk("FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
            Reply.bulk("LOAD [REPLACE] <FUNCTION CODE>"), Reply.bulk("DELETE <LIBRARY NAME>"),
            Reply.bulk("LIST [LIBRARYNAME PATTERN] [WITHCODE]"), Reply.bulk("FLUSH [ASYNC|SYNC]"), Reply.bulk("DUMP"),
            Reply.bulk("RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]"), Reply.bulk("STATS"), Reply.bulk("KILL"), Reply.bulk("HELP")));
      }
      default -> throw new RedisError(Errors.unknownSubcommand("function", c.text(1)));
    }
  }

  /** A library's source: its {@code #!lua name=...} line, its body compiled, and what the body registers. */
  static Functions.Library compile(byte[] source) {
    int eol = 0;
    while (eol < source.length && source[eol] != '\n') {
      eol++;
    }
    String first = new String(source, 0, eol, UTF_8).trim();
    if (!first.startsWith("#!")) {
      throw new RedisError("ERR Missing library metadata");
    }
    String[] parts = first.substring(2).split("\\s+");
    if (!parts[0].equals("lua")) {
      throw new RedisError("ERR Engine '" + parts[0] + "' not found");
    }
    String name = null;
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].startsWith("name=")) {
        name = parts[i].substring("name=".length());
      } else {
        throw new RedisError("ERR Invalid metadata value given: " + parts[i]);
      }
    }
    if (!validName(name)) {
      throw new RedisError(LIBRARY_NAME_ERROR);
    }
    LuaSandbox lua = LuaSandbox.get();
    var body = lua.compile(ScriptCommands.withoutShebang(source), "function", "@user_function");
    List<Functions.Function> registered = new ArrayList<>();
    List<LuaSandbox.Registered> found = lua.register(body);
    Functions.Library library = new Functions.Library(name, source, body, registered);
    for (LuaSandbox.Registered r : found) {
      registered.add(new Functions.Function(r.name(), r.description(), r.flags(), library));
    }
    return library;
  }

  /** A library's or function's name: ASCII letters, digits and underscores, at least one. */
  static boolean validName(String name) {
    return name != null && !name.isEmpty() && name.chars().allMatch(ch -> ch < 128 && (Character.isLetterOrDigit(ch) || ch == '_'));
  }

  /** A function name is the server's, not the library's: another library may not hold it. */
  private static void checkNoClash(Map<String, Functions.Library> others, Functions.Library library) {
    for (Functions.Library other : others.values()) {
      for (Functions.Function f : other.functions()) {
        for (Functions.Function mine : library.functions()) {
          if (f.name().equals(mine.name())) {
            throw new RedisError("ERR Function " + mine.name() + " already exists");
          }
        }
      }
    }
  }

  private static Reply restore(Call c, Functions functions) throws IOException {
    if (c.argc() < 3 || c.argc() > 4) {
      throw new RedisError(Errors.wrongArity("function|restore"));
    }
    String policy = c.argc() == 4 ? c.keyword(3) : "APPEND";
    if (!Set.of("APPEND", "REPLACE", "FLUSH").contains(policy)) {
      throw new RedisError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
    List<byte[]> sources = Functions.decode(c.arg(2));
    if (sources == null) {
      throw new RedisError("ERR payload version or checksum are wrong");
    }
    Map<String, Functions.Library> next = policy.equals("FLUSH") ? new LinkedHashMap<>() : new LinkedHashMap<>(functions.libraries());
    for (byte[] source : sources) {
      Functions.Library library = compile(source);
      if (next.containsKey(library.name())) {
        if (!policy.equals("REPLACE")) {
          throw new RedisError("ERR Library " + library.name() + " already exists");
        }
        next.remove(library.name());
      }
      checkNoClash(next, library);
      next.put(library.name(), library);
    }
    functions.replace(next);
    return Reply.OK;
  }

  private static Reply list(Call c, Functions functions) {
    boolean withCode = false;
    byte[] pattern = null;
    for (int i = 2; i < c.argc(); i++) {
      String opt = c.keyword(i);
      if (opt.equals("WITHCODE") && !withCode) {
        withCode = true;
      } else if (opt.equals("LIBRARYNAME") && pattern == null && i + 1 < c.argc()) {
        pattern = c.arg(++i);
      } else {
        throw new RedisError("ERR Unknown argument " + c.text(i));
      }
    }
    List<Reply> out = new ArrayList<>();
    for (Functions.Library l : functions.libraries().values()) {
      if (pattern != null && !Glob.matches(pattern, l.name().getBytes(UTF_8))) {
        continue;
      }
      List<Reply> fs = new ArrayList<>();
      for (Functions.Function f : l.functions()) {
        fs.add(new Reply.MapReply(List.of(Reply.bulk("name"), Reply.bulk(f.name()),
            Reply.bulk("description"), f.description() == null ? Reply.NULL_BULK : Reply.bulk(f.description()),
            Reply.bulk("flags"), new Reply.SetReply(f.flags().stream().map(flag -> (Reply) Reply.bulk(flag)).toList()))));
      }
      List<Reply> entry = new ArrayList<>(List.of(Reply.bulk("library_name"), Reply.bulk(l.name()),
          Reply.bulk("engine"), Reply.bulk("LUA"), Reply.bulk("functions"), Reply.array(fs)));
      if (withCode) {
        entry.add(Reply.bulk("library_code"));
        entry.add(Reply.bulk(l.source()));
      }
      out.add(new Reply.MapReply(entry));
    }
    return Reply.array(out);
  }

  private static void arity(Call c, int argc, String sub) {
    if (c.argc() != argc) {
      throw new RedisError(Errors.wrongArity("function|" + sub));
    }
  }
}
