package io.comdb.verticles.resp;

import io.comdb.engine.EngineStats;
import io.comdb.types.RedisStore;
import java.util.Locale;
import java.util.Set;

/** INFO's text, in Redis's sections and field names, from the server's and the engine's figures. */
final class Info {
  /** The Redis version ComDB answers as: the one whose semantics it follows. */
  static final String REDIS_VERSION = "7.0.15";

  private Info() {}

  static String text(RespConnection c, String section) {
    String s = section.toLowerCase(Locale.ROOT);
    boolean all = Set.of("all", "everything", "default").contains(s);
    StringBuilder b = new StringBuilder();
    if (all || s.equals("server")) {
      long uptime = (System.currentTimeMillis() - c.server.startedAt) / 1000;
      b.append("# Server\r\n")
          .append("redis_version:").append(REDIS_VERSION).append("\r\n")
          .append("comdb_version:0.1.0\r\n")
          .append("redis_mode:").append(c.cluster().clustered() ? "cluster" : "standalone").append("\r\n")
          .append("os:").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append("\r\n")
          .append("process_id:").append(ProcessHandle.current().pid()).append("\r\n")
          .append("tcp_port:").append(c.socket.localAddress().port()).append("\r\n")
          .append("uptime_in_seconds:").append(uptime).append("\r\n")
          .append("uptime_in_days:").append(uptime / 86400).append("\r\n\r\n");
    }
    if (all || s.equals("clients")) {
      b.append("# Clients\r\n")
          .append("connected_clients:").append(c.server.clients().size()).append("\r\n")
          .append("blocked_clients:").append(c.server.clients().stream().filter(RespConnection::blocked).count()).append("\r\n\r\n");
    }
    if (all || s.equals("memory")) {
      Runtime rt = Runtime.getRuntime();
      b.append("# Memory\r\n")
          .append("used_memory:").append(rt.totalMemory() - rt.freeMemory()).append("\r\n")
          .append("maxmemory:0\r\n")
          .append("jvm_heap_max:").append(rt.maxMemory()).append("\r\n\r\n");
    }
    if (all || s.equals("persistence")) {
      EngineStats stats = SessionCommands.engineStats(c);
      b.append("# Persistence\r\n")
          .append("loading:0\r\n")
          .append("rdb_last_save_time:").append(c.server.lastSave).append("\r\n")
          .append("aof_enabled:1\r\n")
          .append("comdb_sync:").append(c.server.comdb().engine().sync()).append("\r\n")
          .append("comdb_data_files:").append(stats.dataFiles()).append("\r\n")
          .append("comdb_disk_bytes:").append(stats.diskBytes()).append("\r\n")
          .append("comdb_reclaimable_bytes:").append(stats.reclaimableBytes()).append("\r\n")
          .append("comdb_last_sequence:").append(stats.lastSequence()).append("\r\n")
          .append("comdb_durable_sequence:").append(stats.durableSequence()).append("\r\n\r\n");
    }
    if (all || s.equals("stats")) {
      b.append("# Stats\r\n")
          .append("total_connections_received:").append(c.server.connectionsReceived.get()).append("\r\n")
          .append("total_commands_processed:").append(c.server.commandsProcessed.get()).append("\r\n")
          .append("expired_keys_pending:").append(c.view().expiringKeys()).append("\r\n\r\n");
    }
    if (all || s.equals("cluster")) {
      b.append("# Cluster\r\n").append("cluster_enabled:").append(c.cluster().clustered() ? 1 : 0).append("\r\n");
      if (c.cluster().clustered()) {
        b.append("comdb_members:").append(c.cluster().table().members().size()).append("\r\n")
            .append("comdb_backups:").append(c.cluster().backups()).append("\r\n")
            .append("comdb_partitions_owned:").append(c.cluster().partitionsOwned()).append("\r\n")
            .append("comdb_partitions_held:").append(c.cluster().partitionsHeld()).append("\r\n")
            .append("comdb_partitions_filling:").append(c.cluster().partitionsFilling()).append("\r\n");
      }
      b.append("\r\n");
    }
    if (all || s.equals("keyspace")) {
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
    return b.toString();
  }
}
