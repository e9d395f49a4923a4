package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Locale;

/** Redis 7.0's error texts, word for word: clients and tests match on them. */
public final class Errors {
  public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
  public static final String SYNTAX = "ERR syntax error";
  public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
  public static final String NOT_FLOAT = "ERR value is not a valid float";
  public static final String OVERFLOW = "ERR increment or decrement would overflow";
  public static final String NAN_OR_INFINITY = "ERR increment would produce NaN or Infinity";
  public static final String NO_SUCH_KEY = "ERR no such key";
  public static final String INDEX_OUT_OF_RANGE = "ERR index out of range";
  public static final String HASH_NOT_INTEGER = "ERR hash value is not an integer";
  public static final String HASH_NOT_FLOAT = "ERR hash value is not a float";
  public static final String NOAUTH = "NOAUTH Authentication required.";
  public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
  public static final String AUTH_NOT_CONFIGURED =
      "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
  public static final String DB_OUT_OF_RANGE = "ERR DB index is out of range";
  public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
  public static final String BIT_OFFSET = "ERR bit offset is not an integer or out of range";
  public static final String BIT_VALUE = "ERR bit is not an integer or out of range";
  public static final String OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
  public static final String TIMEOUT_NEGATIVE = "ERR timeout is negative";
  public static final String TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
  public static final String MIN_MAX_NOT_FLOAT = "ERR min or max is not a float";
  public static final String MIN_MAX_NOT_STRING = "ERR min or max not valid string range item";
  public static final String MULTI_NESTED = "ERR MULTI calls can not be nested";
  public static final String EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
  public static final String DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";
  public static final String WATCH_IN_MULTI = "ERR WATCH inside MULTI is not allowed";
  public static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
  public static final String NOT_POSITIVE = "ERR value is out of range, must be positive";

  private Errors() {}

  /** {@code ERR unknown command 'x', with args beginning with: 'a' 'b' } (each argument quoted, then a space). */
  public static String unknownCommand(String name, List<byte[]> args) {
    StringBuilder b = new StringBuilder("ERR unknown command '").append(truncate(name)).append("', with args beginning with: ");
    for (int i = 1; i < args.size() && b.length() < 128; i++) {
      b.append('\'').append(truncate(new String(args.get(i), UTF_8))).append("' ");
    }
    return b.toString();
  }

  /** {@code ERR unknown subcommand 'x'. Try CONFIG HELP.} */
  public static String unknownSubcommand(String command, String sub) {
    return "ERR unknown subcommand '" + truncate(sub) + "'. Try " + command.toUpperCase(Locale.ROOT) + " HELP.";
  }

  /** An unexpected failure while running a command; what went wrong is in the server's log. */
  public static String internal(String command) {
    return "ERR internal error while running '" + command.toLowerCase(Locale.ROOT) + "', see the server log";
  }

  public static String wrongArity(String name) {
    return "ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command";
  }

  public static String invalidExpire(String command) {
    return "ERR invalid expire time in '" + command.toLowerCase(Locale.ROOT) + "' command";
  }

  private static String truncate(String s) {
    return s.length() > 128 ? s.substring(0, 128) : s;
  }
}
