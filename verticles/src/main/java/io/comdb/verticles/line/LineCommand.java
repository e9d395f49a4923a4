package io.comdb.verticles.line;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * One line of ChromoDB's protocol, parsed: {@code PUT->key->value}, {@code GET->key}, {@code DEL->key},
 * {@code MEM}, {@code DISK}. The command word is what comes before the first {@code ->}, in any case;
 * keys and values are trimmed of spaces and tabs, as ChromoDB trims them. A value may itself hold
 * {@code ->} (ChromoDB refuses such a line). A command with a missing or empty key is a
 * {@link Malformed} ("bad sequence"); an unknown word is {@link Unknown} ("nonexistent command").
 */
public sealed interface LineCommand {
  byte[] ARROW = {'-', '>'};

  /** ChromoDB's answers, the same from the server and from the shell. */
  String PUT_SUCCESS = "PUT SUCCESS";
  String DEL_SUCCESS = "DEL SUCCESS";
  /** GET of a missing key: ChromoDB's error text. */
  String NOT_FOUND = "key not found";

  /** The answer to a command that is {@link Malformed} or {@link Unknown}. */
  static String refusal(LineCommand command) {
    return command instanceof Malformed ? "bad sequence" : "nonexistent command";
  }

  static String mem(long bytes) {
    return "Current memory usage: " + bytes + " bytes";
  }

  static String disk(long bytes) {
    return "DISK USAGE: " + bytes + " bytes";
  }

  record Put(byte[] key, byte[] value) implements LineCommand {}

  record Get(byte[] key) implements LineCommand {}

  record Del(byte[] key) implements LineCommand {}

  record Mem() implements LineCommand {}

  record Disk() implements LineCommand {}

  record Malformed() implements LineCommand {}

  record Unknown() implements LineCommand {}

  /** Parses a line, its LF (and CR) already taken off. */
  public static LineCommand parse(byte[] line) {
    int arrow = indexOf(line, 0);
    String word = new String(trim(line, 0, arrow < 0 ? line.length : arrow), StandardCharsets.ISO_8859_1).toUpperCase(java.util.Locale.ROOT);
    switch (word) {
      case "MEM":
        return arrow < 0 ? new Mem() : new Malformed();
      case "DISK":
        return arrow < 0 ? new Disk() : new Malformed();
      case "GET", "DEL": {
        byte[] key = arrow < 0 ? new byte[0] : trim(line, arrow + 2, line.length);
        if (key.length == 0) {
          return new Malformed();
        }
        return word.equals("GET") ? new Get(key) : new Del(key);
      }
      case "PUT": {
        int second = arrow < 0 ? -1 : indexOf(line, arrow + 2);
        if (second < 0) {
          return new Malformed();
        }
        byte[] key = trim(line, arrow + 2, second);
        return key.length == 0 ? new Malformed() : new Put(key, trim(line, second + 2, line.length));
      }
      default:
        return new Unknown();
    }
  }

  /**
   * The user and password of the first line: base64 of {@code user}, a separator, {@code password}; the
   * separator is a NUL byte or the two characters backslash and zero (what ChromoDB's README encodes).
   * Null when the line is not that.
   */
  public static String[] credentials(byte[] line) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(trim(line, 0, line.length));
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (int i = 0; i < decoded.length; i++) {
      int width = decoded[i] == 0 ? 1 : decoded[i] == '\\' && i + 1 < decoded.length && decoded[i + 1] == '0' ? 2 : 0;
      if (width > 0) {
        return new String[] {
            new String(decoded, 0, i, StandardCharsets.UTF_8), new String(decoded, i + width, decoded.length - i - width, StandardCharsets.UTF_8)};
      }
    }
    return null;
  }

  private static int indexOf(byte[] line, int from) {
    for (int i = from; i + 1 < line.length; i++) {
      if (line[i] == ARROW[0] && line[i + 1] == ARROW[1]) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] trim(byte[] line, int from, int to) {
    while (from < to && isSpace(line[from])) {
      from++;
    }
    while (to > from && isSpace(line[to - 1])) {
      to--;
    }
    return Arrays.copyOfRange(line, from, to);
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0x0b || b == '\f';
  }
}
