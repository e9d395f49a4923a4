package io.comdb.verticles.resp;

import io.comdb.types.Reply;
import io.comdb.verticles.api.Failure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** How a failure of the writer or of a worker is answered on RESP, in one place. */
final class RespErrors {
  private static final System.Logger LOG = System.getLogger(RespErrors.class.getName());
  static final String CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
  static final String CLUSTER_DOWN = "CLUSTERDOWN The cluster is down";

  private RespErrors() {}

  static Reply of(Throwable error) {
    if (error instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return Reply.error("ERR the engine's writer did not answer in time; the command may or may not have run");
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return Reply.error("ERR the engine is not running");
      }
      Failure failure = Failure.of(reply.failureCode());
      if (failure == Failure.BUSY) {
        return Reply.error("BUSY " + reply.getMessage());
      }
      if (failure == Failure.CROSS_SLOT) {
        return Reply.error(CROSSSLOT);
      }
      if (failure == Failure.NO_QUORUM) {
        return Reply.error(CLUSTER_DOWN);
      }
      if (failure == Failure.OUT_OF_MEMORY) {
        return Reply.error("OOM command not allowed when used memory > 'maxmemory'.");
      }
      if (failure == Failure.NOT_OWNER) {
        return Reply.error("TRYAGAIN the key's slot is moving between nodes; try again");
      }
      return Reply.error("ERR " + reply.getMessage()); // a failure code's text, chosen for clients
    }
    LOG.log(System.Logger.Level.ERROR, "a RESP command failed", error);
    return Reply.error("ERR the command failed (an internal error, logged by the server)");
  }
}
