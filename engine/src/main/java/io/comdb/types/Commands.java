package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command table: every command ComDB knows, with Redis's arity, flags and key positions (what
 * {@code COMMAND} reports), and the handler that runs it on a {@link RedisStore}. Commands the connection
 * itself handles (AUTH, SELECT, MULTI, SUBSCRIBE, ...) are rows without a handler.
 */
public final class Commands {
  private static final Map<String, CommandSpec> TABLE = new LinkedHashMap<>();

  static {
    ConnectionCommands.register();
    KeyCommands.register();
    StringCommands.register();
    HashCommands.register();
    SetCommands.register();
    ListCommands.register();
    ZSetCommands.register();
    BitCommands.register();
  }

  private Commands() {}

  static void add(String name, int arity, String flags, int firstKey, int lastKey, int step, CommandSpec.Handler handler) {
    TABLE.put(name, new CommandSpec(name, arity, Set.of(flags.split(" ")), firstKey, lastKey, step, handler));
  }

  /** The row for a command name in any case, or null. */
  public static CommandSpec lookup(String name) {
    return TABLE.get(CommandSpec.normalize(name));
  }

  public static CommandSpec lookup(byte[] name) {
    return name.length > 32 ? null : lookup(new String(name, UTF_8));
  }

  public static Collection<CommandSpec> all() {
    return TABLE.values();
  }

  /**
   * The keys a command may have written: those its row names. Blocked clients waiting on one of them look
   * again after it ran.
   */
  public static List<byte[]> writtenKeys(List<byte[]> args) {
    CommandSpec spec = args.isEmpty() ? null : lookup(args.get(0));
    return spec == null || !spec.isWrite() || !spec.arityMatches(args.size()) ? List.of() : spec.keys(args);
  }

  /** Runs a call's handler; its batch goes to the call's sink when it completes, and an error writes nothing. */
  static Reply run(Call call, CommandSpec spec) {
    try {
      Reply reply = spec.handler().run(call);
      call.commit();
      return reply;
    } catch (RedisError e) {
      return Reply.error(e.getMessage());
    } catch (IOException | RuntimeException e) {
      return Reply.error("ERR " + e.getMessage());
    }
  }
}
