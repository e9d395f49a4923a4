package io.comdb.verticles.cluster;

import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Kv;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Clustered only: takes the requests of ComDB's event-bus API at their plain addresses, on every node, and
 * sends each to the node that owns its slot ({@link ClusterKeys}), relaying the answer or the failure with
 * its code. A clustered consumer may so send to any node. A request that reaches a node which has just
 * lost the slot, or has just gained it and is still filling it, is answered {@link Failure#NOT_OWNER}
 * there, and sent again to the owner the partition table names then, for about five seconds. A key-value
 * scan asks every node and merges their pages in key order.
 */
public final class RouterVerticle extends VerticleBase {
  /** The addresses routed by slot; a request without one goes to this node. */
  private static final List<String> ROUTED = List.of(Addresses.KV_GET, Addresses.KV_PUT, Addresses.KV_DELETE,
      Addresses.KV_BATCH, Addresses.KV_TXN, Addresses.ADMIN_STATS, Addresses.REDIS_EXEC, Addresses.REDIS_BLOCK,
      Addresses.MEMORY_SPACE_PUT, Addresses.MEMORY_SPACE_GET, Addresses.MEMORY_SPACE_DELETE, Addresses.MEMORY_ADD,
      Addresses.MEMORY_LIST, Addresses.MEMORY_GET, Addresses.MEMORY_UPDATE, Addresses.MEMORY_DELETE, Addresses.MEMORY_HISTORY,
      Addresses.MEMORY_SEARCH, Addresses.MEMORY_COMPRESS, Addresses.MEMORY_COMPRESSOR);
  /** Sends of one request after its first, while the partition table moves the slot (about 5 s in all). */
  private static final int RETRIES = 25;
  private static final long RETRY_DELAY_MS = 200;
  /** Blocking commands and compressions may take long; the owner answers them within their own limits. */
  private static final long LONG_TIMEOUT_MS = 24L * 3600 * 1000;

  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private ClusterNode node;
  /** Requests out to owners: failed at once if their owner leaves before it answers. */
  private Outstanding outstanding;

  @Override
  public Future<?> start() {
    node = ClusterNode.of(vertx);
    if (!node.clustered()) {
      return Future.failedFuture(new IllegalStateException("the router runs on clustered nodes only"));
    }
    Codecs.register(vertx);
    for (String address : ROUTED) {
      consumers.add(vertx.eventBus().consumer(address, m -> route(address, m, 0)));
    }
    consumers.add(vertx.eventBus().consumer(Addresses.KV_SCAN, this::scan));
    outstanding = new Outstanding(node, context);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private void route(String address, Message<Object> message, int attempt) {
    String targetNode;
    try {
      int slot = address.equals(Addresses.ADMIN_STATS) ? ClusterKeys.NO_SLOT : ClusterKeys.slot(message.body());
      String owner = node.remoteOwner(slot);
      targetNode = owner == null ? node.id() : owner;
    } catch (ClusterKeys.CrossSlot e) {
      message.fail(Failure.CROSS_SLOT.code(), e.getMessage());
      return;
    } catch (ReplyException e) {
      if (attempt < RETRIES && movedAway(e)) {
        vertx.setTimer(RETRY_DELAY_MS, t -> route(address, message, attempt + 1));
      } else {
        message.fail(e.failureCode(), e.getMessage());
      }
      return;
    }
    // If the owner dies with the request out, its sender hears so when Hazelcast declares it dead, not at the timeout.
    boolean[] settled = {false};
    long id = outstanding.sent(targetNode, () -> {
      settled[0] = true;
      message.fail(Failure.UNAVAILABLE.code(), "the node that owns the key left the cluster with the request out: "
          + "it may or may not have run; try again");
    });
    vertx.eventBus().request(ClusterNode.at(targetNode, address), message.body(), delivery(address)).onComplete(ar -> {
      outstanding.answered(targetNode, id);
      if (settled[0]) {
        return;
      }
      if (ar.succeeded()) {
        message.reply(ar.result().body());
      } else if (attempt < RETRIES && movedAway(ar.cause())) {
        vertx.setTimer(RETRY_DELAY_MS, t -> route(address, message, attempt + 1));
      } else {
        relayFailure(message, ar.cause());
      }
    });
  }

  /** The owner lost the slot, or left, before it ran the request: it ran nothing, so it may be sent again. */
  private static boolean movedAway(Throwable error) {
    return error instanceof ReplyException reply
        && (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureCode() == Failure.NOT_OWNER.code());
  }

  /** Every node's page, merged: the first {@code limit} keys after the cursor, across the cluster. */
  private void scan(Message<Object> message) {
    if (!(message.body() instanceof Kv.Scan scan)) {
      message.fail(Failure.INVALID_ARGUMENT.code(), "comdb.kv.scan takes a Kv.Scan");
      return;
    }
    List<Future<Kv.Page>> pages = new ArrayList<>();
    for (String member : node.table().members()) {
      pages.add(vertx.eventBus().<Kv.Page>request(ClusterNode.at(member, Addresses.KV_SCAN), scan).map(Message::body));
    }
    Future.all(pages).onComplete(ar -> {
      if (ar.failed()) {
        relayFailure(message, ar.cause());
        return;
      }
      message.reply(merge(scan, pages.stream().map(Future::result).toList()));
    });
  }

  static Kv.Page merge(Kv.Scan scan, List<Kv.Page> pages) {
    Comparator<Kv.Entry> order = Comparator.comparing(Kv.Entry::key, Arrays::compareUnsigned);
    List<Kv.Entry> all = new ArrayList<>();
    boolean more = false;
    for (Kv.Page page : pages) {
      all.addAll(page.entries());
      more |= page.next() != null;
    }
    all.sort(scan.reverse() ? order.reversed() : order);
    if (all.size() > scan.limit()) {
      all = all.subList(0, scan.limit());
      more = true;
    }
    return new Kv.Page(all, more && !all.isEmpty() ? all.get(all.size() - 1).key() : null);
  }

  private static void relayFailure(Message<Object> message, Throwable error) {
    if (error instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      message.fail(reply.failureCode(), reply.getMessage());
    } else if (error instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      message.fail(Failure.UNAVAILABLE.code(), "the owner of the key did not answer in time; the request may or may not have run");
    } else {
      message.fail(Failure.UNAVAILABLE.code(), "the owner of the key cannot be reached now; try again");
    }
  }

  private static DeliveryOptions delivery(String address) {
    return address.equals(Addresses.REDIS_BLOCK) || address.equals(Addresses.MEMORY_COMPRESS)
        ? new DeliveryOptions().setSendTimeout(LONG_TIMEOUT_MS) : new DeliveryOptions();
  }
}
