package io.comdb.verticles.resp;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.types.Blocking;
import io.comdb.types.CommandSpec;
import io.comdb.types.Commands;
import io.comdb.types.Errors;
import io.comdb.types.RedisStore;
import io.comdb.types.Reply;
import io.comdb.verticles.EngineVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One client connection: parses its commands, runs them one at a time in arrival order, and writes the
 * replies in that order, so a client always reads its own writes.
 *
 * <p>Commands run on this connection's event loop: reads on the engine's read view, writes under the
 * store's write lock ({@link Commands#execute}), so a pipeline costs no thread hops. Under sync always,
 * replies to writes wait for the event loop's next {@link SyncBatch} fsync.
 *
 * <p>Connection state lives here: authentication, the selected database, the protocol version, MULTI's
 * queue, WATCHed keys, subscriptions. Input is paused while replies wait to be written (a client that does
 * not read its replies stops being read), so memory per connection stays bounded.
 */
final class RespConnection implements RespParser.Listener {
  /** Commands parsed but not yet run, at most; beyond it the socket is paused. */
  private static final int MAX_QUEUED = 1024;
  private static final Set<String> ALLOWED_WHILE_SUBSCRIBED =
      Set.of("subscribe", "psubscribe", "unsubscribe", "punsubscribe", "ping", "quit", "reset");
  private static final Set<String> NO_AUTH_NEEDED = Set.of("auth", "hello", "quit");

  final long id;
  final RespServer server;
  final NetSocket socket;
  final Context context;
  final long createdAt = System.currentTimeMillis();
  private final RespParser parser;
  private final ArrayDeque<List<byte[]>> queue = new ArrayDeque<>();
  private Buffer out = Buffer.buffer();
  private boolean running;
  private boolean closing;
  private boolean paused;
  private boolean draining;
  /** Undoes a pending block when the client goes away. */
  private Runnable onClose;
  /** Under sync always: the fsync of this event loop's writes; null otherwise. */
  private final SyncBatch syncBatch;
  /** Replies in {@link #out} acknowledge writes not yet fsynced. */
  boolean unsynced;

  int db;
  int protocol = 2;
  boolean authenticated;
  String name;
  String lastCommand = "NULL";
  /** MULTI's queue; null outside MULTI. */
  List<List<byte[]>> multi;
  boolean multiFailed;
  final List<Watched> watched = new ArrayList<>();
  final PubSub.Subscriptions subscriptions;

  record Watched(int db, byte[] key, long stamp) {}

  RespConnection(long id, RespServer server, NetSocket socket, Context context, SyncBatch syncBatch) {
    this.id = id;
    this.syncBatch = syncBatch;
    this.server = server;
    this.socket = socket;
    this.context = context;
    this.authenticated = server.password() == null;
    this.parser = new RespParser(server.config().maxBulkBytes(), server.config().maxQueryBytes(), this);
    this.parser.authenticated(authenticated);
    this.subscriptions = new PubSub.Subscriptions(this);
    socket.handler(parser);
    socket.closeHandler(v -> closed());
    // The server is stopping: take no more commands, finish the ones received, then close.
    socket.shutdownHandler(v -> {
      draining = true;
      socket.pause();
      if (!running) {
        runQueued();
      }
    });
    socket.exceptionHandler(e -> socket.close());
  }

  Vertx vertx() {
    return server.vertx();
  }

  @Override
  public void command(List<byte[]> args) {
    queue.add(args);
    if (queue.size() >= MAX_QUEUED && !paused) {
      paused = true;
      socket.pause();
    }
    if (!running) {
      runQueued();
    }
  }

  @Override
  public void protocolError(String text) {
    queue.clear();
    reply(Reply.error(text));
    closeAfterReplies();
  }

  @Override
  public void queryBufferExceeded() {
    queue.clear();
    socket.close();
  }

  /** Runs queued commands until one has to wait for the engine, then flushes the replies. */
  private void runQueued() {
    running = true;
    List<byte[]> args;
    while (!closing && (args = queue.poll()) != null) {
      long start = System.nanoTime();
      server.commandsProcessed.incrementAndGet();
      Future<Reply> pending = dispatch(args);
      if (pending != null) {
        flush();
        List<byte[]> command = args;
        pending.onComplete(ar -> {
          server.slow((System.nanoTime() - start) / 1000, command, this);
          reply(ar.succeeded() ? ar.result() : Reply.error("ERR " + ar.cause().getMessage()));
          runQueued();
        });
        return;
      }
      server.slow((System.nanoTime() - start) / 1000, args, this);
    }
    running = false;
    if (draining) {
      closeAfterReplies();
      return;
    }
    flush();
    if (paused && queue.size() < MAX_QUEUED / 2 && !socket.writeQueueFull()) {
      paused = false;
      socket.resume();
    }
  }

