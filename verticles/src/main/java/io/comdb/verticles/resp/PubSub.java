package io.comdb.verticles.resp;

import io.comdb.types.Reply;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Redis pub/sub carried on the Vert.x event bus, so that it spans every RESP verticle of the node. A
 * channel is the local address {@code comdb.pubsub.c.<base64url>}; a pattern subscription is the local
 * address {@code comdb.pubsub.p.<base64url>}. PUBLISH publishes to the channel's address and to the
 * address of every pattern it matches. Message bodies are buffers: channel length (int), channel,
 * message.
 *
 * <p>PUBLISH answers the number of receiving subscriptions (Redis counts a client once per subscription
 * that matched); {@link Registry} keeps each node's counts. Clustered, the node asks every other node to
 * deliver the message to its subscribers ({@code comdb.node.<id>.comdb.pubsub.publish}) and adds up
 * their counts.
 */
final class PubSub {
  private static final String CHANNEL = "comdb.pubsub.c.";
  private static final String PATTERN = "comdb.pubsub.p.";
  /** At each node's own address: a message to deliver to that node's subscribers → their number (Long). */
  private static final String PUBLISH = "comdb.pubsub.publish";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final DeliveryOptions TO_NODE = new DeliveryOptions().setSendTimeout(5_000);

  private PubSub() {}

  /** Subscription counts of this node, shared by its RESP verticles. */
  static final class Registry implements Shareable {
    final Map<ByteBuffer, AtomicInteger> channels = new ConcurrentHashMap<>();
    final Map<ByteBuffer, AtomicInteger> patterns = new ConcurrentHashMap<>();
    /** Whether a RESP verticle of this node takes other nodes' PUBLISHes. */
    final java.util.concurrent.atomic.AtomicBoolean serving = new java.util.concurrent.atomic.AtomicBoolean();

    static Registry of(Vertx vertx) {
      LocalMap<String, Registry> map = vertx.sharedData().getLocalMap("comdb.pubsub");
      return map.computeIfAbsent("registry", k -> new Registry());
    }

    static void add(Map<ByteBuffer, AtomicInteger> counts, byte[] name, int delta) {
      counts.compute(ByteBuffer.wrap(name), (k, v) -> {
        int n = (v == null ? 0 : v.get()) + delta;
        return n <= 0 ? null : new AtomicInteger(n);
      });
    }
  }

  static String address(String kind, byte[] name) {
    return kind + Base64.getUrlEncoder().withoutPadding().encodeToString(name);
  }

  /**
   * Clustered: takes other nodes' PUBLISHes for this node's subscribers, once per node (the first RESP
   * verticle to start; its consumer goes when it stops).
   */
  static void serve(Vertx vertx) {
    ClusterNode node = ClusterNode.of(vertx);
    if (node.clustered() && Registry.of(vertx).serving.compareAndSet(false, true)) {
      vertx.eventBus().<Buffer>consumer(node.local(PUBLISH), m -> m.reply(deliver(vertx, m.body())));
    }
  }

  /** PUBLISH: the number of subscriptions that receive it, on every node when clustered. */
  static Future<Reply> publish(Vertx vertx, byte[] channel, byte[] message) {
    Buffer body = Buffer.buffer().appendInt(channel.length).appendBytes(channel).appendBytes(message);
    long here = deliver(vertx, body);
    ClusterNode node = ClusterNode.of(vertx);
    if (!node.clustered()) {
      return Future.succeededFuture(Reply.integer(here));
    }
    List<Future<Long>> others = new ArrayList<>();
    for (String member : node.table().members()) {
      if (!member.equals(node.id())) { // a member without ComDB (a consumer) has no handler: it counts 0
        others.add(vertx.eventBus().<Long>request(ClusterNode.at(member, PUBLISH), body, TO_NODE)
            .map(m -> m.body()).otherwise(0L));
      }
    }
    return Future.all(others).map(all -> {
      long receivers = here;
      for (Future<Long> f : others) {
        receivers += f.result();
      }
      return Reply.integer(receivers);
    });
  }

