package io.comdb.verticles.resp;

import io.comdb.config.ComDbConfig;
import io.comdb.config.OutputBufferLimits;
import io.comdb.config.OutputBufferLimits.Memory;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Redis's configuration parameters as CONFIG GET and CONFIG SET see them, one row each (docs/resp.md lists
 * them). Three kinds:
 * <ul>
 *   <li><b>live</b>: ComDB settings that CONFIG SET changes at run time, for every RESP verticle of this
 *       Vert.x (slow log, maxclients, timeout, output and query buffer limits);
 *   <li><b>fixed</b>: read from ComDB's configuration and reported; CONFIG SET refuses them as Redis refuses
 *       its immutable parameters (port, databases, dir, ...);
 *   <li><b>no effect</b>: Redis tuning that ComDB's storage has no use for (ziplist sizes, eviction policy,
 *       snapshots, ...): accepted with Redis's validation and reported back, so clients that tune them work.
 * </ul>
 * Values are set by CONFIG SET on one event loop and read on any: each is volatile or atomic.
 */
final class RespSettings {
  /** File descriptors kept for everything but RESP clients: data files, HTTP, the cluster. */
  private static final int RESERVED_FDS = 256;

  volatile long slowlogSlowerThan = 10_000;
  volatile int slowlogMaxLen = 128;
  volatile int maxClients;
  volatile long timeoutSeconds;
  volatile OutputBufferLimits outputLimits;
  volatile long maxBulk;
  volatile long maxQuery;
  volatile long busyMillis = 5000;
  private final Map<String, Parameter> table = new LinkedHashMap<>();

  /** One parameter: its current text, and what a new text would do (checked first, applied after). */
  private record Parameter(String name, Supplier<String> get, Parser set) {}

  /** Checks a value; returns what applies it, or throws {@link IllegalArgumentException} with Redis's reason. */
  private interface Parser {
    Runnable parse(String value);
  }

  RespSettings(ComDbConfig config, java.util.function.IntSupplier port, io.comdb.verticles.MemoryLimit memoryLimit) {
    var resp = config.resp();
    maxClients = Math.min(resp.maxClients(), clientsTheProcessCanHold());
    timeoutSeconds = resp.timeout();
    outputLimits = resp.outputBufferLimit();
    maxBulk = resp.maxBulkBytes();
    maxQuery = resp.maxQueryBytes();

    integer("slowlog-log-slower-than", -1, Long.MAX_VALUE, () -> slowlogSlowerThan, v -> slowlogSlowerThan = v);
    integer("slowlog-max-len", 0, Integer.MAX_VALUE, () -> slowlogMaxLen, v -> slowlogMaxLen = (int) (long) v);
    integer("maxclients", 1, Integer.MAX_VALUE, () -> maxClients, v -> maxClients = (int) (long) v);
    integer("timeout", 0, Integer.MAX_VALUE, () -> timeoutSeconds, v -> timeoutSeconds = v);
    // Redis 7's name and its old one, for one value: after this long a script holding the writer makes -BUSY.
    integer("busy-reply-threshold", 0, Long.MAX_VALUE, () -> busyMillis, v -> busyMillis = v);
    integer("lua-time-limit", 0, Long.MAX_VALUE, () -> busyMillis, v -> busyMillis = v);
    memory("proto-max-bulk-len", 1024, 512L << 20, () -> maxBulk, v -> maxBulk = v);
    memory("client-query-buffer-limit", 1 << 20, 1L << 30, () -> maxQuery, v -> maxQuery = v);
    add("client-output-buffer-limit", () -> outputLimits.toString(), text -> {
      OutputBufferLimits next = outputLimits.with(text);
      return () -> outputLimits = next;
    });

    String sync = config.engine().sync();
    fixed("appendfsync", switch (sync) {
      case "always" -> "always";
      case "none" -> "no";
      default -> "everysec";
    });
    fixed("databases", "16");
    fixed("dir", config.engine().dataDir());
    fixed("bind", resp.host());
    add("port", () -> Integer.toString(port.getAsInt()), text -> {
      throw new IllegalArgumentException("can't set immutable config");
    });
    // Redis shows the password itself; ComDB never shows a password to a client: set or not, that is all.
    fixed("requirepass", config.security().password() == null ? "" : "(set)");
    fixed("cluster-enabled", config.cluster().enabled() ? "yes" : "no");
    fixed("io-threads", "1");
    fixed("daemonize", "no");

    // Redis 7.0's names and defaults; the ziplist names are aliases of the listpack ones there.
    for (String[] p : new String[][] {{"hash-max-listpack-entries", "128"}, {"hash-max-ziplist-entries", "128"},
        {"hash-max-listpack-value", "64"}, {"hash-max-ziplist-value", "64"}, {"set-max-intset-entries", "512"},
        {"zset-max-listpack-entries", "128"}, {"zset-max-ziplist-entries", "128"}, {"zset-max-listpack-value", "64"},
        {"zset-max-ziplist-value", "64"}, {"list-max-listpack-size", "-2"}, {"list-max-ziplist-size", "-2"},
        {"list-compress-depth", "0"}, {"stream-node-max-entries", "100"}, {"hz", "10"}, {"lfu-log-factor", "10"},
        {"lfu-decay-time", "1"}, {"maxmemory-samples", "5"}, {"latency-monitor-threshold", "0"},
        {"tcp-keepalive", "300"},
        {"min-replicas-to-write", "0"}, {"active-expire-effort", "1"}}) {
      noEffectInteger(p[0], p[1]);
    }
    add("maxmemory", () -> Long.toString(memoryLimit.max()), text -> {
      long v = parseMemory(text, 0, Long.MAX_VALUE);
      return () -> memoryLimit.max(v); // engine.maxMemoryBytes, live
    });
    for (String[] p : new String[][] {{"stream-node-max-bytes", "4096"}, {"repl-backlog-size", "1048576"}}) {
      noEffectMemory(p[0], p[1]);
    }
    for (String[] p : new String[][] {{"appendonly", "yes"}, {"activerehashing", "yes"}, {"dynamic-hz", "yes"},
        {"lazyfree-lazy-eviction", "no"}, {"lazyfree-lazy-expire", "no"}, {"lazyfree-lazy-server-del", "no"},
        {"lazyfree-lazy-user-del", "no"}, {"lazyfree-lazy-user-flush", "no"}, {"rdbcompression", "yes"},
        {"rdbchecksum", "yes"}, {"stop-writes-on-bgsave-error", "yes"}, {"activedefrag", "no"},
        {"latency-tracking", "yes"}, {"aof-use-rdb-preamble", "yes"}, {"no-appendfsync-on-rewrite", "no"},
        {"replica-lazy-flush", "no"}, {"lua-replicate-commands", "yes"}}) {
      noEffectEnum(p[0], p[1], "yes", "no");
    }
    noEffectEnum("maxmemory-policy", "noeviction", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
        "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction");
    noEffectEnum("loglevel", "notice", "debug", "verbose", "notice", "warning");
    noEffectString("save", "");
    noEffectString("notify-keyspace-events", "");
  }

