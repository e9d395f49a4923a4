package io.comdb.verticles;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Blocking helpers for tests, which run on JUnit's thread, never on a Vert.x thread. */
public final class Bus {
  private Bus() {}

  /** Waits (30 s at most) for the future; rethrows its failure as is. */
  public static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** Sends a request and returns the body of the reply. */
  public static <T> T request(Vertx vertx, String address, Object body) throws Exception {
    Message<T> reply = await(vertx.eventBus().request(address, body));
    return reply.body();
  }
}
