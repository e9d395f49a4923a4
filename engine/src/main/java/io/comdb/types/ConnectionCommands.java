package io.comdb.types;

/**
 * Rows for the commands a connection answers itself (its state: authentication, database, protocol,
 * transaction, subscriptions) and for the server commands the RESP server answers from its own state.
 * They have no handler here; they are in the table so that {@code COMMAND} lists them and arity is
 * checked in one place.
 */
final class ConnectionCommands {
  private ConnectionCommands() {}

  static void register() {
    Commands.add("ping", -1, "fast sentinel", 0, 0, 0, null);
    Commands.add("echo", 2, "fast", 0, 0, 0, null);
    Commands.add("quit", -1, "allow_busy fast noscript loading stale", 0, 0, 0, null);
    Commands.add("hello", -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, null);
    Commands.add("auth", -2, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, null);
    Commands.add("select", 2, "loading stale fast", 0, 0, 0, null);
    Commands.add("client", -2, "sentinel", 0, 0, 0, null);
    Commands.add("command", -1, "loading stale sentinel", 0, 0, 0, null);
    Commands.add("info", -1, "loading stale sentinel", 0, 0, 0, null);
    Commands.add("config", -2, "", 0, 0, 0, null);
    Commands.add("time", 1, "loading stale fast", 0, 0, 0, null);
    Commands.add("save", 1, "admin noscript no_async_loading no_multi", 0, 0, 0, null);
    Commands.add("bgsave", -1, "admin noscript no_async_loading", 0, 0, 0, null);
    Commands.add("lastsave", 1, "loading stale fast", 0, 0, 0, null);
    Commands.add("multi", 1, "noscript loading stale fast allow_busy", 0, 0, 0, null);
    Commands.add("exec", 1, "noscript loading stale skip_slowlog", 0, 0, 0, null);
    Commands.add("discard", 1, "noscript loading stale fast allow_busy", 0, 0, 0, null);
    Commands.add("watch", -2, "noscript loading stale fast allow_busy", 1, -1, 1, null);
    Commands.add("unwatch", 1, "noscript loading stale fast allow_busy", 0, 0, 0, null);
    Commands.add("reset", 1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, null);
    Commands.add("subscribe", -2, "pubsub noscript loading stale", 0, 0, 0, null);
    Commands.add("unsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0, null);
    Commands.add("psubscribe", -2, "pubsub noscript loading stale", 0, 0, 0, null);
    Commands.add("punsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0, null);
    Commands.add("publish", 3, "pubsub loading stale fast may_replicate", 0, 0, 0, null);
    Commands.add("pubsub", -2, "", 0, 0, 0, null);
    Commands.add("slowlog", -2, "admin random loading stale", 0, 0, 0, null);
    Commands.add("cluster", -2, "", 0, 0, 0, null);
    Commands.add("readonly", 1, "loading stale fast", 0, 0, 0, null);
    Commands.add("readwrite", 1, "loading stale fast", 0, 0, 0, null);
    Commands.add("shutdown", -1, "admin noscript loading stale no_multi sentinel allow_busy", 0, 0, 0, null);
    Commands.add("wait", 3, "noscript", 0, 0, 0, null);
    Commands.add("debug", -2, "admin noscript loading stale", 0, 0, 0, null);
    Commands.add("monitor", 1, "admin noscript loading stale", 0, 0, 0, null);
    Commands.add("acl", -2, "sentinel", 0, 0, 0, null);
  }
}
