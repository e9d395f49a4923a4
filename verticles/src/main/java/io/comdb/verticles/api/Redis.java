package io.comdb.verticles.api;

import io.comdb.types.Reply;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages that carry Redis commands to the engine's writer: {@link Addresses#REDIS_EXEC} for Vert.x
 * services, and inside a {@link Writer.Pass} for the RESP servers, which run read-only commands themselves
 * on the read view and send every write to the writer, so that each runs alone against the data
 * (read-modify-write commands such as INCR are atomic) and, under sync always, is on disk before it is
 * answered.
 */
public final class Redis {
  private Redis() {}

  /** One command: {@code args} includes the name. */
  public record Exec(int db, List<byte[]> args) {
    static final WireCodec<Exec> CODEC = new WireCodec<>(Exec.class,
        (m, w) -> writeArgs(w.integer(m.db), m.args),
        r -> new Exec(r.integer(), readArgs(r)));
  }

  /**
   * MULTI ... EXEC: the commands run one after another with nothing in between. If any watched key has
   * changed since WATCH ({@code watchStamps}: what {@code RedisStore.watchStamp} said then) none runs and
   * the result is the null array.
   */
  public record Transaction(int db, List<List<byte[]>> commands, List<byte[]> watchedKeys, List<Integer> watchedDbs, List<Long> watchStamps) {
    static final WireCodec<Transaction> CODEC = new WireCodec<>(Transaction.class,
        (m, w) -> {
          w.integer(m.db).integer(m.commands.size());
          m.commands.forEach(c -> writeArgs(w, c));
          writeArgs(w, m.watchedKeys);
          w.integer(m.watchedDbs.size());
          m.watchedDbs.forEach(w::integer);
          m.watchStamps.forEach(w::number);
        },
        r -> {
          int db = r.integer();
          int n = r.integer();
          List<List<byte[]>> commands = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            commands.add(readArgs(r));
          }
          List<byte[]> keys = readArgs(r);
          int k = r.integer();
          List<Integer> dbs = new ArrayList<>(k);
          for (int i = 0; i < k; i++) {
            dbs.add(r.integer());
          }
          List<Long> stamps = new ArrayList<>(k);
          for (int i = 0; i < k; i++) {
            stamps.add(r.number());
          }
          return new Transaction(db, commands, keys, dbs, stamps);
        });
  }

  /**
   * A blocking command (BLPOP, BLMOVE, BZPOPMIN, ...) from a RESP connection, sent alone to
   * {@link Addresses#REDIS_BLOCK}: the writer answers when a write lets it run, or when its timeout passes
   * (the null reply Redis gives). {@code id} names it for {@link Unblock}.
   */
  public record Block(long id, int db, List<byte[]> args) {
    static final WireCodec<Block> CODEC = new WireCodec<>(Block.class,
        (m, w) -> writeArgs(w.number(m.id).integer(m.db), m.args),
        r -> new Block(r.number(), r.integer(), readArgs(r)));
  }

  /**
   * Clustered WATCH of keys the receiving node owns, for a connection on another node: the reply is a
   * {@link Result} whose array holds each key's stamp, which that node's EXEC checks. {@code unwatch}: the
   * connection stops watching them (sent, no reply).
   */
  public record Watch(int db, List<byte[]> keys, boolean unwatch) {
    static final WireCodec<Watch> CODEC = new WireCodec<>(Watch.class,
        (m, w) -> writeArgs(w.integer(m.db).bool(m.unwatch), m.keys),
        r -> {
          int db = r.integer();
          boolean unwatch = r.bool();
          return new Watch(db, readArgs(r), unwatch);
        });
  }

  /** The client of a {@link Block} went away: the writer forgets it, if it still waits. */
  public record Unblock(long id) {
    static final WireCodec<Unblock> CODEC = new WireCodec<>(Unblock.class, (m, w) -> w.number(m.id), r -> new Unblock(r.number()));
  }

  /**
   * What a command (or a transaction) answered, and how long the writer took to run it (microseconds, for
   * the slow log: the time the command waited in the queue or for an fsync is not in it, as in Redis).
   */
  public record Result(Reply reply, long micros) {
    public Result(Reply reply) {
      this(reply, 0);
    }

    static final WireCodec<Result> CODEC = new WireCodec<>(Result.class,
        (m, w) -> writeReply(w.number(m.micros), m.reply),
        r -> {
          long micros = r.number();
          return new Result(readReply(r), micros);
        });
  }

  static List<WireCodec<?>> codecs() {
    return List.of(Exec.CODEC, Transaction.CODEC, Result.CODEC, Block.CODEC, Unblock.CODEC, Watch.CODEC);
  }

  private static Wire.Writer writeArgs(Wire.Writer w, List<byte[]> args) {
    w.integer(args.size());
    args.forEach(w::bytes);
    return w;
  }

  private static List<byte[]> readArgs(Wire.Reader r) {
    int n = r.integer();
    List<byte[]> args = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      args.add(r.bytes());
    }
    return args;
  }

  private static void writeReply(Wire.Writer w, Reply reply) {
    if (reply instanceof Reply.Simple s) {
      w.integer(0).string(s.text());
    } else if (reply instanceof Reply.Err e) {
      w.integer(1).string(e.text());
    } else if (reply instanceof Reply.Int i) {
      w.integer(2).number(i.value());
    } else if (reply instanceof Reply.Bulk b) {
      w.integer(3).bytes(b.value());
    } else if (reply instanceof Reply.Dbl d && d.text() == null) {
      w.integer(4).number(Double.doubleToRawLongBits(d.value()));
    } else if (reply instanceof Reply.Dbl d) {
      w.integer(12).number(Double.doubleToRawLongBits(d.value())).string(d.text());
    } else if (reply instanceof Reply.Null) {
      w.integer(5);
    } else if (reply instanceof Reply.Bool b) {
      w.integer(6).bool(b.value());
    } else {
      List<Reply> elements;
      int tag;
      if (reply instanceof Reply.Arr a) {
        tag = 7;
        elements = a.elements();
      } else if (reply instanceof Reply.MapReply m) {
        tag = 8;
        elements = m.keysAndValues();
      } else if (reply instanceof Reply.SetReply s) {
        tag = 9;
        elements = s.elements();
      } else if (reply instanceof Reply.Pairs p) {
        tag = 11;
        elements = p.flat();
      } else if (reply instanceof Reply.KeyedArrays k) {
        tag = 13;
        elements = k.flat();
      } else {
        tag = 10;
        elements = ((Reply.Push) reply).elements();
      }
      w.integer(tag).integer(elements == null ? -1 : elements.size());
      if (elements != null) {
        elements.forEach(e -> writeReply(w, e));
      }
    }
  }

  private static Reply readReply(Wire.Reader r) {
    int tag = r.integer();
    switch (tag) {
      case 0: return new Reply.Simple(r.string());
      case 1: return new Reply.Err(r.string());
      case 2: return new Reply.Int(r.number());
      case 3: return new Reply.Bulk(r.bytes());
      case 4: return new Reply.Dbl(Double.longBitsToDouble(r.number()));
      case 12: return new Reply.Dbl(Double.longBitsToDouble(r.number()), r.string());
      case 5: return Reply.NULL;
      case 6: return new Reply.Bool(r.bool());
      default:
        int n = r.integer();
        List<Reply> elements = n < 0 ? null : new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          elements.add(readReply(r));
        }
        switch (tag) {
          case 7: return new Reply.Arr(elements);
          case 8: return new Reply.MapReply(elements);
          case 9: return new Reply.SetReply(elements);
          case 11: return new Reply.Pairs(elements);
          case 13: return new Reply.KeyedArrays(elements);
          default: return new Reply.Push(elements);
        }
    }
  }
}