  /** The clients this process has descriptors for, as Redis lowers maxclients to its open-files limit. */
  static int clientsTheProcessCanHold() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE, unix.getMaxFileDescriptorCount() - RESERVED_FDS));
    }
    return Integer.MAX_VALUE;
  }

  /** One parameter's value, by its exact name. */
  String value(String name) {
    return table.get(name).get.get();
  }

  /** Name and value of every parameter whose name matches one of the patterns (ignoring case). */
  List<String[]> get(Collection<byte[]> patterns) {
    List<String[]> out = new ArrayList<>();
    for (Parameter p : table.values()) {
      for (byte[] pattern : patterns) {
        if (io.comdb.types.Glob.matchesNoCase(pattern, p.name.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
          out.add(new String[] {p.name, p.get.get()});
          break;
        }
      }
    }
    return out;
  }

  /**
   * Sets name/value pairs all or none, as Redis 7.0's CONFIG SET does.
   *
   * @return null when applied, or Redis's error text
   */
  String set(List<String[]> pairs) {
    List<Runnable> apply = new ArrayList<>();
    for (String[] pair : pairs) {
      String name = pair[0].toLowerCase(Locale.ROOT);
      Parameter p = table.get(name);
      if (p == null) {
        return "ERR Unknown option or number of arguments for CONFIG SET - '" + pair[0] + "'";
      }
      try {
        apply.add(p.set.parse(pair[1]));
      } catch (IllegalArgumentException e) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + e.getMessage();
      }
    }
    apply.forEach(Runnable::run);
    return null;
  }

  private void add(String name, Supplier<String> get, Parser set) {
    table.put(name, new Parameter(name, get, set));
  }

  private void integer(String name, long min, long max, Supplier<Object> get, Consumer<Long> set) {
    add(name, () -> String.valueOf(get.get()), text -> {
      long v = parseInteger(text, min, max);
      if (name.equals("maxclients") && v > clientsTheProcessCanHold()) {
        throw new IllegalArgumentException("The operating system is not able to handle the specified number of clients, try with "
            + clientsTheProcessCanHold());
      }
      return () -> set.accept(v);
    });
  }

  private void memory(String name, long min, long max, Supplier<Long> get, Consumer<Long> set) {
    add(name, () -> Long.toString(get.get()), text -> {
      long v = parseMemory(text, min, max);
      return () -> set.accept(v);
    });
  }

  private void fixed(String name, String value) {
    add(name, () -> value, text -> {
      throw new IllegalArgumentException("can't set immutable config");
    });
  }

  private void noEffectInteger(String name, String initial) {
    AtomicReference<String> value = new AtomicReference<>(initial);
    add(name, value::get, text -> {
      long v = parseInteger(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
      return () -> value.set(Long.toString(v));
    });
  }

  private void noEffectMemory(String name, String initial) {
    AtomicReference<String> value = new AtomicReference<>(initial);
    add(name, value::get, text -> {
      long v = parseMemory(text, 0, Long.MAX_VALUE);
      return () -> value.set(Long.toString(v));
    });
  }

  private void noEffectEnum(String name, String initial, String... allowed) {
    AtomicReference<String> value = new AtomicReference<>(initial);
    add(name, value::get, text -> {
      String v = text.toLowerCase(Locale.ROOT);
      if (!List.of(allowed).contains(v)) {
        throw new IllegalArgumentException(allowed.length == 2 && allowed[0].equals("yes")
            ? "argument must be 'yes' or 'no'"
            : "argument(s) must be one of the following: " + String.join(", ", new java.util.LinkedHashSet<>(List.of(allowed))));
      }
      return () -> value.set(v);
    });
  }

  private void noEffectString(String name, String initial) {
    AtomicReference<String> value = new AtomicReference<>(initial);
    add(name, value::get, text -> () -> value.set(text));
  }

  private static long parseInteger(String text, long min, long max) {
    long v;
    try {
      v = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("argument couldn't be parsed into an integer");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
    }
    return v;
  }

  private static long parseMemory(String text, long min, long max) {
    long v = Memory.parse(text);
    if (v < 0) {
      throw new IllegalArgumentException("argument must be a memory value");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
    }
    return v;
  }
}
