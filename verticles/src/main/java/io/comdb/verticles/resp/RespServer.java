package io.comdb.verticles.resp;

import io.comdb.config.ComDbConfig;
import io.comdb.config.RespSection;
import io.comdb.types.Reply;
import io.comdb.verticles.MemoryLimit;
import io.comdb.verticles.Users;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the RESP verticles of one Vert.x instance share: the configuration, the clients (for CLIENT LIST
 * and KILL), the slow log and the counters INFO reports.
 */
final class RespServer implements Shareable {
  private static final System.Logger LOG = System.getLogger(RespServer.class.getName());
  private final Vertx vertx;
  private final ComDbConfig config;
  private final Map<Long, RespConnection> clients = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  final AtomicLong commandsProcessed = new AtomicLong();
  private final AtomicLong nextBlockId = new AtomicLong(1);
  final AtomicLong connectionsReceived = new AtomicLong();
  final long startedAt = System.currentTimeMillis();
  volatile long lastSave = System.currentTimeMillis() / 1000;
  /** Connections refused for maxclients (INFO's rejected_connections). */
  final AtomicLong rejectedConnections = new AtomicLong();
  /** Clients closed for their output buffer limit (INFO's client_output_buffer_limit_disconnections). */
  final AtomicLong outputLimitDisconnections = new AtomicLong();
  /** Connections open now, counted as they are admitted, so that maxclients holds across event loops. */
  private final java.util.concurrent.atomic.AtomicInteger connected = new java.util.concurrent.atomic.AtomicInteger();
  /** Bytes read from and written to RESP clients (INFO's total_net_input_bytes and total_net_output_bytes). */
  final java.util.concurrent.atomic.LongAdder netInput = new java.util.concurrent.atomic.LongAdder();
  final java.util.concurrent.atomic.LongAdder netOutput = new java.util.concurrent.atomic.LongAdder();
  /** A random 40-hex-digit id of this server's run, as Redis's run_id. */
  final String runId = newRunId();
  private volatile long opsPerSecond;
  private long commandsAtLastTick;
  /** CLIENT PAUSE: until when (epoch millis) commands are held, and whether only writes are. */
  private volatile long pausedUntil;
  private volatile boolean pauseWritesOnly;
  private final java.util.Set<RespConnection> monitors = ConcurrentHashMap.newKeySet();
  /** What CONFIG GET and SET see; some of it (maxclients, timeout, limits, slow log) changes at run time. */
  final RespSettings settings;
  /** Who may sign in, and as what ({@code security}). */
  final Users users;
  private final ArrayDeque<Reply> slowlog = new ArrayDeque<>();
  /** When a cross-protocol attack was last logged (epoch millis). */
  private final AtomicLong lastAttackLogged = new AtomicLong();
  private long slowlogNextId;

  private RespServer(Vertx vertx, ComDbConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.settings = new RespSettings(config, () -> RespVerticle.port(vertx), MemoryLimit.of(vertx, config.engine().maxMemoryBytes()));
    this.users = Users.of(config.security());
    // Once a second: idle clients past timeout are closed, as Redis's clientsCron does, and the ops rate sampled.
    vertx.setPeriodic(1000, id -> {
      closeIdleClients();
      long commands = commandsProcessed.get();
      opsPerSecond = Math.max(0, commands - commandsAtLastTick);
      commandsAtLastTick = commands;
    });
    // Clustered: a client blocked on a node that dies hears so when the node is declared dead.
    ClusterNode.of(vertx).onLeft(left -> clients().forEach(c -> c.nodeLeft(left)));
  }

  static RespServer of(Vertx vertx, ComDbConfig config) {
    LocalMap<String, RespServer> map = vertx.sharedData().getLocalMap("comdb.resp");
    return map.computeIfAbsent("server", k -> new RespServer(vertx, config));
  }

  Vertx vertx() {
    return vertx;
  }

  /** A new id for a blocked command ({@code Redis.Block}), unique among this server's. */
  long newBlockId() {
    return nextBlockId.getAndIncrement();
  }

  RespSection config() {
    return config.resp();
  }

  ComDbConfig comdb() {
    return config;
  }

  /** requirepass: {@code security.password}, or null. */
  String password() {
    return config.security().password();
  }

  private static String newRunId() {
    byte[] id = new byte[20];
    new java.security.SecureRandom().nextBytes(id);
    return java.util.HexFormat.of().formatHex(id);
  }

  /** CLIENT PAUSE millis [WRITE|ALL]: holds the commands of every client until then. */
  void pause(long millis, boolean writesOnly) {
    long until = System.currentTimeMillis() + millis;
    // As Redis: a second pause extends the first and the stricter mode wins while both last.
    pauseWritesOnly = (pausedUntil <= System.currentTimeMillis() || pauseWritesOnly) && writesOnly;
    pausedUntil = Math.max(pausedUntil, until);
  }

  /** CLIENT UNPAUSE: the held commands run. */
  void unpause() {
    pausedUntil = 0;
    clients.values().forEach(RespConnection::wake);
  }

  /** How many more milliseconds a command must wait for CLIENT PAUSE; 0 when it may run. */
  long pausedFor(io.comdb.types.CommandSpec spec) {
    long until = pausedUntil;
    if (until == 0) {
      return 0; // the usual case: no clock read on every command
    }
    long left = until - System.currentTimeMillis();
    if (left <= 0) {
      return 0;
    }
    boolean held = !pauseWritesOnly || spec != null && (spec.isWrite() || spec.flags().contains("may_replicate"));
    return held ? left : 0;
  }