  /** Delivers a message to this node's subscribers; returns how many subscriptions received it. */
  private static long deliver(Vertx vertx, Buffer body) {
    Registry registry = Registry.of(vertx);
    byte[] channel = body.getBytes(4, 4 + body.getInt(0));
    long receivers = 0;
    AtomicInteger direct = registry.channels.get(ByteBuffer.wrap(channel));
    if (direct != null) {
      receivers += direct.get();
    }
    vertx.eventBus().publish(address(CHANNEL, channel), body, LOCAL);
    for (Map.Entry<ByteBuffer, AtomicInteger> p : registry.patterns.entrySet()) {
      if (io.comdb.types.Glob.matches(p.getKey().array(), channel)) {
        receivers += p.getValue().get();
        vertx.eventBus().publish(address(PATTERN, p.getKey().array()), body, LOCAL);
      }
    }
    return receivers;
  }

  /** A connection's subscriptions: channel and pattern consumers, in subscription order. */
  static final class Subscriptions {
    private final RespConnection connection;
    private final Map<ByteBuffer, MessageConsumer<Buffer>> channels = new LinkedHashMap<>();
    private final Map<ByteBuffer, MessageConsumer<Buffer>> patterns = new LinkedHashMap<>();

    Subscriptions(RespConnection connection) {
      this.connection = connection;
    }

    boolean active() {
      return !channels.isEmpty() || !patterns.isEmpty();
    }

    int count() {
      return channels.size() + patterns.size();
    }

    int channelCount() {
      return channels.size();
    }

    int patternCount() {
      return patterns.size();
    }

    /** SUBSCRIBE / PSUBSCRIBE: one confirmation per name. */
    List<Reply> subscribe(List<byte[]> names, boolean pattern) {
      Map<ByteBuffer, MessageConsumer<Buffer>> mine = pattern ? patterns : channels;
      Registry registry = Registry.of(connection.vertx());
      List<Reply> replies = new ArrayList<>();
      for (byte[] name : names) {
        ByteBuffer key = ByteBuffer.wrap(name);
        if (!mine.containsKey(key)) {
          MessageConsumer<Buffer> consumer = connection.vertx().eventBus().localConsumer(address(pattern ? PATTERN : CHANNEL, name),
              m -> deliver(m.body(), pattern ? name : null));
          mine.put(key, consumer);
          Registry.add(pattern ? registry.patterns : registry.channels, name, 1);
        }
        replies.add(confirmation(pattern ? "psubscribe" : "subscribe", name));
      }
      return replies;
    }

    /** UNSUBSCRIBE / PUNSUBSCRIBE: the names given, or all when none is. */
    List<Reply> unsubscribe(List<byte[]> names, boolean pattern) {
      Map<ByteBuffer, MessageConsumer<Buffer>> mine = pattern ? patterns : channels;
      List<byte[]> which = names.isEmpty() ? mine.keySet().stream().map(ByteBuffer::array).toList() : names;
      List<Reply> replies = new ArrayList<>();
      for (byte[] name : which) {
        drop(mine, name, pattern);
        replies.add(confirmation(pattern ? "punsubscribe" : "unsubscribe", name));
      }
      if (which.isEmpty()) {
        replies.add(confirmation(pattern ? "punsubscribe" : "unsubscribe", null));
      }
      return replies;
    }

    void clear() {
      for (byte[] name : channels.keySet().stream().map(ByteBuffer::array).toList()) {
        drop(channels, name, false);
      }
      for (byte[] name : patterns.keySet().stream().map(ByteBuffer::array).toList()) {
        drop(patterns, name, true);
      }
    }

    private void drop(Map<ByteBuffer, MessageConsumer<Buffer>> mine, byte[] name, boolean pattern) {
      MessageConsumer<Buffer> consumer = mine.remove(ByteBuffer.wrap(name));
      if (consumer != null) {
        consumer.unregister();
        Registry registry = Registry.of(connection.vertx());
        Registry.add(pattern ? registry.patterns : registry.channels, name, -1);
      }
    }

    private Reply confirmation(String kind, byte[] name) {
      return new Reply.Push(List.of(Reply.bulk(kind), name == null ? Reply.NULL_BULK : Reply.bulk(name), Reply.integer(count())));
    }

    private void deliver(Buffer body, byte[] pattern) {
      int length = body.getInt(0);
      byte[] channel = body.getBytes(4, 4 + length);
      byte[] message = body.getBytes(4 + length, body.length());
      connection.push(pattern == null
          ? new Reply.Push(List.of(Reply.bulk("message"), Reply.bulk(channel), Reply.bulk(message)))
          : new Reply.Push(List.of(Reply.bulk("pmessage"), Reply.bulk(pattern), Reply.bulk(channel), Reply.bulk(message))));
    }
  }
}
