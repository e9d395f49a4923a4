package io.comdb.verticles;

import io.vertx.core.Vertx;

/**
 * The ports the servers of a Vert.x instance listen on, by protocol: the one chosen when configured with
 * port 0, for the start-up log and for tests.
 */
public final class ServerPorts {
  private static final String LOCAL_MAP = "comdb.ports";

  private ServerPorts() {}

  public static void record(Vertx vertx, String protocol, int port) {
    vertx.sharedData().getLocalMap(LOCAL_MAP).put(protocol, port);
  }

  /** The port of {@code protocol} ("http", "resp"), or -1 if nothing listens for it. */
  public static int of(Vertx vertx, String protocol) {
    Object port = vertx.sharedData().getLocalMap(LOCAL_MAP).get(protocol);
    return port == null ? -1 : (Integer) port;
  }
}