  /** Runs one command; a reply now is written here, a reply later comes as the returned future. */
  private Future<Reply> dispatch(List<byte[]> args) {
    String name = new String(args.get(0), UTF_8).toLowerCase(Locale.ROOT);
    CommandSpec spec = Commands.lookup(name);
    lastCommand = name;
    if (spec == null) {
      return refuse(Reply.error(Errors.unknownCommand(new String(args.get(0), UTF_8), args)));
    }
    if (!spec.arityMatches(args.size())) {
      return refuse(Reply.error(Errors.wrongArity(spec.name())));
    }
    if (!authenticated && !NO_AUTH_NEEDED.contains(name)) {
      return refuse(Reply.error(Errors.NOAUTH));
    }
    if (subscriptions.active() && protocol == 2 && !ALLOWED_WHILE_SUBSCRIBED.contains(name)) {
      reply(Reply.error("ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
      return null;
    }
    if (multi != null && !Set.of("exec", "discard", "multi", "watch", "quit", "reset").contains(name)) {
      multi.add(args);
      reply(Reply.QUEUED);
      return null;
    }
    if (spec.handler() == null) {
      return SessionCommands.run(this, name, args);
    }
    Reply reply = Commands.execute(store(), db, spec, args); // a write takes the store's write lock
    if (reply == Blocking.WOULD_BLOCK) {
      return block(spec, args);
    }
    reply(reply);
    if (spec.isWrite()) {
      unsynced = syncBatch != null;
    }
    return null;
  }

  /**
   * BLPOP and the like found nothing: wait for a write to one of the keys (running the command again
   * each time) or for the timeout. The connection runs no other command meanwhile, as in Redis.
   */
  private Future<Reply> block(CommandSpec spec, List<byte[]> args) {
    Promise<Reply> done = Promise.promise();
    int blockedDb = db;
    List<byte[]> keys = Blocking.keys(spec.name(), args);
    long timeout = Blocking.timeoutMillis(spec.name(), args);
    long[] timer = {-1};
    BlockedClients.Waiter waiter = new BlockedClients.Waiter() {
      @Override
      public void wake() {
        context.runOnContext(v -> {
          if (done.future().isComplete() || closing) {
            return;
          }
          Reply reply = Commands.execute(store(), blockedDb, spec, args);
          if (reply != Blocking.WOULD_BLOCK) {
            finish(reply);
            unsynced = syncBatch != null;
          }
        });
      }

      private void finish(Reply reply) {
        server.blocked.unblock(this, blockedDb, keys);
        if (timer[0] >= 0) {
          vertx().cancelTimer(timer[0]);
        }
        onClose = null;
        done.tryComplete(reply);
      }
    };
    server.blocked.block(waiter, blockedDb, keys);
    onClose = () -> server.blocked.unblock(waiter, blockedDb, keys);
    if (timeout > 0) {
      timer[0] = vertx().setTimer(timeout, id -> {
        server.blocked.unblock(waiter, blockedDb, keys);
        onClose = null;
        done.tryComplete(Blocking.timedOut(spec.name()));
      });
    }
    return done.future();
  }

  /** A command refused before it ran: inside MULTI this also dooms the transaction (EXECABORT). */
  private Future<Reply> refuse(Reply error) {
    if (multi != null) {
      multiFailed = true;
    }
    reply(error);
    return null;
  }

  RedisStore store() {
    return EngineVerticle.redis(vertx());
  }



  void reply(Reply reply) {
    RespEncoder.write(out, reply, protocol);
  }

  /** Pushes a message to a subscriber, between replies (it may come from any context: hop to ours). */
  void push(Reply message) {
    context.runOnContext(v -> {
      if (!closing) {
        reply(message);
        if (!running) {
          flush();
        }
      }
    });
  }

  /** Writes the replies so far, unless they acknowledge writes that must be fsynced first. */
  void flush() {
    if (unsynced) {
      syncBatch.add(this);
      return;
    }
    if (out.length() > 0) {
      Buffer b = out;
      out = Buffer.buffer();
      socket.write(b);
      if (socket.writeQueueFull() && !paused) {
        paused = true;
        socket.pause();
        socket.drainHandler(v -> {
          if (paused && queue.size() < MAX_QUEUED / 2) {
            paused = false;
            socket.resume();
          }
        });
      }
    }
  }

  /** QUIT and protocol errors: the replies so far go out, then the connection closes. */
  void closeAfterReplies() {
    closing = true;
    if (unsynced) {
      try {
        EngineVerticle.engine(vertx()).sync(); // rare (QUIT after writes, shutdown): no batch to wait for
        unsynced = false;
      } catch (java.io.IOException | RuntimeException e) {
        socket.close(); // the writes' replies are not sent: they may not be stored
        return;
      }
    }
    Buffer b = out;
    out = Buffer.buffer();
    socket.end(b);
  }

  /** Whether this connection's writes must be fsynced before they are acknowledged. */
  boolean syncing() {
    return syncBatch != null;
  }

  void authenticate() {
    authenticated = true;
    parser.authenticated(true);
  }

  void unwatchAll() {
    for (Watched w : watched) {
      store().unwatch(w.db, w.key);
    }
    watched.clear();
  }

  private void closed() {
    closing = true;
    queue.clear();
    try {
      unwatchAll();
    } catch (IllegalStateException e) {
      // the engine is already gone: nothing to unwatch
    }
    subscriptions.clear();
    if (onClose != null) {
      onClose.run();
    }
    server.forget(this);
  }
}
