package io.comdb.verticles.resp;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.types.Blocking;
import io.comdb.types.CommandSpec;
import io.comdb.types.Commands;
import io.comdb.types.Errors;
import io.comdb.types.RedisError;
import io.comdb.types.RedisView;
import io.comdb.types.Reply;
import io.comdb.verticles.HalfClose;
import io.comdb.verticles.Users;
import io.comdb.verticles.WriterClient;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Redis;
import io.comdb.verticles.cluster.ClusterKeys;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: parses its commands, runs them in arrival order, and writes the replies in that
 * order.
 *
 * <p>Where each command runs: a read-only data command runs here, on this connection's event loop, on the
 * read view; a write goes to the engine's writer through the verticle's {@link WriterClient}, which sends
 * the writes of every connection of this event loop's pass as one message, and its reply comes back once
 * the writer has applied it and, under sync always, fsync'd it. While writes of this connection are out,
 * its later data commands, reads too, go the same way, so that a read sees the writes before it (read your
 * writes) and replies stay in order; commands the connection answers itself (MULTI, WATCH, CLIENT, ...)
 * wait until the writer has answered. EXEC and a blocking command (BLPOP, ...) run on the writer alone: the
 * connection runs nothing else until they are answered, as in Redis.
 *
 * <p>Connection state lives here: authentication, the selected database, the protocol version, MULTI's
 * queue, WATCHed keys, subscriptions.
 *
 * <p>Memory per connection is bounded. Input is paused while too many commands wait (parsed, or out at the
 * writer). A client that does not read its replies stops being served once {@value #OUTPUT_BACKLOG} bytes
 * of them are unsent, until it reads (so at most one reply beyond that is held), and then stops being read.
 * Replies it cannot be stopped from getting (pub/sub messages) are bounded by client-output-buffer-limit,
 * checked after every command and message: past the hard limit, or over the soft one for its seconds, the
 * client is closed, as Redis closes it.
 */
final class RespConnection implements RespParser.Listener {
  /** Commands parsed but not yet run, at most; beyond it the socket is paused. */
  private static final int MAX_QUEUED = 1024;
  /** Commands out at the writer, at most; beyond it the connection waits for their replies. */
  private static final int MAX_AT_WRITER = 1024;
  /**
   * Reads out at a writer (behind writes, to keep their order), at most: a read's reply may be large, and
   * the output limits are checked only as replies arrive, so a client that reads nothing gets at most
   * this many more read replies than its limit.
   */
  private static final int MAX_READS_AT_WRITER = 16;
  /** Unsent reply bytes beyond which no more of this client's commands run until it reads. */
  static final int OUTPUT_BACKLOG = 1 << 20;
  private static final System.Logger LOG = System.getLogger(RespConnection.class.getName());
  /** A blocking command with timeout 0 waits as long as its client does. */
  private static final long FOREVER_MS = TimeUnit.NANOSECONDS.toMillis(Long.MAX_VALUE / 4);
  private static final Set<String> ALLOWED_WHILE_SUBSCRIBED =
      Set.of("subscribe", "psubscribe", "unsubscribe", "punsubscribe", "ping", "quit", "reset");
  private static final Set<String> NO_AUTH_NEEDED = Set.of("auth", "hello", "quit");
  private static final Set<String> RUN_IN_MULTI = Set.of("exec", "discard", "multi", "watch", "quit", "reset");
  /** Clustered: a command for a slot this node is still filling goes to its router, which waits for it. */
  private static final DeliveryOptions TO_ROUTER = new DeliveryOptions().setLocalOnly(true);

  /** A command out at the writer: its reply, once answered, and how long the writer took to run it. */
  private static final class AtWriter {
    final List<byte[]> args;
    final boolean read;
    Reply reply;
    long micros;

    AtWriter(List<byte[]> args, boolean read) {
      this.args = args;
      this.read = read;
    }
  }

  final long id;
  final RespServer server;
  final NetSocket socket;
  final Context context;
  final long createdAt = System.currentTimeMillis();
  private final RespParser parser;
  private final RedisView view;
  private final WriterClient writer;
  private final ArrayDeque<List<byte[]>> queue = new ArrayDeque<>();
  /** Commands out at the writer, oldest first: their replies go out in this order. */
  private final ArrayDeque<AtWriter> atWriter = new ArrayDeque<>();
  /** How many of {@link #atWriter} are reads. */
  private int readsAtWriter;
  private Buffer out = Buffer.buffer();
  private boolean running;
  /** EXEC, a blocking command, or a session command that answers later is out: nothing else runs. */
  private boolean waiting;
  /** The id of this connection's blocked command at the writer, or -1. */
  private volatile long blockedId = -1;
  /** Where to send the {@link Redis.Unblock} of the blocked command: the node whose writer holds it. */
  private volatile String unblockAddress = Addresses.REDIS_UNBLOCK;
  /** The blocked command's answer to come, and the node whose writer holds it; on this event loop. */
  private Promise<Redis.Result> blockedAnswer;
  private String blockedNode;
  private final ClusterNode cluster;
  private boolean closing;
  private boolean paused;
  private boolean draining;
  /** The client has shut its side down: once its commands are answered, the connection closes. */
  private boolean inputEnded;
  /** A protocol error to answer, after the replies already due, before the connection closes. */
  private String protocolError;
  /** Reply bytes handed to the socket and not yet written to the network (written on this event loop only). */
  private volatile long unsent;
  /** Since when the unsent replies have been over the soft output limit; 0 when they are not. */
  private long overSoftLimitSince;
  /** A timer will run the queued commands when CLIENT PAUSE ends. */
  private boolean pauseTimerSet;
  /** When this client last sent something (timeout). */
  private volatile long lastActive = System.currentTimeMillis();

  int db;
  int protocol = 2;
  boolean authenticated;
  /** Who this client signed in as: null until it has (the server's {@code anyone()} when it is open). */
  Users.User user;
  String name;
  String lastCommand = "NULL";
  /** Clustered: the client asked for the slot map (CLUSTER SLOTS, ...), so it gets -MOVED, not forwarding. */
  boolean clusterAware;
  /** MULTI's queue; null outside MULTI. */
  List<List<byte[]>> multi;
  boolean multiFailed;
  final List<Watched> watched = new ArrayList<>();
  final PubSub.Subscriptions subscriptions;

  /** A watched key and its stamp; {@code node}: clustered, the other node that owns it and holds the watch (null: this one). */
  record Watched(int db, byte[] key, long stamp, String node) {}

  RespConnection(long id, RespServer server, NetSocket socket, Context context, RedisView view, WriterClient writer) {
    this.id = id;
    this.view = view;
    this.writer = writer;
    this.server = server;
    this.socket = socket;
    this.context = context;
    this.cluster = ClusterNode.of(server.vertx());
    this.user = server.users.open() ? server.users.anyone() : null;
    this.authenticated = user != null;
    this.parser = new RespParser(() -> server.settings.maxBulk, () -> server.settings.maxQuery, this);
    this.parser.authenticated(authenticated);
    this.subscriptions = new PubSub.Subscriptions(this);
    socket.handler(chunk -> {
      lastActive = System.currentTimeMillis(); // once per read, not per command of a pipeline
      server.netInput.add(chunk.length());
      parser.handle(chunk);
    });
    socket.closeHandler(v -> closed());
    // The server is stopping: take no more commands, finish the ones received, then close.
    socket.shutdownHandler(v -> {
      draining = true;
      socket.pause();
      if (blockedId >= 0) {
        vertx().eventBus().send(unblockAddress, new Redis.Unblock(blockedId)); // answers it at once
      }
      if (!running) {
        runQueued();
      }
    });
    socket.exceptionHandler(e -> socket.close());
    // The client shut its side down (printf ... | nc): its commands are answered, then the connection closes.
    HalfClose.onInputEnd(socket, context, () -> {
      inputEnded = true;
      if (blocked()) {
        socket.close(); // as Redis drops a client at the end of its input: nothing can follow to unblock it
      } else if (!running) {
        runQueued();
      }
    });
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
    protocolError = text;
    socket.pause();
    if (!running) {
      runQueued();
    }
  }

  @Override
  public void queryBufferExceeded() {
    queue.clear();
    socket.close();
  }

  /** Runs queued commands until one has to wait for the writer, then flushes the replies. */
  private void runQueued() {
    running = true;
    List<byte[]> args;
    while (!closing && !waiting && !backlogged() && (args = queue.peek()) != null && step(args)) {
      queue.poll();
      checkOutputLimits();
    }
    running = false;
    if (closing) {
      return;
    }
    if (draining && backlogged()) {
      abort(); // the server is stopping and this client reads nothing: its waiting commands never started
      return;
    }
    if (atWriter.isEmpty() && !waiting && (protocolError != null || (draining || inputEnded) && queue.isEmpty())) {
      if (protocolError != null) {
        reply(Reply.error(protocolError));
      }
      closeAfterReplies();
      return;
    }
    flush();
    if (paused && queue.size() < MAX_QUEUED / 2 && !backlogged()) {
      paused = false;
      socket.resume();
    }
  }

  /** Reply bytes not yet written to the network: CLIENT LIST's omem. */
  long unsentBytes() {
    return unsent;
  }

  /** Milliseconds since this client last sent anything: CLIENT LIST's idle. */
  long idleMillis(long now) {
    return now - lastActive;
  }

  /**
   * Whether a command is what an HTTP request sends first ({@code POST / HTTP/1.1}) or as a header
   * ({@code Host: ...}): a web page scripting this server across protocols, which Redis refuses.
   */
  private static boolean isHttp(byte[] name) {
    String word = new String(name, java.nio.charset.StandardCharsets.ISO_8859_1);
    return word.equalsIgnoreCase("post") || word.equalsIgnoreCase("host:");
  }

  /** What Redis 7 still runs while a script is busy: AUTH, HELLO, transactions' own commands, QUIT, RESET, SHUTDOWN, the kills. */
  private static boolean allowedWhenBusy(String name, List<byte[]> args) {
    if (Set.of("auth", "hello", "multi", "exec", "discard", "quit", "reset", "shutdown").contains(name)) {
      return true;
    }
    String sub = args.size() > 1 ? new String(args.get(1), UTF_8).toUpperCase(Locale.ROOT) : "";
    return name.equals("script") && sub.equals("KILL") || name.equals("function") && (sub.equals("KILL") || sub.equals("STATS"));
  }

  /** Whether this client's unsent replies are too many to run more of its commands before it reads. */
  private boolean backlogged() {
    return unsent + out.length() > OUTPUT_BACKLOG;
  }

  /**
   * Runs or sends one command; false if it must wait for the writer's replies first (it stays queued).
   * A reply now is written here; a reply later comes when the writer answers.
   */
  private boolean step(List<byte[]> args) {
    CommandSpec spec = Commands.lookup(args.get(0));
    if (spec == null && isHttp(args.get(0))) {
      server.crossProtocolAttack(socket.remoteAddress());
      abort(); // as Redis: no reply, the connection closes at once
      return false;
    }
    long pausedFor = server.pausedFor(spec);
    if (pausedFor > 0) {
      resumeAfter(pausedFor); // CLIENT PAUSE: the command waits, it is not refused
      return false;
    }
    String name = spec != null ? spec.name() : new String(args.get(0), UTF_8).toLowerCase(Locale.ROOT);
    String busy = view().busyScript(server.settings.busyMillis);
    if (busy != null && !allowedWhenBusy(name, args)) {
      reply(Reply.error("BUSY Redis is busy running a script. You can only call " + busy + " KILL or SHUTDOWN NOSAVE."));
      return true;
    }
    boolean servable = spec != null && spec.handler() != null && spec.arityMatches(args.size()) && authenticated
        && user.role().permits(RespAccess.of(spec, args))
        && !(subscriptions.active() && protocol == 2);
    if (servable && cluster.clustered()) {
      Boolean routed = route(spec, args);
      if (routed != null) {
        return routed;
      }
    }
    boolean toWriter = servable && !spec.isBlocking() && multi == null;
    boolean writes = toWriter && spec.writes(args);
    if (toWriter && (writes || !atWriter.isEmpty())) {
      if (!mayAwait(!writes)) {
        return false;
      }
      processing(name, spec, args);
      send(args, !writes);
      return true;
    }
    if (!atWriter.isEmpty()) {
      return false; // its reply must follow theirs
    }
    processing(name, spec, args);
    long start = System.nanoTime();
    Future<Reply> later = toWriter ? null : dispatch(name, spec, args);
    if (toWriter) {
      reply(view().read(db, spec, args));
    }
    if (later != null) {
      waiting = true;
      later.onComplete(ar -> {
        if (!runByWriter(name, spec)) { // those the writer timed: see block() and EXEC
          server.slow((System.nanoTime() - start) / 1000, args, this);
        }
        reply(ar.succeeded() ? ar.result() : RespErrors.of(ar.cause()));
        waiting = false;
        if (!running) {
          runQueued();
        }
      });
      return true;
    }
    server.slow((System.nanoTime() - start) / 1000, args, this);
    return true;
  }

  /** Runs the queued commands again in {@code millis}, or sooner if the pause ends ({@link #wake}). */
  private void resumeAfter(long millis) {
    if (!pauseTimerSet) {
      pauseTimerSet = true;
      vertx().setTimer(millis, id -> wake());
    }
  }

  /** CLIENT UNPAUSE, or a pause's end: commands held by it run now. */
  void wake() {
    context.runOnContext(v -> {
      pauseTimerSet = false;
      if (!running && !closing) {
        runQueued();
      }
    });
  }

  boolean isClosing() {
    return closing;
  }

  /** A command starts: it is counted, becomes this client's last command, and is shown to MONITOR clients. */
  private void processing(String name, CommandSpec spec, List<byte[]> args) {
    lastCommand = name;
    server.commandsProcessed.incrementAndGet();
    if (server.monitored()) {
      server.monitor(this, spec, args);
    }
  }

  /** EXEC and the blocking commands: the writer runs them, and their slow-log time is the writer's. */
  private static boolean runByWriter(String name, CommandSpec spec) {
    return name.equals("exec") || spec != null && spec.isBlocking();
  }

  /**
   * Clustered: where a data command runs. Null: here, as on a standalone server (this node owns its slot,
   * or it has no key, or it is queued in MULTI, or it blocks: {@link #block} finds the owner). Otherwise it
   * has been dealt with (true) or must wait for the replies before it (false): a command on keys of
   * several slots is refused with CROSSSLOT; one on another node's slot gets {@code -MOVED} if the client
   * is cluster-aware, and is otherwise sent to the owner's writer in this pass's message to that node, its
   * reply relayed in order. A slot this node is still filling goes through the router, which waits for it.
   */
  private Boolean route(CommandSpec spec, List<byte[]> args) {
    if (spec.writes(args) && !cluster.hasQuorum()) {
      return refuseInOrder(RespErrors.of(cluster.noQuorum()));
    }
    String owner;
    int slot;
    try {
      slot = ClusterKeys.slotOfCommand(args);
      owner = multi != null || spec.isBlocking() ? null : cluster.remoteOwner(slot);
    } catch (ReplyException e) {
      if (e.failureCode() != Failure.NOT_OWNER.code() || clusterAware) {
        return refuseInOrder(RespErrors.of(e));
      }
      slot = -1;
      owner = cluster.id(); // this node is still filling the slot: the router waits for it, a few seconds at most
    } catch (ClusterKeys.CrossSlot e) {
      return refuseInOrder(Reply.error(RespErrors.CROSSSLOT));
    }
    if (owner == null) {
      return null;
    }
    String moved = clusterAware && slot >= 0 ? ClusterCommand.moved(cluster, slot, owner) : null;
    boolean read = !spec.writes(args);
    if (!atWriter.isEmpty() && (moved != null || !mayAwait(read))) {
      return false;
    }
    processing(spec.name(), spec, args);
    if (moved != null) {
      reply(Reply.error(moved));
    } else if (owner.equals(cluster.id())) {
      await(args, read, vertx().eventBus().request(Addresses.REDIS_EXEC, new Redis.Exec(db, args), TO_ROUTER).map(m -> m.body()));
    } else {
      await(args, read, writer.submitTo(owner, new Redis.Exec(db, args))); // in this pass's message to the owner
    }
    return true;
  }

  /** A refusal, once the replies due before it are out (false until then). */
  private boolean refuseInOrder(Reply error) {
    if (!atWriter.isEmpty()) {
      return false;
    }
    refuse(error);
    return true;
  }

  /** A data command for the writer, in this pass's message. */
  private void send(List<byte[]> args, boolean read) {
    await(args, read, writer.submit(new Redis.Exec(db, args)));
  }

  /** Whether one more command (a read when {@code read}) may go out to a writer before replies come back. */
  private boolean mayAwait(boolean read) {
    return atWriter.size() < MAX_AT_WRITER && (!read || readsAtWriter < MAX_READS_AT_WRITER);
  }

  /** A command out at a writer: its reply goes out in order, after those of the commands before it. */
  private void await(List<byte[]> args, boolean read, Future<Object> answer) {
    AtWriter command = new AtWriter(args, read);
    atWriter.add(command);
    if (read) {
      readsAtWriter++;
    }
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        Redis.Result result = (Redis.Result) ar.result();
        command.reply = result.reply();
        command.micros = result.micros();
      } else {
        command.reply = RespErrors.of(ar.cause());
      }
      answered();
    });
  }

  /** The writer answered: the replies due in order go out, and commands that waited for them run. */
  private void answered() {
    while (!atWriter.isEmpty() && atWriter.peek().reply != null) {
      AtWriter done = atWriter.poll();
      if (done.read) {
        readsAtWriter--;
      }
      server.slow(done.micros, done.args, this);
      reply(done.reply);
    }
    if (closing || running) {
      return;
    }
    if (atWriter.isEmpty()) {
      runQueued();
    } else {
      flush();
    }
  }

  /**
   * A command the connection answers itself, or one refused before it runs, or a blocking one; null when it
   * has replied already, else the future of its reply.
   */
  private Future<Reply> dispatch(String name, CommandSpec spec, List<byte[]> args) {
    if (spec == null) {
      return refuse(Reply.error(Errors.unknownCommand(new String(args.get(0), UTF_8), args)));
    }
    if (!spec.arityMatches(args.size())) {
      return refuse(Reply.error(Errors.wrongArity(spec.name())));
    }
    if (!authenticated && !NO_AUTH_NEEDED.contains(name)) {
      return refuse(Reply.error(Errors.NOAUTH));
    }
    if (authenticated && !user.role().permits(RespAccess.of(spec, args))) {
      return refuse(Reply.error("NOPERM this user has no permissions to run the '" + RespAccess.label(spec, args) + "' command"));
    }
    if (subscriptions.active() && protocol == 2 && !ALLOWED_WHILE_SUBSCRIBED.contains(name)) {
      reply(Reply.error("ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
      return null;
    }
    if (multi != null && !RUN_IN_MULTI.contains(name)) {
      multi.add(args);
      reply(Reply.QUEUED);
      return null;
    }
    if (spec.handler() == null) {
      return SessionCommands.run(this, name, args);
    }
    return block(spec, args);
  }

  /**
   * BLPOP and the like: the writer runs the command, and if it finds nothing holds it until a write lets it
   * run or its timeout passes. The connection runs no other command meanwhile, as in Redis.
   */
  private Future<Reply> block(CommandSpec spec, List<byte[]> args) {
    long timeout;
    try {
      timeout = Blocking.timeoutMillis(spec.name(), args);
    } catch (RedisError e) {
      reply(Reply.error(e.getMessage()));
      return null;
    }
    String node = cluster.id();
    try {
      String owner = cluster.clustered() ? cluster.remoteOwner(ClusterKeys.slotOfCommand(args)) : null;
      node = owner != null ? owner : cluster.id();
    } catch (ClusterKeys.CrossSlot e) {
      reply(Reply.error(RespErrors.CROSSSLOT));
      return null;
    } catch (ReplyException e) {
      reply(RespErrors.of(e));
      return null;
    }
    long blockId = server.newBlockId();
    blockedId = blockId;
    unblockAddress = cluster.clustered() ? ClusterNode.at(node, Addresses.REDIS_UNBLOCK) : Addresses.REDIS_UNBLOCK;
    String address = cluster.clustered() ? ClusterNode.at(node, Addresses.REDIS_BLOCK) : Addresses.REDIS_BLOCK;
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout == 0 ? FOREVER_MS : timeout + 60_000);
    Promise<Redis.Result> answer = Promise.promise();
    blockedAnswer = answer;
    blockedNode = node;
    vertx().eventBus().<Redis.Result>request(address, new Redis.Block(blockId, db, args), options)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            answer.tryComplete(ar.result().body());
          } else {
            answer.tryFail(ar.cause());
          }
        });
    return answer.future()
        .map(result -> {
          server.slow(result.micros(), args, this);
          return result.reply();
        })
        .onComplete(ar -> {
          blockedId = -1;
          blockedAnswer = null;
        });
  }

  /** Clustered: {@code node} left the cluster; a command of this connection blocked there fails now. */
  void nodeLeft(String node) {
    context.runOnContext(v -> {
      Promise<Redis.Result> answer = blockedAnswer;
      if (answer != null && node.equals(blockedNode)) {
        answer.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Failure.UNAVAILABLE.code(),
            "the node that holds the key left the cluster while this command waited: try again"));
      }
    });
  }

  /** A command refused before it ran: inside MULTI this also dooms the transaction (EXECABORT). */
  private Future<Reply> refuse(Reply error) {
    if (multi != null) {
      multiFailed = true;
    }
    reply(error);
    return null;
  }

  ClusterNode cluster() {
    return cluster;
  }

  RedisView view() {
    return view;
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
          checkOutputLimits();
        }
      }
    });
  }

  /** Writes the replies so far; once the network has taken them, a client held back for them runs again. */
  void flush() {
    if (out.length() > 0) {
      Buffer b = out;
      out = Buffer.buffer();
      int bytes = b.length();
      unsent += bytes;
      server.netOutput.add(bytes);
      socket.write(b).onComplete(ar -> {
        boolean wasBacklogged = backlogged();
        unsent -= bytes;
        if (ar.failed()) {
          return; // the connection is gone (its close handler ends it): nothing more is sent on it
        }
        if (wasBacklogged && !backlogged() && !running && !closing) {
          // Later, not in this stack: a write can complete as it is made, and this would recurse reply by reply.
          context.runOnContext(v -> {
            if (!running && !closing) {
              runQueued();
            }
          });
        }
      });
    }
  }

  /** client-output-buffer-limit for this client's class: closes it past the hard limit or long over the soft one. */
  private void checkOutputLimits() {
    var limits = server.settings.outputLimits;
    var limit = subscriptions.active() ? limits.pubsub() : limits.normal();
    long pending = unsent + out.length();
    boolean overHard = limit.hard() > 0 && pending >= limit.hard();
    boolean overSoft = limit.soft() > 0 && pending >= limit.soft();
    long now = overSoft ? System.currentTimeMillis() : 0;
    if (overSoft && overSoftLimitSince == 0) {
      overSoftLimitSince = now;
    } else if (!overSoft) {
      overSoftLimitSince = 0;
    }
    if (overHard || overSoft && now - overSoftLimitSince >= limit.softSeconds() * 1000) {
      LOG.log(System.Logger.Level.WARNING, "Client id={0} addr={1} closed for overcoming of output buffer limits ({2} bytes unsent).",
          id, socket.remoteAddress(), pending);
      server.outputLimitDisconnections.incrementAndGet();
      abort();
    }
  }

  /**
   * Closes the connection now, dropping replies not yet sent: Vert.x's close would first wait for them to be
   * written, which a client that does not read never lets happen. Closing from Vert.x's own handler context
   * goes to the channel below it, past that wait.
   */
  private void abort() {
    closing = true;
    queue.clear();
    out = Buffer.buffer();
    if (socket instanceof io.vertx.core.internal.net.NetSocketInternal internal) {
      internal.channelHandlerContext().close();
    } else {
      socket.close();
    }
  }

  /** timeout: closes this client if it has sent nothing for that long, unless it waits on a blocking command or subscriptions. */
  void closeIfIdle(long now, long timeoutMillis) {
    if (now - lastActive > timeoutMillis && !blocked() && !subscriptions.active()) {
      context.runOnContext(v -> {
        if (!closing && !blocked() && System.currentTimeMillis() - lastActive > timeoutMillis) {
          abort();
        }
      });
    }
  }

  /** QUIT and protocol errors: the replies so far go out, then the connection closes. */
  void closeAfterReplies() {
    closing = true;
    Buffer b = out;
    out = Buffer.buffer();
    socket.end(b);
  }

  void authenticate(Users.User user) {
    this.user = user;
    authenticated = true;
    parser.authenticated(true);
  }

  void unwatchAll() {
    for (Watched w : watched) {
      if (w.node() == null) {
        view().unwatch(w.db, w.key);
      } else {
        vertx().eventBus().send(ClusterNode.at(w.node(), Addresses.REDIS_WATCH), new Redis.Watch(w.db(), List.of(w.key()), true));
      }
    }
    watched.clear();
  }

  WriterClient writer() {
    return writer;
  }

  /** Whether a blocking command of this connection waits at the writer (INFO's blocked_clients). */
  boolean blocked() {
    return blockedId >= 0;
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
    if (blockedId >= 0) {
      vertx().eventBus().send(unblockAddress, new Redis.Unblock(blockedId));
    }
    server.forget(this);
  }
}
