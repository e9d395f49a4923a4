package io.comdb.verticles.resp;

import io.comdb.engine.EngineStats;
import io.comdb.types.RedisStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * INFO's text, in Redis's sections and with the field names monitoring tools read, from figures the
 * server measures. A Redis field ComDB has nothing true to put in is left out rather than made up
 * (docs/resp.md lists what each section holds).
 */
final class Info {
  /** The Redis version ComDB answers as: the one whose semantics it follows. */
  static final String REDIS_VERSION = "7.0.15";
  private static final List<String> DEFAULT =
      List.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu", "cluster", "keyspace");
  /** Linux's clock ticks per second in /proc/self/stat (USER_HZ is 100 on every architecture the JDK runs on). */
  private static final double TICKS_PER_SECOND = 100.0;

  private Info() {}

  /** The text for INFO's arguments: none or "default", "all", "everything", or section names. */
  static String text(RespConnection c, List<String> arguments) {
    Set<String> sections = new LinkedHashSet<>();
    for (String a : arguments.isEmpty() ? List.of("default") : arguments) {
      String s = a.toLowerCase(Locale.ROOT);
      sections.addAll(switch (s) {
        case "default", "all", "everything" -> DEFAULT;
        default -> List.of(s);
      });
    }
    StringBuilder b = new StringBuilder();
    for (String s : sections) {
      int before = b.length();
      switch (s) {
        case "server" -> server(c, b);
        case "clients" -> clients(c, b);
        case "memory" -> memory(c, b);
        case "persistence" -> persistence(c, b);
        case "stats" -> stats(c, b);
        case "replication" -> replication(c, b);
        case "cpu" -> cpu(b);
        case "cluster" -> cluster(c, b);
        case "keyspace" -> keyspace(c, b);
        default -> {
          // Redis answers an unknown section with nothing
        }
      }
      if (b.length() > before) {
        b.append("\r\n");
      }
    }
    return b.length() >= 2 ? b.substring(0, b.length() - 2) : "";
  }

