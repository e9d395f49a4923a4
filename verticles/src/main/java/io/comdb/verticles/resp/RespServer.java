package io.comdb.verticles.resp;

import io.comdb.config.ComDbConfig;
import io.comdb.config.RespSection;
import io.comdb.types.Reply;
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
  private final Vertx vertx;
  private final ComDbConfig config;
  private final Map<Long, RespConnection> clients = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  final AtomicLong commandsProcessed = new AtomicLong();
  private final AtomicLong nextBlockId = new AtomicLong(1);
  final AtomicLong connectionsReceived = new AtomicLong();
  final long startedAt = System.currentTimeMillis();
  volatile long lastSave = System.currentTimeMillis() / 1000;
  /** slowlog-log-slower-than (microseconds; negative: off) and slowlog-max-len, settable by CONFIG SET. */
  volatile long slowlogSlowerThan = 10_000;
  volatile int slowlogMaxLen = 128;
  private final ArrayDeque<Reply> slowlog = new ArrayDeque<>();
  private long slowlogNextId;

  private RespServer(Vertx vertx, ComDbConfig config) {
    this.vertx = vertx;
    this.config = config;
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

  long register(RespConnection connection) {
    connectionsReceived.incrementAndGet();
    clients.put(connection.id, connection);
    return connection.id;
  }

  long newId() {
    return nextId.getAndIncrement();
  }

  void forget(RespConnection connection) {
    clients.remove(connection.id);
  }

  Collection<RespConnection> clients() {
    return clients.values();
  }

  /** Records a command that took at least slowlog-log-slower-than microseconds. */
  void slow(long micros, List<byte[]> args, RespConnection client) {
    long threshold = slowlogSlowerThan;
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
    while (slowlog.size() > Math.max(slowlogMaxLen, 0)) {
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
