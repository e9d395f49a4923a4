package io.comdb.verticles;

import io.comdb.engine.WriteGroup;
import io.comdb.types.Blocking;
import io.comdb.types.CommandSpec;
import io.comdb.types.Commands;
import io.comdb.types.Errors;
import io.comdb.types.RedisStore;
import io.comdb.types.Reply;
import io.comdb.verticles.api.Redis;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Clients blocked in BLPOP, BLMOVE, BZPOPMIN and the like, held by the writer, as Redis holds them in its
 * one thread: a blocking command that finds nothing waits here, keyed by the keys it waits on; after every
 * write to one of those keys, in the same drain, the waiters run their command again in the order they
 * blocked, so a pushed element goes to the longest waiter and is never lost between a pop and a reply. A
 * waiter's own write (BLMOVE's push) wakes the waiters of its destination in turn. Its timeout, and its
 * client going away ({@link Redis.Unblock}), end the wait with the null reply. Used on the writer's thread.
 */
final class BlockedPops {
  private record Key(int db, ByteBuffer key) {}

  private final class Waiter {
    final Redis.Block request;
    final CommandSpec spec;
    final Message<Object> message;
    final List<Key> keys = new ArrayList<>();
    long timer = -1;

    Waiter(Redis.Block request, CommandSpec spec, Message<Object> message) {
      this.request = request;
      this.spec = spec;
      this.message = message;
      for (byte[] key : Blocking.keys(spec.name(), request.args())) {
        keys.add(new Key(request.db(), ByteBuffer.wrap(key)));
      }
    }
  }

  private final Vertx vertx;
  private final RedisStore redis;
  private final Map<Key, ArrayDeque<Waiter>> byKey = new HashMap<>();
  private final Map<Long, Waiter> byId = new LinkedHashMap<>();
  /** Keys written in this drain that someone waits on. */
  private final ArrayDeque<Key> ready = new ArrayDeque<>();

  BlockedPops(Vertx vertx, RedisStore redis) {
    this.vertx = vertx;
    this.redis = redis;
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }

  /**
   * Runs a blocking command now; if it found nothing it waits, and null is returned (the answer comes
   * later, through {@code answer}). Otherwise returns its reply.
   */
  Reply block(Redis.Block request, Message<Object> message, WriteGroup group, RedisStore.Ran ran) {
    CommandSpec spec = request.args().isEmpty() ? null : Commands.lookup(request.args().get(0));
    if (spec == null || !spec.isBlocking()) {
      String name = request.args().isEmpty() ? "" : new String(request.args().get(0), java.nio.charset.StandardCharsets.UTF_8);
      return Reply.error(Errors.unknownCommand(name, request.args()));
    }
    if (!spec.arityMatches(request.args().size())) {
      return Reply.error(Errors.wrongArity(spec.name()));
    }
    if (request.db() < 0 || request.db() >= RedisStore.DATABASES) {
      return Reply.error(Errors.DB_OUT_OF_RANGE);
    }
    Reply reply = redis.execute(group, request.db(), spec, request.args());
    if (reply != Blocking.WOULD_BLOCK) {
      ran.ran(request.db(), request.args());
      return reply;
    }
    // What it runs with from now on: XREAD's $ is the last ID of this moment (no write came since the run).
    request = new Redis.Block(request.id(), request.db(), redis.waitingArgs(request.db(), request.args()));
    Waiter waiter = new Waiter(request, spec, message);
    if (byId.putIfAbsent(request.id(), waiter) != null) {
      return Reply.error("ERR a blocked command with this id is waiting already");
    }
    for (Key k : waiter.keys) {
      byKey.computeIfAbsent(k, x -> new ArrayDeque<>()).add(waiter);
    }
    long timeout = Blocking.timeoutMillis(spec.name(), request.args());
    if (timeout > 0) {
      waiter.timer = vertx.setTimer(timeout, t -> {
        if (forget(waiter)) {
          waiter.message.reply(new Redis.Result(Blocking.timedOut(waiter.spec.name())));
        }
      });
    }
    return null;
  }

  /** A command of the drain ran: the waiters of the keys it may have written look again at the end of the drain. */
  void written(int db, List<byte[]> commandArgs) {
    if (byId.isEmpty()) {
      return;
    }
    for (byte[] key : Commands.writtenKeys(commandArgs)) {
      Key k = new Key(db, ByteBuffer.wrap(key));
      if (byKey.containsKey(k)) {
        ready.add(k);
      }
    }
  }

  /**
   * Runs the waiters of the keys written in this drain, oldest first, until none can take anything more;
   * each served waiter's reply goes to {@code served} (the writer answers it with the drain's writes).
   */
  void serve(WriteGroup group, BiConsumer<Message<Object>, Object> served) {
    for (Key k; (k = ready.poll()) != null; ) {
      ArrayDeque<Waiter> waiting = byKey.get(k);
      if (waiting == null) {
        continue;
      }
      for (Waiter w : new ArrayList<>(waiting)) {
        long start = System.nanoTime();
        Reply reply = redis.execute(group, w.request.db(), w.spec, w.request.args());
        if (reply == Blocking.WOULD_BLOCK) {
          continue;
        }
        forget(w);
        served.accept(w.message, new Redis.Result(reply, (System.nanoTime() - start) / 1000));
        written(w.request.db(), w.request.args()); // BLMOVE's push may serve others
      }
    }
  }

  /** The client of a blocked command went away. */
  void unblock(long id) {
    Waiter w = byId.get(id);
    if (w != null && forget(w)) {
      w.message.reply(new Redis.Result(Blocking.timedOut(w.spec.name())));
    }
  }

  /** The writer is stopping: every waiter is answered with {@code failure}. */
  void failAll(int code, String message) {
    for (Waiter w : new ArrayList<>(byId.values())) {
      forget(w);
      w.message.fail(code, message);
    }
  }

  private boolean forget(Waiter w) {
    if (byId.remove(w.request.id()) == null) {
      return false;
    }
    if (w.timer >= 0) {
      vertx.cancelTimer(w.timer);
    }
    for (Key k : w.keys) {
      ArrayDeque<Waiter> waiting = byKey.get(k);
      if (waiting != null) {
        waiting.remove(w);
        if (waiting.isEmpty()) {
          byKey.remove(k);
        }
      }
    }
    return true;
  }
}
