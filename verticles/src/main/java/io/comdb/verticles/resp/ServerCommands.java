package io.comdb.verticles.resp;

import static io.comdb.verticles.resp.SessionCommands.text;

import io.comdb.types.Errors;
import io.comdb.types.RedisError;
import io.comdb.types.Reply;
import io.comdb.verticles.ServerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Locale;

/** SHUTDOWN, WAIT, DEBUG and MONITOR: commands about the server rather than the data. */
final class ServerCommands {
  private static final System.Logger LOG = System.getLogger(ServerCommands.class.getName());

  private ServerCommands() {}

  /**
   * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: stops the server as SIGTERM does (every write is already
   * in the log, so SAVE and NOSAVE stop alike). As in Redis the client gets no reply: its connection closes.
   * Refused when {@code resp.allowShutdown} is false.
   */
  static Future<Reply> shutdown(RespConnection c, List<byte[]> args) {
    boolean save = false;
    boolean nosave = false;
    boolean abort = false;
    for (byte[] a : args.subList(1, args.size())) {
      switch (text(a).toUpperCase(Locale.ROOT)) {
        case "SAVE" -> save = true;
        case "NOSAVE" -> nosave = true;
        case "NOW", "FORCE" -> { } // no snapshot and no replicas to wait for
        case "ABORT" -> abort = true;
        default -> throw new RedisError(Errors.SYNTAX);
      }
    }
    if (save && nosave || abort && args.size() > 2) {
      throw new RedisError(Errors.SYNTAX);
    }
    if (abort) {
      throw new RedisError("ERR No shutdown in progress.");
    }
    if (!c.server.config().allowShutdown()) {
      throw new RedisError("ERR SHUTDOWN is disabled on this server (resp.allowShutdown is false)");
    }
    LOG.log(System.Logger.Level.WARNING, "User requested shutdown (client id={0} addr={1})...", c.id, c.socket.remoteAddress());
    ServerVerticle.requestShutdown(c.vertx()).onFailure(e -> LOG.log(System.Logger.Level.ERROR, "SHUTDOWN failed", e));
    c.closeAfterReplies();
    return null;
  }

  /**
   * WAIT numreplicas timeout: how many copies besides the owner's hold this client's writes. Clustered, a
   * write is acknowledged only once {@code cluster.backups} nodes hold it, so every earlier write already
   * has that many; standalone there are none. It never needs to wait.
   */
  static Reply waitForReplicas(RespConnection c, List<byte[]> args) {
    Long replicas = RespNumbers.parse(args.get(1));
    Long timeout = RespNumbers.parse(args.get(2));
    if (replicas == null || timeout == null) {
      throw new RedisError(Errors.NOT_INTEGER);
    }
    if (timeout < 0) {
      throw new RedisError("ERR timeout is negative");
    }
    if (!c.cluster().clustered()) {
      return Reply.ZERO;
    }
    int members = c.cluster().table().members().size();
    return Reply.integer(Math.min(c.cluster().backups(), Math.max(0, members - 1)));
  }

  /** DEBUG: only what Redis clients and test helpers probe for (SLEEP, OBJECT, HELP). */
  static Future<Reply> debug(RespConnection c, List<byte[]> args) {
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "HELP" -> {
        return Future.succeededFuture(Reply.array(List.of(Reply.bulk("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
            Reply.bulk("OBJECT <key>"), Reply.bulk("SLEEP <seconds>"), Reply.bulk("HELP"))));
      }
      case "SLEEP" -> {
        if (args.size() != 3) {
          throw new RedisError(Errors.wrongArity("debug|sleep"));
        }
        double seconds;
        try {
          seconds = Double.parseDouble(text(args.get(2)));
        } catch (NumberFormatException e) {
          throw new RedisError(Errors.NOT_FLOAT);
        }
        // Redis blocks its whole server; here only this connection waits, its event loop serves the others.
        Promise<Reply> done = Promise.promise();
        long millis = (long) Math.min(Math.max(seconds * 1000, 1), Integer.MAX_VALUE);
        c.vertx().setTimer(millis, id -> done.complete(Reply.OK));
        return done.future();
      }
      case "OBJECT" -> {
        if (args.size() != 3) {
          throw new RedisError(Errors.wrongArity("debug|object"));
        }
        Reply encoding = c.view().read(c.db, io.comdb.types.Commands.lookup("object"),
            List.of("object".getBytes(), "encoding".getBytes(), args.get(2)));
        if (!(encoding instanceof Reply.Bulk bulk) || bulk.value() == null) {
          throw new RedisError(Errors.NO_SUCH_KEY);
        }
        // Only the fields ComDB has true values for: no address, serialized length or LRU clock.
        return Future.succeededFuture(new Reply.Simple("refcount:1 encoding:" + new String(bulk.value())));
      }
      default -> throw new RedisError(Errors.unknownSubcommand("debug", text(args.get(1))));
    }
  }
}
