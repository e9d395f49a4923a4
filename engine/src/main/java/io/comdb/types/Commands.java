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
   * Runs a command that has a handler, with the arity already checked, from any thread. A write command
   * runs under the store's write lock; its records are committed as one batch before this returns.
   */
  public static Reply execute(RedisStore store, int db, CommandSpec spec, List<byte[]> args) {
    if (!spec.isWrite()) {
      return run(store, db, spec, args);
    }
    Reply reply = store.locked(() -> run(store, db, spec, args));
    if (!(reply instanceof Reply.Err) && reply != Blocking.WOULD_BLOCK) {
      store.written(db, spec.keys(args)); // wakes clients blocked on these keys, whoever wrote
    }
    return reply;
  }

  private static Reply run(RedisStore store, int db, CommandSpec spec, List<byte[]> args) {
    Call call = new Call(store, db, args, spec.name());
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
