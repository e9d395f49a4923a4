package io.comdb.verticles.resp;

import io.comdb.config.RespSection;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Splits a connection's bytes into commands, as Redis's {@code processMultibulkBuffer} and
 * {@code processInlineBuffer} do: RESP arrays of bulk strings, or inline lines (telnet, nc). A state
 * machine over the bytes received so far: a frame cut anywhere waits for the rest, and a large bulk string
 * is not rescanned as it arrives.
 *
 * <p>Limits are Redis's: a bulk string of at most {@code maxBulk} bytes (proto-max-bulk-len), at most
 * {@code Integer.MAX_VALUE} elements (10 and 16 KiB strings before AUTH when a password is set), inline
 * and header lines of at most 64 KiB, and at most {@code maxQuery} bytes held for one command
 * (client-query-buffer-limit), each element counting {@link RespSection#ELEMENT_OVERHEAD} bytes beyond its
 * own so that a flood of empty strings is bounded too. The limits are read as they apply, so that CONFIG SET
 * changes them for every connection. Elements are stored as they arrive, so a huge array header costs nothing
 * until its elements come. A violation calls the error handler with Redis's text once, after which the
 * parser takes nothing more: the connection answers it and closes.
 */
final class RespParser implements Handler<Buffer> {
  static final int MAX_INLINE = 64 << 10;
  /** Before AUTH, as Redis 7.0 limits unauthenticated clients. */
  static final int UNAUTHENTICATED_MULTIBULK = 10;
  static final int UNAUTHENTICATED_BULK = 16384;
  private static final byte[] EMPTY = new byte[0];

  interface Listener {
    void command(List<byte[]> args);

    /** {@code text} is the whole error, e.g. {@code ERR Protocol error: invalid bulk length}. */
    void protocolError(String text);

    /** The client sent more than the query buffer limit holds: Redis closes such a client without a reply. */
    void queryBufferExceeded();
  }

  private final Listener listener;
  private final LongSupplier maxBulk;
  private final LongSupplier maxQuery;
  /** Bytes of the current command's elements read so far. */
  private long held;
  private boolean authenticated = true;
  /** What has arrived and is not parsed yet, from {@link #pos}; null when nothing is. */
  private Buffer buf;
  private int pos;
  private boolean failed;
  /** Elements still to read of the current array; 0 when between commands. */
  private int remaining;
  /** Length of the bulk string being read; -1 while its header is still to come. */
  private long bulkLength = -1;
  private List<byte[]> args;

  RespParser(LongSupplier maxBulk, LongSupplier maxQuery, Listener listener) {
    this.maxBulk = maxBulk;
    this.maxQuery = maxQuery;
    this.listener = listener;
  }

  /** Until AUTH succeeds, commands are kept small, as Redis keeps them for unauthenticated clients. */
  void authenticated(boolean authenticated) {
    this.authenticated = authenticated;
  }

  @Override
  public void handle(Buffer chunk) {
    if (failed) {
      return;
    }
    if (buf == null) {
      buf = chunk; // the usual case, every command whole in one read: parsed where it arrived, no copy
    } else {
      buf.appendBuffer(chunk);
    }
    if (held + buf.length() - pos > maxQuery.getAsLong()) {
      exceeded();
      return;
    }
    while (!failed && parseOne()) {
      // one command per pass
    }
    if (failed || pos == buf.length()) {
      buf = null;
      pos = 0;
    } else if (pos > 0) {
      buf = buf.getBuffer(pos, buf.length()); // the start of a command that has not all arrived
      pos = 0;
    }
  }

  /** Parses one command if the buffer holds all of it; false when more bytes are needed. */
  private boolean parseOne() {
    if (remaining == 0) {
      if (pos >= buf.length()) {
        return false;
      }
      if (buf.getByte(pos) != '*') {
        return inline();
      }
      int eol = lineEnd(pos);
      if (eol < 0) {
        return tooLong("ERR Protocol error: too big mbulk count string");
      }
      Long count = parseLong(pos + 1, eol);
      if (count == null || count > Integer.MAX_VALUE) {
        return fail("ERR Protocol error: invalid multibulk length");
      }
      if (!authenticated && count > UNAUTHENTICATED_MULTIBULK) {
        return fail("ERR Protocol error: unauthenticated multibulk length");
      }
      pos = eol + 2;
      if (count <= 0) {
        return true; // "*0" and "*-1" are no command
      }
      remaining = count.intValue();
      args = new ArrayList<>(Math.min(remaining, 1024));
    }
    while (remaining > 0) {
      if (bulkLength < 0) {
        if (pos >= buf.length()) {
          return false;
        }
        if (buf.getByte(pos) != '$') {
          return fail("ERR Protocol error: expected '$', got '" + (char) (buf.getByte(pos) & 0xff) + "'");
        }
        int eol = lineEnd(pos);
        if (eol < 0) {
          return tooLong("ERR Protocol error: too big bulk count string");
        }
        Long length = parseLong(pos + 1, eol);
        if (length == null || length < 0 || length > maxBulk.getAsLong()) {
          return fail("ERR Protocol error: invalid bulk length");
        }
        if (!authenticated && length > UNAUTHENTICATED_BULK) {
          return fail("ERR Protocol error: unauthenticated bulk length");
        }
        bulkLength = length;
        pos = eol + 2;
      }
      if (buf.length() - pos < bulkLength + 2) {
        return false;
      }
      args.add(bulkLength == 0 ? EMPTY : buf.getBytes(pos, pos + (int) bulkLength)); // nobody can change an empty array
      held += bulkLength + RespSection.ELEMENT_OVERHEAD;
      if (held > maxQuery.getAsLong()) {
        exceeded();
        return false;
      }
      pos += (int) bulkLength + 2; // the CRLF after the data is not checked, as Redis does not
      bulkLength = -1;
      remaining--;
    }
    List<byte[]> command = args;
    args = null;
    held = 0;
    listener.command(command);
    return true;
  }

  private boolean inline() {
    int nl = -1;
    for (int i = pos; i < buf.length(); i++) {
      if (buf.getByte(i) == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      return tooLong("ERR Protocol error: too big inline request");
    }
    int end = nl > pos && buf.getByte(nl - 1) == '\r' ? nl - 1 : nl;
    String line = buf.getString(pos, end, StandardCharsets.ISO_8859_1.name());
    pos = nl + 1;
    List<byte[]> command = InlineSplitter.split(line);
    if (command == null) {
      return fail("ERR Protocol error: unbalanced quotes in request");
    }
    if (!command.isEmpty()) {
      listener.command(command);
    }
    return true;
  }

  /** Index of the CR of the CRLF ending the line at {@code from}, or -1 if it has not arrived. */
  private int lineEnd(int from) {
    int limit = Math.min(buf.length() - 1, from + MAX_INLINE);
    for (int i = from; i < limit; i++) {
      if (buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** No line end yet: wait for more, unless the line is already longer than any line may be. */
  private boolean tooLong(String error) {
    return buf.length() - pos > MAX_INLINE ? fail(error) : false;
  }

  /** The strict decimal integer in the buffer from {@code from} to {@code to}, or null (no copy of the bytes). */
  private Long parseLong(int from, int to) {
    if (from >= to || to - from > 20) {
      return null;
    }
    boolean negative = buf.getByte(from) == '-';
    int i = negative ? from + 1 : from;
    if (i == to) {
      return null;
    }
    if (to - i > 18) {
      return RespNumbers.parse(buf.getBytes(from, to)); // near the limits of a long: the careful way
    }
    long v = 0;
    for (; i < to; i++) {
      int d = buf.getByte(i) - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      v = v * 10 + d; // at most 18 digits: no overflow
    }
    return negative ? -v : v;
  }

  private void exceeded() {
    failed = true;
    args = null;
    listener.queryBufferExceeded();
  }

  private boolean fail(String error) {
    failed = true;
    listener.protocolError(error);
    return false;
  }
}
