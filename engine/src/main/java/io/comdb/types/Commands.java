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
  private static final System.Logger LOG = System.getLogger(Commands.class.getName());
  private static final Map<String, CommandSpec> TABLE = new LinkedHashMap<>();

  static {
    ConnectionCommands.register();
    KeyCommands.register();
    StringCommands.register();
    HashCommands.register();
    SetCommands.register();
    ListCommands.register();
    ZSetCommands.register();
    ZSetRangeCommands.register();
    ZSetAlgebra.register();
    GeoCommands.register();
    DumpCommands.register();
    StreamCommands.register();
    StreamGroupCommands.register();
    StreamInfo.register();
    BitCommands.register();
    ScriptCommands.register();
    FunctionCommands.register();
    SortCommands.register();
    HyperLogLogCommands.register();
  }

  private Commands() {}

  static void add(String name, int arity, String flags, int firstKey, int lastKey, int step, CommandSpec.Handler handler) {
    add(name, arity, flags, firstKey, lastKey, step, Set.of(), handler);
  }

  static void add(String name, int arity, String flags, int firstKey, int lastKey, int step, Set<String> writeSubcommands,
      CommandSpec.Handler handler) {
    TABLE.put(name, new CommandSpec(name, arity, Set.of(flags.split(" ")), firstKey, lastKey, step, writeSubcommands, handler));
  }

  /** The row for a command name in any case, or null. */
  public static CommandSpec lookup(String name) {
    return TABLE.get(CommandSpec.normalize(name));
  }

  /** The row for a command name as the client sent it, in any case; no string is made for a known one. */
  public static CommandSpec lookup(byte[] name) {
    return ByName.find(name);
  }

  /**
   * The table by name bytes: open addressing on a hash of the ASCII-lowercased name, so that the lookup on
   * every command neither decodes nor lowercases a string.
   */
  private static final class ByName {
    private static final CommandSpec[] SLOTS;
    private static final byte[][] NAMES;

    static {
      int size = Integer.highestOneBit(TABLE.size() * 4);
      SLOTS = new CommandSpec[size];
      NAMES = new byte[size][];
      for (CommandSpec spec : TABLE.values()) {
        byte[] name = spec.name().getBytes(UTF_8);
        int i = hash(name) & (size - 1);
        while (SLOTS[i] != null) {
          i = (i + 1) & (size - 1);
        }
        SLOTS[i] = spec;
        NAMES[i] = name;
      }
    }

    static CommandSpec find(byte[] name) {
      if (name.length > 32) {
        return null;
      }
      int mask = SLOTS.length - 1;
      for (int i = hash(name) & mask; SLOTS[i] != null; i = (i + 1) & mask) {
        if (equalsIgnoreAsciiCase(NAMES[i], name)) {
          return SLOTS[i];
        }
      }
      return null;
    }

    private static int hash(byte[] name) {
      int h = 0;
      for (byte b : name) {
        h = 31 * h + lower(b);
      }
      return h ^ (h >>> 16);
    }

    private static boolean equalsIgnoreAsciiCase(byte[] lowerCase, byte[] name) {
      if (lowerCase.length != name.length) {
        return false;
      }
      for (int i = 0; i < name.length; i++) {
        if (lowerCase[i] != lower(name[i])) {
          return false;
        }
      }
      return true;
    }

    private static byte lower(byte b) {
      return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
  }

  public static Collection<CommandSpec> all() {
    return TABLE.values();
  }

  /**
   * The keys a command may have written: its keys (a script's, those it declares). Blocked clients waiting
   * on one of them look again after it ran.
   */
  public static List<byte[]> writtenKeys(List<byte[]> args) {
    CommandSpec spec = args.isEmpty() ? null : lookup(args.get(0));
    if (spec == null || !spec.writes(args) || !spec.arityMatches(args.size())) {
      return List.of();
    }
    return spec.keys(args);
  }

  /** Runs a call's handler; its batch goes to the call's sink when it completes, and an error writes nothing. */
  static Reply run(Call call, CommandSpec spec) {
    try {
      Reply reply = spec.handler().run(call);
      call.commit();
      return reply;
    } catch (RedisError e) {
      return Reply.error(e.getMessage());
    } catch (IOException | RuntimeException | StackOverflowError e) {
      // A bug or a storage failure, not the client's mistake: its text is for the log, not for the client.
      LOG.log(System.Logger.Level.ERROR, "command '" + spec.name() + "' failed", e);
      return Reply.error(Errors.internal(spec.name()));
    }
  }
}
