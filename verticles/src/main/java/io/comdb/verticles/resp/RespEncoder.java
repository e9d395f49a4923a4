package io.comdb.verticles.resp;

import io.comdb.types.Reply;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes {@link Reply}s as RESP2 or RESP3 (after {@code HELLO 3}). */
final class RespEncoder {
  private static final byte[] CRLF = {'\r', '\n'};

  private RespEncoder() {}

  static void write(Buffer out, Reply reply, int protocol) {
    boolean resp3 = protocol >= 3;
    if (reply instanceof Reply.Bulk b) {
      if (b.value() == null) {
        out.appendString(resp3 ? "_\r\n" : "$-1\r\n");
      } else {
        out.appendByte((byte) '$').appendString(Integer.toString(b.value().length)).appendBytes(CRLF).appendBytes(b.value()).appendBytes(CRLF);
      }
    } else if (reply instanceof Reply.Simple s) {
      out.appendByte((byte) '+').appendString(s.text(), StandardCharsets.UTF_8.name()).appendBytes(CRLF);
    } else if (reply instanceof Reply.Err e) {
      out.appendByte((byte) '-').appendString(e.text().replace('\r', ' ').replace('\n', ' '), StandardCharsets.UTF_8.name()).appendBytes(CRLF);
    } else if (reply instanceof Reply.Int i) {
      out.appendByte((byte) ':').appendString(Long.toString(i.value())).appendBytes(CRLF);
    } else if (reply instanceof Reply.Arr a) {
      if (a.elements() == null) {
        out.appendString(resp3 ? "_\r\n" : "*-1\r\n");
      } else {
        aggregate(out, '*', a.elements(), a.elements().size(), protocol);
      }
    } else if (reply instanceof Reply.MapReply m) {
      aggregate(out, resp3 ? '%' : '*', m.keysAndValues(), resp3 ? m.keysAndValues().size() / 2 : m.keysAndValues().size(), protocol);
    } else if (reply instanceof Reply.SetReply s) {
      aggregate(out, resp3 ? '~' : '*', s.elements(), s.elements().size(), protocol);
    } else if (reply instanceof Reply.KeyedArrays k) {
      if (resp3) {
        aggregate(out, '%', k.flat(), k.flat().size() / 2, protocol);
      } else {
        out.appendByte((byte) '*').appendString(Integer.toString(k.flat().size() / 2)).appendBytes(CRLF);
        for (int i = 0; i + 1 < k.flat().size(); i += 2) {
          aggregate(out, '*', k.flat().subList(i, i + 2), 2, protocol);
        }
      }
    } else if (reply instanceof Reply.Pairs p) {
      if (resp3) {
        out.appendByte((byte) '*').appendString(Integer.toString(p.flat().size() / 2)).appendBytes(CRLF);
        for (int i = 0; i + 1 < p.flat().size(); i += 2) {
          aggregate(out, '*', p.flat().subList(i, i + 2), 2, protocol);
        }
      } else {
        aggregate(out, '*', p.flat(), p.flat().size(), protocol);
      }
    } else if (reply instanceof Reply.Push p) {
      aggregate(out, resp3 ? '>' : '*', p.elements(), p.elements().size(), protocol);
    } else if (reply instanceof Reply.Dbl d) {
      String text = d.written();
      if (resp3) {
        out.appendByte((byte) ',').appendString(text).appendBytes(CRLF);
      } else {
        out.appendByte((byte) '$').appendString(Integer.toString(text.length())).appendBytes(CRLF).appendString(text).appendBytes(CRLF);
      }
    } else if (reply instanceof Reply.Bool b) {
      out.appendString(resp3 ? (b.value() ? "#t\r\n" : "#f\r\n") : (b.value() ? ":1\r\n" : ":0\r\n"));
    } else {
      out.appendString(resp3 ? "_\r\n" : "$-1\r\n"); // Reply.Null
    }
  }

  private static void aggregate(Buffer out, char type, List<Reply> elements, int count, int protocol) {
    out.appendByte((byte) type).appendString(Integer.toString(count)).appendBytes(CRLF);
    for (Reply e : elements) {
      write(out, e, protocol);
    }
  }
}
