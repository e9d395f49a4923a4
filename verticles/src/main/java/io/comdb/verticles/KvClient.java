package io.comdb.verticles;

import io.comdb.engine.ReadView;
import io.comdb.engine.Versioned;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Writer;
import io.comdb.verticles.cluster.ClusterKeys;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.io.IOException;

/**
 * A protocol verticle's way to the key-value API: reads on this node's read view, writes through its
 * {@link WriterClient} (one message per pass of its event loop); clustered, both go to the node that owns
 * the key's slot. One per verticle instance, used on its event loop.
 */
public final class KvClient {
  /** Clustered: a request for another node's slot goes to this node's router, which sends it on. */
  private static final DeliveryOptions TO_ROUTER = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final ReadView reads;
  private final WriterClient writer;
  private final ClusterNode cluster;

  public KvClient(Vertx vertx, Context context, Writer.Source source) {
    this.vertx = vertx;
    this.reads = EngineVerticle.reads(vertx);
    this.writer = new WriterClient(vertx, context, source);
    this.cluster = ClusterNode.of(vertx);
  }

  public ReadView reads() {
    return reads;
  }

  public ClusterNode cluster() {
    return cluster;
  }

  /**
   * Sends a request ({@code Kv.Put}, {@code Kv.Delete}, ...) to the writer of the key's owner; the future
   * completes once it is applied and, under sync always, fsynced, or fails with the writer's
   * {@link ReplyException} (its failure code says why). A read ({@code Kv.Get}) sent this way is answered
   * in order with the writes sent before it.
   */
  public Future<Object> write(Object request) {
    if (WriterRequests.writes(request) && !cluster.hasQuorum()) {
      return Future.failedFuture(cluster.noQuorum());
    }
    String owner;
    try {
      owner = elsewhere(request);
    } catch (ReplyException e) { // a request across slots
      return Future.failedFuture(e);
    }
    return owner == null ? writer.submit(request)
        : owner.equals(cluster.id()) ? vertx.eventBus().request(Addresses.of(request), request, TO_ROUTER).map(Message::body)
        : writer.submitTo(owner, request);
  }

  /** A key's value and version (null when missing): read here, or, clustered, from the key's owner. */
  public Future<Versioned> versioned(byte[] key) {
    Kv.Get get = new Kv.Get(key);
    try {
      if (elsewhere(get) == null) {
        return Future.succeededFuture(reads.versioned(key));
      }
    } catch (IOException | ReplyException e) {
      return Future.failedFuture(e);
    }
    return vertx.eventBus().<Kv.Value>request(Addresses.KV_GET, get, TO_ROUTER)
        .map(m -> m.body().value() == null ? null : new Versioned(m.body().value(), m.body().version()));
  }

  /** Clustered: one page of the entries under a prefix, from every node (the router merges them). */
  public Future<Kv.Page> scan(Kv.Scan scan) {
    return vertx.eventBus().<Kv.Page>request(Addresses.KV_SCAN, scan, TO_ROUTER).map(Message::body);
  }

  /**
   * Where a key-value request goes: null to this node (standalone, or it owns the request's slot), the id
   * of the node that owns it, or this node's own id when it is still filling the slot (the router waits
   * for it, a few seconds at most).
   */
  private String elsewhere(Object request) {
    if (!cluster.clustered()) {
      return null;
    }
    try {
      return cluster.remoteOwner(ClusterKeys.slot(request));
    } catch (ReplyException e) {
      if (e.failureCode() == Failure.NOT_OWNER.code()) {
        return cluster.id();
      }
      throw e;
    }
  }
}