  /** MONITOR: this client is sent every command the server processes from now on. */
  void addMonitor(RespConnection monitor) {
    monitors.add(monitor);
  }

  boolean monitored() {
    return !monitors.isEmpty();
  }

  /**
   * Shows a command to the MONITOR clients, in Redis's form: {@code +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"}.
   * Admin commands are not shown, and AUTH and HELLO's arguments are redacted, as Redis does.
   */
  void monitor(RespConnection client, io.comdb.types.CommandSpec spec, List<byte[]> args) {
    if (spec != null && spec.flags().contains("admin")) {
      return;
    }
    long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
    StringBuilder b = new StringBuilder().append(micros / 1_000_000).append('.')
        .append(String.format(java.util.Locale.ROOT, "%06d", micros % 1_000_000))
        .append(" [").append(client.db).append(' ').append(client.socket.remoteAddress()).append(']');
    boolean redact = spec != null && (spec.name().equals("auth") || spec.name().equals("hello"));
    for (int i = 0; i < args.size(); i++) {
      b.append(' ');
      if (redact && i > 0) {
        b.append("\"(redacted)\"");
      } else {
        quote(b, args.get(i));
      }
    }
    Reply line = new Reply.Simple(b.toString());
    monitors.removeIf(m -> m.isClosing());
    monitors.forEach(m -> m.push(line));
  }

  /** Redis's sdscatrepr: printable bytes as they are, the rest escaped. */
  private static void quote(StringBuilder b, byte[] arg) {
    b.append('"');
    for (byte x : arg) {
      int ch = x & 0xff;
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 7 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        default -> {
          if (ch >= 32 && ch < 127) {
            b.append((char) ch);
          } else {
            b.append(String.format("\\x%02x", ch));
          }
        }
      }
    }
    b.append('"');
  }

  /** Commands processed in the last whole second (INFO's instantaneous_ops_per_sec). */
  long opsPerSecond() {
    return opsPerSecond;
  }

  /**
   * A client sent {@code POST} or {@code Host:}: logged, at most once a minute, with Redis's warning (its
   * connection is closed).
   */
  void crossProtocolAttack(Object from) {
    long now = System.currentTimeMillis();
    long last = lastAttackLogged.get();
    if (now - last > 60_000 && lastAttackLogged.compareAndSet(last, now)) {
      LOG.log(System.Logger.Level.WARNING, "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: "
          + "commands to the Redis port of ComDB. This is likely due to an attacker attempting to use Cross Protocol Scripting to "
          + "compromise your ComDB instance. Connection aborted (from {0}).", from);
    }
  }

  /** Counts a new connection in, unless maxclients are connected already. */
  boolean admit() {
    connectionsReceived.incrementAndGet();
    if (connected.incrementAndGet() > settings.maxClients) {
      connected.decrementAndGet();
      rejectedConnections.incrementAndGet();
      return false;
    }
    return true;
  }

  long register(RespConnection connection) {
    clients.put(connection.id, connection);
    return connection.id;
  }

  long newId() {
    return nextId.getAndIncrement();
  }

  void forget(RespConnection connection) {
    monitors.remove(connection);
    if (clients.remove(connection.id) != null) {
      connected.decrementAndGet();
    }
  }

  private void closeIdleClients() {
    long timeout = settings.timeoutSeconds;
    if (timeout > 0) {
      long now = System.currentTimeMillis();
      clients.values().forEach(c -> c.closeIfIdle(now, timeout * 1000));
    }
  }

  Collection<RespConnection> clients() {
    return clients.values();
  }

  /** Records a command that took at least slowlog-log-slower-than microseconds. */
  void slow(long micros, List<byte[]> args, RespConnection client) {
    long threshold = settings.slowlogSlowerThan;
    if (threshold >= 0 && micros >= threshold) {
      record(micros, args, client);
    }
  }

  private synchronized void record(long micros, List<byte[]> args, RespConnection client) {
    List<Reply> shown = new ArrayList<>();
    for (int i = 0; i < Math.min(args.size(), 32); i++) {
      byte[] a = args.get(i);
      shown.add(Reply.bulk(a.length > 128 ? (new String(a, 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1)
          + "... (" + (a.length - 128) + " more bytes)").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1) : a));
    }
    slowlog.addFirst(Reply.array(List.of(Reply.integer(slowlogNextId++), Reply.integer(System.currentTimeMillis() / 1000),
        Reply.integer(micros), Reply.array(shown), Reply.bulk(client.socket.remoteAddress().toString()),
        Reply.bulk(client.name == null ? "" : client.name))));
    while (slowlog.size() > Math.max(settings.slowlogMaxLen, 0)) {
      slowlog.removeLast();
    }
  }

  synchronized List<Reply> slowlog(long count) {
    List<Reply> entries = new ArrayList<>();
    for (Reply r : slowlog) {
      if (count >= 0 && entries.size() >= count) {
        break;
      }
      entries.add(r);
    }
    return entries;
  }

  synchronized int slowlogLength() {
    return slowlog.size();
  }

  synchronized void slowlogReset() {
    slowlog.clear();
  }
}
