package io.comdb.verticles.line;

import io.comdb.config.ComDbConfig;
import io.comdb.config.LineSection;
import io.comdb.verticles.Users;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What the line-protocol verticles of one Vert.x instance share: the configuration, the users, the clients. */
final class LineServer implements Shareable {
  /** How long a client may take to send its first line. */
  static final long AUTH_GRACE_MS = 10_000;

  private final Vertx vertx;
  private final LineSection config;
  private final Users users;
  private final AtomicInteger connected = new AtomicInteger();
  private final Set<LineConnection> clients = ConcurrentHashMap.newKeySet();

  private LineServer(Vertx vertx, ComDbConfig config) {
    this.vertx = vertx;
    this.config = config.line();
    this.users = Users.of(config.security());
  }

  static LineServer of(Vertx vertx, ComDbConfig config) {
    return vertx.sharedData().<String, LineServer>getLocalMap("comdb.line").computeIfAbsent("server", k -> new LineServer(vertx, config));
  }

  LineSection config() {
    return config;
  }

  /** Counts a new connection in, unless {@code line.maxClients} are connected already. */
  boolean admit() {
    if (connected.incrementAndGet() > config.maxClients()) {
      connected.decrementAndGet();
      return false;
    }
    return true;
  }

  void register(LineConnection client) {
    clients.add(client);
  }

  void closed(LineConnection client) {
    if (clients.remove(client)) {
      connected.decrementAndGet();
    }
  }

  /** The user these credentials sign in, or null; a password hash is checked on a worker thread. */
  Future<Users.User> authenticate(String user, String password) {
    return users.authenticate(vertx, user, password);
  }
}
