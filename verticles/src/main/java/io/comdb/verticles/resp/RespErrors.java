package io.comdb.verticles.resp;

import io.comdb.types.Reply;
import io.comdb.verticles.api.Failure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** How a failure of the writer or of a worker is answered on RESP, in one place. */
final class RespErrors {
  private RespErrors() {}

  static Reply of(Throwable error) {
    if (error instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return Reply.error("ERR the engine's writer did not answer in time; the command may or may not have run");
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return Reply.error("ERR the engine is not running");
      }
      if (Failure.of(reply.failureCode()) == Failure.BUSY) {
        return Reply.error("BUSY " + reply.getMessage());
      }
    }
    return Reply.error("ERR " + error.getMessage());
  }
}
