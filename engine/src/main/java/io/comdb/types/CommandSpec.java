package io.comdb.types;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One row of the command table: what {@code COMMAND INFO} reports, and the handler.
 *
 * @param name lower case, as Redis reports it
 * @param arity the number of arguments including the name; negative: at least that many
 * @param flags Redis's flags ({@code write}, {@code readonly}, {@code fast}, ...)
 * @param firstKey position of the first key argument, 0 for none
 * @param lastKey position of the last key; -1 the last argument, -2 the one before
 * @param step distance between keys
 * @param writeSubcommands the subcommands (upper case) that write, for a command that writes only with
 *     some of them (FUNCTION LOAD, ...): they go to the writer, the others run where reads run
 * @param handler null for commands the connection handles itself (AUTH, SELECT, MULTI, SUBSCRIBE, ...)
 */
public record CommandSpec(String name, int arity, Set<String> flags, int firstKey, int lastKey, int step,
    Set<String> writeSubcommands, Handler handler) {
  /** Runs a command on a store; called on the engine's writer thread for {@code write} commands. */
  @FunctionalInterface
  public interface Handler {
    Reply run(Call call) throws java.io.IOException;
  }

  /** Whether the command always writes (it has the {@code write} flag). */
  public boolean isWrite() {
    return flags.contains("write");
  }

  /** Whether this call of the command writes: a write command, or a writing subcommand of one that only sometimes does. */
  public boolean writes(List<byte[]> args) {
    return isWrite() || !writeSubcommands.isEmpty() && args.size() > 1
        && writeSubcommands.contains(Call.keyword(args.get(1)));
  }

  /** BLPOP and the like: when there is nothing to take they wait (see {@link Blocking}). */
  public boolean isBlocking() {
    return flags.contains("blocking");
  }

  public boolean arityMatches(int argc) {
    return arity >= 0 ? argc == arity : argc >= -arity;
  }

  /**
   * The key arguments of a call, as Redis finds them: by this row's key positions, or for the commands whose
   * keys move (Redis's {@code movablekeys}) by their syntax: a {@code numkeys} argument, {@code STREAMS},
   * {@code STORE}. What COMMAND GETKEYS answers, what a cluster routes by, and what a script may touch.
   */
  public List<byte[]> keys(List<byte[]> args) {
    return switch (name) {
      case "xread", "xreadgroup" -> StreamReads.keys(args);
      case "georadius", "georadiusbymember" -> args.size() > 1 ? GeoCommands.keys(args) : List.of();
      case "sort" -> sortKeys(args);
      case "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "zmpop" -> counted(args, 1, false);
      case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "blmpop", "bzmpop" -> counted(args, 2, false);
      case "zunionstore", "zinterstore", "zdiffstore" -> counted(args, 2, true);
      default -> positional(args);
    };
  }

  /** Whether a call of the command names keys (a row's key positions, or keys that move): COMMAND GETKEYS's first question. */
  public boolean hasKeys() {
    return firstKey > 0 || flags.contains("movablekeys");
  }

  /**
   * The keys after a {@code numkeys} argument at {@code at} (the destination key, the first argument, before
   * them if the command has one); none if {@code numkeys} is not a count from 1 to the arguments left.
   */
  private static List<byte[]> counted(List<byte[]> args, int at, boolean destination) {
    Long n = at < args.size() ? Numbers.tryParseLong(args.get(at)) : null;
    if (n == null || n < 1 || n > args.size() - at - 1) {
      return List.of();
    }
    java.util.ArrayList<byte[]> keys = new java.util.ArrayList<>();
    if (destination) {
      keys.add(args.get(1));
    }
    keys.addAll(args.subList(at + 1, at + 1 + n.intValue()));
    return keys;
  }

  /** SORT's keys: the sorted key, and the last STORE's destination, past LIMIT's two arguments and BY's and GET's one, as Redis reads them. */
  private static List<byte[]> sortKeys(List<byte[]> args) {
    byte[] store = null;
    for (int i = 2; i < args.size(); i++) {
      switch (Call.keyword(args.get(i))) {
        case "LIMIT" -> i += 2;
        case "BY", "GET" -> i += 1;
        case "STORE" -> store = i + 1 < args.size() ? args.get(i + 1) : store;
        default -> { }
      }
    }
    return store == null ? List.of(args.get(1)) : List.of(args.get(1), store);
  }

  /** The keys at this row's positions. */
  private List<byte[]> positional(List<byte[]> args) {
    if (firstKey == 0 || firstKey >= args.size()) {
      return List.of();
    }
    int last = lastKey >= 0 ? Math.min(lastKey, args.size() - 1) : args.size() + lastKey;
    java.util.ArrayList<byte[]> keys = new java.util.ArrayList<>();
    for (int i = firstKey; i <= last; i += Math.max(step, 1)) {
      keys.add(args.get(i));
    }
    return keys;
  }

  /** The {@code COMMAND INFO} entry: name, arity, flags, first key, last key, step. */
  public Reply info() {
    return Reply.array(List.of(
        Reply.bulk(name),
        Reply.integer(arity),
        new Reply.SetReply(flags.stream().sorted().map(f -> (Reply) new Reply.Simple(f)).toList()),
        Reply.integer(firstKey),
        Reply.integer(lastKey),
        Reply.integer(step)));
  }

  static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
