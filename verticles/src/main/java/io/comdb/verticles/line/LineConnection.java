package io.comdb.verticles.line;

import io.comdb.engine.Versioned;
import io.comdb.verticles.HalfClose;
import io.comdb.verticles.KvClient;
import io.comdb.verticles.Users;
import io.comdb.verticles.api.Failure;
import io.comdb.verticles.api.Kv;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * One client of the line protocol: its first line authenticates it (or it is told {@code Invalid
 * authentication. Bye!} and closed); then each line is a command, answered with one line, in order.
 *
 * <p>Writes go to the writer (those of every connection of the event loop's pass in one message); a read
 * runs on the read view, unless writes of the same connection are out: then it follows them through the
 * writer, so a client reads its own writes, and no later ones. Memory is
 * bounded: a line is at most {@code line.maxLineBytes} (a longer one is answered {@code line too long}
 * and the connection closed), at most {@value #MAX_IN_FLIGHT} commands wait for their answers before the
 * socket stops being read, and it stops being read too while the client does not read its answers.
 */
final class LineConnection {
  static final Buffer AUTH_OK = Buffer.buffer("AUTH OK\r\n");
  static final Buffer AUTH_FAILED = Buffer.buffer("Invalid authentication. Bye!\r\n");
  private static final System.Logger LOG = System.getLogger(LineConnection.class.getName());
  private static final int MAX_IN_FLIGHT = 1024;

  private final NetSocket socket;
  private final RecordParser lines;
  private final KvClient kv;
  private final LineServer server;
  private final ArrayDeque<Future<Buffer>> inFlight = new ArrayDeque<>();
  private boolean authenticated;
  /** Who the first line signed in. */
  private Users.User user;
  private boolean closing;
  /** The last request this connection sent to the writer; a read while it is out goes the same way. */
  private Future<Object> lastWrite = Future.succeededFuture();
  private boolean paused;
  /** The client has shut its side down: close once every answer is written. */
  private boolean inputEnded;

  LineConnection(NetSocket socket, Context context, KvClient kv, LineServer server) {
    this.socket = socket;
    this.kv = kv;
    this.server = server;
    this.lines = RecordParser.newDelimited("\n", socket).maxRecordSize(server.config().maxLineBytes());
    lines.handler(this::line);
    lines.exceptionHandler(e -> {
      if (e instanceof IllegalStateException) { // the parser's "size exceeds the allowed maximum"
        close(Buffer.buffer("line too long (line.maxLineBytes is " + server.config().maxLineBytes() + ")\r\n"));
      } else {
        socket.close();
      }
    });
    socket.closeHandler(v -> server.closed(this));
    HalfClose.onInputEnd(socket, context, () -> {
      inputEnded = true;
      flush();
    });
    socket.drainHandler(v -> resumeIfRoom());
  }

  private void line(Buffer record) {
    if (closing) {
      return;
    }
    byte[] line = withoutCr(record);
    if (!authenticated) {
      signIn(LineCommand.credentials(line));
      return;
    }
    Future<Buffer> answer;
    try {
      answer = run(LineCommand.parse(line));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    Future<Buffer> reply = answer.recover(e -> Future.succeededFuture(failure(e)));
    inFlight.add(reply);
    reply.onComplete(ar -> flush());
    if (inFlight.size() >= MAX_IN_FLIGHT) {
      pause();
    }
  }

  /** The first line: no more lines are read until its password is checked (off the event loop, for a named user). */
  private void signIn(String[] credentials) {
    lines.pause();
    Future<Users.User> checked = credentials == null ? Future.succeededFuture() : server.authenticate(credentials[0], credentials[1]);
    checked.onComplete(ar -> {
      user = ar.succeeded() ? ar.result() : null;
      if (user == null) {
        LOG.log(System.Logger.Level.INFO, "line protocol: refused authentication from {0}", socket.remoteAddress());
        close(AUTH_FAILED);
        return;
      }
      authenticated = true;
      socket.write(AUTH_OK.copy());
      if (!paused) {
        lines.resume();
      }
    });
  }

  private Future<Buffer> run(LineCommand command) {
    boolean writes = command instanceof LineCommand.Put || command instanceof LineCommand.Del;
    if (writes && !user.role().permits(Users.Access.WRITE)) {
      return Future.succeededFuture(text("no permission: user " + user.name() + " may only read"));
    }
    if (command instanceof LineCommand.Put put) {
      return write(new Kv.Put(put.key(), put.value())).map(done -> text(LineCommand.PUT_SUCCESS));
    }
    if (command instanceof LineCommand.Del del) {
      return write(new Kv.Delete(del.key())).map(done -> text(LineCommand.DEL_SUCCESS));
    }
    if (command instanceof LineCommand.Get get) {
      if (lastWrite.isComplete()) {
        return kv.versioned(get.key()).map(LineConnection::value);
      }
      // Writes of this connection are out: the read goes after them, through the writer, to see them and no later ones.
      return write(new Kv.Get(get.key())).map(value -> value(((Kv.Value) value).value()));
    }
    if (command instanceof LineCommand.Mem) {
      return afterWrites(() -> text(LineCommand.mem(kv.reads().stats().memoryBytes())));
    }
    if (command instanceof LineCommand.Disk) {
      return afterWrites(() -> text(LineCommand.disk(kv.reads().stats().diskBytes())));
    }
    return Future.succeededFuture(text(LineCommand.refusal(command)));
  }

  private Future<Object> write(Object request) {
    Future<Object> written = kv.write(request);
    lastWrite = written;
    return written;
  }

  /** An answer about the node, taken once this connection's writes before it are answered (it counts them). */
  private Future<Buffer> afterWrites(Supplier<Buffer> answer) {
    return lastWrite.isComplete() ? Future.succeededFuture(answer.get()) : lastWrite.transform(ar -> Future.succeededFuture(answer.get()));
  }

  private static Buffer value(Versioned versioned) {
    return value(versioned == null ? null : versioned.value());
  }

  private static Buffer value(byte[] value) {
    return value == null ? text(LineCommand.NOT_FOUND) : Buffer.buffer(value).appendString("\r\n");
  }

  /** The answer to a command that failed: ComDB's own texts; anything else is logged and answered in general terms. */
  private static Buffer failure(Throwable e) {
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && Failure.of(reply.failureCode()) != null) {
      return text(reply.getMessage());
    }
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      return text("the server did not answer in time; the command may or may not have run");
    }
    if (e instanceof IllegalArgumentException) { // a key or value over the engine's limits
      return text(e.getMessage());
    }
    LOG.log(System.Logger.Level.ERROR, "line protocol: a command failed", e);
    return text("internal error, see the server log");
  }

  private static Buffer text(String line) {
    return Buffer.buffer(line.replace('\r', ' ').replace('\n', ' ') + "\r\n", StandardCharsets.UTF_8.name());
  }

  /** Writes the answers that are ready, in order. */
  private void flush() {
    while (!inFlight.isEmpty() && inFlight.peek().isComplete()) {
      socket.write(inFlight.poll().result());
    }
    if (inputEnded && inFlight.isEmpty()) {
      expire();
      return;
    }
    if (socket.writeQueueFull()) {
      pause();
    } else {
      resumeIfRoom();
    }
  }

  private void pause() {
    if (!paused) {
      paused = true;
      lines.pause();
    }
  }

  private void resumeIfRoom() {
    if (paused && inFlight.size() < MAX_IN_FLIGHT / 2 && !socket.writeQueueFull()) {
      paused = false;
      lines.resume();
    }
  }

  private void close(Buffer last) {
    closing = true;
    socket.end(last.copy());
  }

  /** Closes a client that has not authenticated by now, or whose input ended and who has every answer. */
  void expire() {
    if (!closing) {
      closing = true;
      socket.end();
    }
  }

  boolean authenticated() {
    return authenticated;
  }

  private static byte[] withoutCr(Buffer record) {
    int length = record.length();
    if (length > 0 && record.getByte(length - 1) == '\r') {
      length--;
    }
    return record.getBytes(0, length);
  }
}
