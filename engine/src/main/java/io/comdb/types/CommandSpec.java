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
        && writeSubcommands.contains(new String(args.get(1), java.nio.charset.StandardCharsets.UTF_8).toUpperCase(Locale.ROOT));
  }

  /** BLPOP and the like: when there is nothing to take they wait (see {@link Blocking}). */
  public boolean isBlocking() {
    return flags.contains("blocking");
  }

  public boolean arityMatches(int argc) {
    return arity >= 0 ? argc == arity : argc >= -arity;
  }

  /** The key arguments of a call, by this row's key positions. */
  public List<byte[]> keys(List<byte[]> args) {
    if (name.equals("xread") || name.equals("xreadgroup")) {
      return StreamReads.keys(args); // the keys follow STREAMS: Redis's movable keys
    }
    if ((name.equals("georadius") || name.equals("georadiusbymember")) && args.size() > 1) {
      return GeoCommands.keys(args); // the source, and the STORE or STOREDIST key
    }
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
