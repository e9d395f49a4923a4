package io.comdb.verticles;

import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Writer;
import io.comdb.verticles.cluster.ClusterNode;
import io.comdb.verticles.cluster.Outstanding;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 *
 * <p>Clustered, requests for another node's slots go the same way to that node's writer
 * ({@link #submitTo}): one pass message per node, which that writer admits or refuses whole. One is out to
 * a node at a time: what this loop's connections submit for it meanwhile goes in the next message, sent
 * when that one is answered, so that under load one message carries the requests of many passes (a
 * message costs each node a system call, a wake-up and a decode, whatever it carries). A request the node
 * no longer owns (or is still filling) goes again through this node's router, which finds the owner;
 * requests out to a node that leaves the cluster fail when it is declared dead.
 */
public final class WriterClient {
  /** Writes are answered in milliseconds; a minute means the writer is stuck (a disk that hangs). */
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(60_000);

  /** Clustered: a request for another node's slot goes through this node's router when it must be sent again. */
  private static final DeliveryOptions TO_ROUTER = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final Context context;
  private final Writer.Source source;
  private final WriterQueue queue;
  private List<Object> requests = new ArrayList<>();
  private List<Promise<Object>> answers = new ArrayList<>();
  /** Clustered: the requests for other nodes not sent yet, by node. */
  private final Map<String, Pass> remote = new LinkedHashMap<>();
  /** Clustered: the nodes a pass is out to now. */
  private final Set<String> out = new HashSet<>();
  /** Clustered: passes out to other nodes, failed at once if their node leaves before it answers. */
  private final Outstanding outstanding;
  private boolean sendScheduled;

  /** Requests gathered for one node, and their answers to come. */
  private static final class Pass {
    final List<Object> requests = new ArrayList<>();
    final List<Promise<Object>> answers = new ArrayList<>();
  }

  /** For the verticle running on {@code context}; {@code source} labels its writes in the metrics. */
  public WriterClient(Vertx vertx, Context context, Writer.Source source) {
    this.vertx = vertx;
    this.context = context;
    this.source = source;
    this.queue = EngineVerticle.queue(vertx);
    this.outstanding = new Outstanding(ClusterNode.of(vertx), context);
  }

  /**
   * Queues a request for this pass's message; the future completes with its answer once the writer has
   * applied it (and, under sync always, fsync'd it), or fails with the writer's {@link ReplyException}.
   */
  public Future<Object> submit(Object request) {
    Promise<Object> answer = Promise.promise();
    requests.add(request);
    answers.add(answer);
    scheduleSend();
    return answer.future();
  }

  /**
   * Clustered: queues a request for the writer of {@code node}, which owns its slot, in this pass's
   * message to that node.
   */
  public Future<Object> submitTo(String node, Object request) {
    Pass pass = remote.computeIfAbsent(node, k -> new Pass());
    Promise<Object> answer = Promise.promise();
    pass.requests.add(request);
    pass.answers.add(answer);
    scheduleSend();
    return answer.future();
  }

  private void scheduleSend() {
    if (!sendScheduled) {
      sendScheduled = true;
      context.runOnContext(v -> send());
    }
  }

  private void send() {
    sendScheduled = false;
    if (!remote.isEmpty()) {
      for (Iterator<Map.Entry<String, Pass>> it = remote.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Pass> next = it.next();
        if (out.add(next.getKey())) {
          sendTo(next.getKey(), next.getValue());
          it.remove();
        }
      }
    }
    if (requests.isEmpty()) {
      return;
    }
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
      spread(ar.result().body().answers(), sent, waiting, false);
    });
  }

  private void sendTo(String node, Pass pass) {
    long id = outstanding.sent(node, () -> {
      ReplyException gone = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failure.UNAVAILABLE.code(),
          "the node that owns the key left the cluster with the request out: it may or may not have run; try again");
      pass.answers.forEach(p -> p.tryFail(gone));
      out.remove(node);
      Pass waiting = remote.remove(node); // never sent: the router finds the new owners
      if (waiting != null) {
        for (int i = 0; i < waiting.requests.size(); i++) {
          reroute(waiting.requests.get(i), waiting.answers.get(i));
        }
      }
    });
    vertx.eventBus().<Writer.Answers>request(ClusterNode.at(node, Addresses.WRITER_PASS), new Writer.Pass(source, pass.requests), DELIVERY)
        .onComplete(ar -> {
          outstanding.answered(node, id);
          out.remove(node);
          if (remote.containsKey(node)) {
            scheduleSend(); // what gathered while this one was out
          }
          if (ar.succeeded()) {
            spread(ar.result().body().answers(), pass.requests, pass.answers, true);
          } else if (ar.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
            for (int i = 0; i < pass.requests.size(); i++) { // it is going away: the router finds the new owner
              reroute(pass.requests.get(i), pass.answers.get(i));
            }
          } else {
            pass.answers.forEach(p -> p.tryFail(ar.cause()));
          }
        });
  }

  /** The writer's answers to their requests; with {@code reroute}, one the node did not own goes through the router. */
  private void spread(List<Object> results, List<Object> requests, List<Promise<Object>> waiting, boolean reroute) {
    for (int i = 0; i < waiting.size(); i++) {
      Object result = results.get(i);
      if (result instanceof Writer.Failed f && reroute && f.code() == Failure.NOT_OWNER.code()) {
        reroute(requests.get(i), waiting.get(i));
      } else if (result instanceof Writer.Failed f) {
        waiting.get(i).tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, f.code(), f.message()));
      } else {
        waiting.get(i).tryComplete(result);
      }
    }
  }

  private void reroute(Object request, Promise<Object> answer) {
    vertx.eventBus().request(Addresses.of(request), request, TO_ROUTER).onComplete(ar -> {
      if (ar.succeeded()) {
        answer.tryComplete(ar.result().body());
      } else {
        answer.tryFail(ar.cause());
      }
    });
  }
}
