package io.comdb.verticles;

import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Writer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * A protocol verticle's line to the engine's writer: the write requests its connections submit during one
 * pass of its event loop go as one {@link Writer.Pass} message, sent once the loop has handled everything
 * its sockets delivered in that pass (a task queued behind them); the answers are spread back in order.
 * So the cost of the hop to the writer's thread is paid once per pass, not once per command, as Redis
 * pays one fsync per pass of its loop.
 *
 * <p>Before it sends, it reserves room in the writer's queue; when there is none every request of the
 * pass fails with {@link Failure#BUSY} and nothing of it is applied. One per verticle instance, used on
 * its event loop only.
 */
public final class WriterClient {
  /** Writes are answered in milliseconds; a minute means the writer is stuck (a disk that hangs). */
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(60_000);

  private final Vertx vertx;
  private final Context context;
  private final Writer.Source source;
  private final WriterQueue queue;
  private List<Object> requests = new ArrayList<>();
  private List<Promise<Object>> answers = new ArrayList<>();
  private boolean sendScheduled;

  /** For the verticle running on {@code context}; {@code source} labels its writes in the metrics. */
  public WriterClient(Vertx vertx, Context context, Writer.Source source) {
    this.vertx = vertx;
    this.context = context;
    this.source = source;
    this.queue = EngineVerticle.queue(vertx);
  }

  /**
   * Queues a request for this pass's message; the future completes with its answer once the writer has
   * applied it (and, under sync always, fsync'd it), or fails with the writer's {@link ReplyException}.
   */
  public Future<Object> submit(Object request) {
    Promise<Object> answer = Promise.promise();
    requests.add(request);
    answers.add(answer);
    if (!sendScheduled) {
      sendScheduled = true;
      context.runOnContext(v -> send());
    }
    return answer.future();
  }

  private void send() {
    sendScheduled = false;
    List<Object> sent = requests;
    List<Promise<Object>> waiting = answers;
    requests = new ArrayList<>();
    answers = new ArrayList<>();
    if (!queue.tryReserve(sent.size())) {
      ReplyException busy = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failure.BUSY.code(), EngineVerticle.busyMessage(queue));
      waiting.forEach(p -> p.fail(busy));
      return;
    }
    vertx.eventBus().<Writer.Answers>request(Addresses.WRITER_PASS, new Writer.Pass(source, sent), DELIVERY).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
          queue.release(sent.size()); // never reached the writer, which frees what it answers
        }
        waiting.forEach(p -> p.fail(ar.cause()));
        return;
      }
      List<Object> results = ar.result().body().answers();
      for (int i = 0; i < waiting.size(); i++) {
        Object result = results.get(i);
        if (result instanceof Writer.Failed f) {
          waiting.get(i).fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, f.code(), f.message()));
        } else {
          waiting.get(i).complete(result);
        }
      }
    });
  }
}