  private static void server(RespConnection c, StringBuilder b) {
    long uptime = (System.currentTimeMillis() - c.server.startedAt) / 1000;
    b.append("# Server\r\n");
    field(b, "redis_version", REDIS_VERSION);
    field(b, "redis_git_sha1", "00000000");
    field(b, "redis_git_dirty", 0);
    field(b, "comdb_version", "0.1.0");
    field(b, "redis_mode", c.cluster().clustered() ? "cluster" : "standalone");
    field(b, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    field(b, "arch_bits", System.getProperty("os.arch").contains("64") ? 64 : 32);
    field(b, "java_version", Runtime.version());
    field(b, "process_id", ProcessHandle.current().pid());
    field(b, "run_id", c.server.runId);
    field(b, "tcp_port", RespVerticle.port(c.vertx()));
    field(b, "server_time_usec", System.currentTimeMillis() * 1000);
    field(b, "uptime_in_seconds", uptime);
    field(b, "uptime_in_days", uptime / 86400);
    field(b, "executable", ProcessHandle.current().info().command().orElse(""));
  }

  private static void clients(RespConnection c, StringBuilder b) {
    long maxOutput = 0;
    long blocked = 0;
    long pubsub = 0;
    for (RespConnection client : c.server.clients()) {
      maxOutput = Math.max(maxOutput, client.unsentBytes());
      blocked += client.blocked() ? 1 : 0;
      pubsub += client.subscriptions.active() ? 1 : 0;
    }
    b.append("# Clients\r\n");
    field(b, "connected_clients", c.server.clients().size());
    field(b, "cluster_connections", 0);
    field(b, "maxclients", c.server.settings.maxClients);
    field(b, "client_recent_max_output_buffer", maxOutput);
    field(b, "blocked_clients", blocked);
    field(b, "tracking_clients", 0);
    field(b, "pubsub_clients", pubsub);
  }

  private static void memory(RespConnection c, StringBuilder b) {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    long rss = residentBytes();
    b.append("# Memory\r\n");
    field(b, "used_memory", used);
    field(b, "used_memory_human", human(used));
    if (rss > 0) {
      field(b, "used_memory_rss", rss);
      field(b, "used_memory_rss_human", human(rss));
    }
    field(b, "used_memory_peak", Math.max(peak, used));
    field(b, "used_memory_peak_human", human(Math.max(peak, used)));
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      field(b, "total_system_memory", os.getTotalMemorySize());
      field(b, "total_system_memory_human", human(os.getTotalMemorySize()));
    }
    field(b, "maxmemory", c.server.settings.value("maxmemory"));
    field(b, "maxmemory_human", human(Long.parseLong(c.server.settings.value("maxmemory"))));
    long keydir = io.comdb.verticles.EngineVerticle.reads(c.vertx()).stats().memoryBytes(); // what maxmemory bounds
    field(b, "comdb_keydir_bytes", keydir);
    field(b, "comdb_keydir_human", human(keydir));
    field(b, "maxmemory_policy", c.server.settings.value("maxmemory-policy"));
    if (rss > 0 && used > 0) {
      field(b, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", (double) rss / used));
    }
    field(b, "mem_allocator", "jvm");
    field(b, "jvm_heap_max", rt.maxMemory());
  }

  private static void persistence(RespConnection c, StringBuilder b) {
    EngineStats stats = SessionCommands.engineStats(c);
    b.append("# Persistence\r\n");
    field(b, "loading", 0);
    field(b, "async_loading", 0);
    field(b, "rdb_bgsave_in_progress", 0);
    field(b, "rdb_last_save_time", c.server.lastSave);
    field(b, "rdb_last_bgsave_status", "ok");
    field(b, "aof_enabled", 1);
    field(b, "aof_rewrite_in_progress", 0);
    field(b, "comdb_sync", c.server.comdb().engine().sync());
    field(b, "comdb_data_files", stats.dataFiles());
    field(b, "comdb_disk_bytes", stats.diskBytes());
    field(b, "comdb_reclaimable_bytes", stats.reclaimableBytes());
    field(b, "comdb_last_sequence", stats.lastSequence());
    field(b, "comdb_durable_sequence", stats.durableSequence());
    field(b, "comdb_fsyncs", stats.fsyncs());
  }

  private static void stats(RespConnection c, StringBuilder b) {
    PubSub.Registry pubsub = PubSub.Registry.of(c.vertx());
    b.append("# Stats\r\n");
    field(b, "total_connections_received", c.server.connectionsReceived.get());
    field(b, "total_commands_processed", c.server.commandsProcessed.get());
    field(b, "instantaneous_ops_per_sec", c.server.opsPerSecond());
    field(b, "total_net_input_bytes", c.server.netInput.sum());
    field(b, "total_net_output_bytes", c.server.netOutput.sum());
    field(b, "rejected_connections", c.server.rejectedConnections.get());
    field(b, "expired_keys_pending", c.view().expiringKeys());
    field(b, "pubsub_channels", pubsub.channels.size());
    field(b, "pubsub_patterns", pubsub.patterns.size());
    field(b, "client_output_buffer_limit_disconnections", c.server.outputLimitDisconnections.get());
  }

  /** ComDB has no Redis replicas: a cluster's copies are in the cluster section. */
  private static void replication(RespConnection c, StringBuilder b) {
    b.append("# Replication\r\n");
    field(b, "role", "master");
    field(b, "connected_slaves", 0);
    field(b, "master_failover_state", "no-failover");
    field(b, "master_replid", c.server.runId);
    field(b, "master_repl_offset", 0);
  }

  private static void cpu(StringBuilder b) {
    double[] userSys = cpuSeconds();
    if (userSys == null) {
      return;
    }
    b.append("# CPU\r\n");
    field(b, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", userSys[1]));
    field(b, "used_cpu_user", String.format(Locale.ROOT, "%.6f", userSys[0]));
  }

  private static void cluster(RespConnection c, StringBuilder b) {
    b.append("# Cluster\r\n");
    field(b, "cluster_enabled", c.cluster().clustered() ? 1 : 0);
    if (c.cluster().clustered()) {
      field(b, "comdb_members", c.cluster().table().members().size());
      field(b, "comdb_backups", c.cluster().backups());
      field(b, "comdb_partitions_owned", c.cluster().partitionsOwned());
      field(b, "comdb_partitions_held", c.cluster().partitionsHeld());
      field(b, "comdb_partitions_filling", c.cluster().partitionsFilling());
    }
  }

  private static void keyspace(RespConnection c, StringBuilder b) {
    b.append("# Keyspace\r\n");
    for (int db = 0; db < RedisStore.DATABASES; db++) {
      long keys = SessionCommands.dbSize(c, db);
      if (keys > 0) {
        long[] expiring = c.view().expiries(db);
        b.append("db").append(db).append(":keys=").append(keys).append(",expires=").append(expiring[0])
            .append(",avg_ttl=").append(expiring[1]).append("\r\n");
      }
    }
  }

  private static void field(StringBuilder b, String name, Object value) {
    b.append(name).append(':').append(value).append("\r\n");
  }

  /** Redis's bytesToHuman: B, K, M, G with two decimals. */
  static String human(long n) {
    String[] units = {"B", "K", "M", "G", "T", "P"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + "B" : String.format(Locale.ROOT, "%.2f%s", v, units[u]);
  }

  /** The process's resident set in bytes (Linux /proc), or -1. */
  private static long residentBytes() {
    try {
      String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(statm[1]) * 4096;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The process's user and system CPU seconds (Linux /proc), or null where there is no /proc. */
  private static double[] cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // field 3 onwards; the name may hold spaces
      return new double[] {Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
