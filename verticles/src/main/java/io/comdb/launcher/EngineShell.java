package io.comdb.launcher;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.EngineStats;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.MergeResult;
import io.comdb.verticles.line.LineCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The shell's commands over an open engine, one line at a time. Keys and values are UTF-8 text; a value
 * is the rest of the line after the key, spaces included.
 */
final class EngineShell {
  static final String HELP = """
      put <key> <value>   store a value (the rest of the line)
      get <key>           print the value, or (nil)
      del <key>           delete; prints 1 if the key existed, else 0
      keys [prefix]       list keys in order, optionally those starting with prefix
      stats               live keys, data files, disk and reclaimable bytes
      merge               rewrite live data into new files, dropping the garbage
      sync                fsync everything written so far
      help                this text
      quit                close the database and leave
    ChromoDB's syntax works too: PUT->key->value, GET->key, DEL->key, MEM, DISK""";

  private final Engine engine;
  private final PrintStream out;

  EngineShell(Engine engine, PrintStream out) {
    this.engine = engine;
    this.out = out;
  }

  /** Runs one line; returns false when the shell should end. Errors are printed, never thrown. */
  boolean execute(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return true;
    }
    if (trimmed.contains("->") || trimmed.equalsIgnoreCase("MEM") || trimmed.equalsIgnoreCase("DISK")) {
      chromo(LineCommand.parse(utf8(trimmed)));
      return true;
    }
    String[] words = trimmed.split("\\s+", 3);
    String command = words[0].toLowerCase(java.util.Locale.ROOT);
    try {
      switch (command) {
        case "put" -> {
          if (words.length < 3) {
            return usage("put <key> <value>");
          }
          engine.put(utf8(words[1]), utf8(words[2]));
          out.println("OK");
        }
        case "get" -> {
          if (words.length != 2) {
            return usage("get <key>");
          }
          byte[] value = engine.get(utf8(words[1]));
          out.println(value == null ? "(nil)" : text(value));
        }
        case "del", "delete" -> {
          if (words.length != 2) {
            return usage("del <key>");
          }
          out.println(engine.delete(utf8(words[1])) ? "1" : "0");
        }
        case "keys" -> keys(words.length > 1 ? trimmed.substring(trimmed.indexOf(' ') + 1).strip() : "");
        case "stats" -> {
          EngineStats s = engine.stats();
          out.printf("keys=%d data_files=%d disk_bytes=%d reclaimable_bytes=%d reclaimable_ratio=%.3f%n",
              s.liveKeys(), s.dataFiles(), s.diskBytes(), s.reclaimableBytes(), s.reclaimableRatio());
        }
        case "merge" -> {
          MergeResult r = engine.merge();
          out.printf("merged %d files (%d bytes) into %d files (%d bytes)%n", r.inputFiles(), r.bytesBefore(), r.outputFiles(), r.bytesAfter());
        }
        case "sync" -> {
          engine.sync();
          out.println("OK");
        }
        case "help", "?" -> out.println(HELP);
        case "quit", "exit" -> {
          return false;
        }
        default -> out.println("(error) unknown command '" + words[0] + "'; type help");
      }
    } catch (IOException | RuntimeException e) {
      out.println("(error) " + e.getMessage());
    }
    return true;
  }

  /** A line in ChromoDB's syntax, answered as ChromoDB answers it. */
  private void chromo(LineCommand command) {
    try {
      if (command instanceof LineCommand.Put put) {
        engine.put(put.key(), put.value());
        out.println(LineCommand.PUT_SUCCESS);
      } else if (command instanceof LineCommand.Get get) {
        byte[] value = engine.get(get.key());
        out.println(value == null ? LineCommand.NOT_FOUND : text(value));
      } else if (command instanceof LineCommand.Del del) {
        engine.delete(del.key());
        out.println(LineCommand.DEL_SUCCESS);
      } else if (command instanceof LineCommand.Mem) {
        out.println(LineCommand.mem(engine.stats().memoryBytes()));
      } else if (command instanceof LineCommand.Disk) {
        out.println(LineCommand.disk(engine.stats().diskBytes()));
      } else {
        out.println(LineCommand.refusal(command));
      }
    } catch (IOException | RuntimeException e) {
      out.println(e.getMessage());
    }
  }

  private void keys(String prefix) throws IOException {
    int n = 0;
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(utf8(prefix)))) {
      for (; it.isValid(); it.next()) {
        out.println(text(it.key()));
        n++;
      }
    }
    out.println("(" + n + " keys)");
  }

  private boolean usage(String usage) {
    out.println("(error) usage: " + usage);
    return true;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
