package io.comdb.verticles;

import io.comdb.types.Blocking;
import io.comdb.types.CommandSpec;
import io.comdb.types.Commands;
import io.comdb.types.Errors;
import io.comdb.types.RedisStore;
import io.comdb.types.Reply;
import io.comdb.verticles.api.Redis;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs Redis commands and transactions for {@link EngineVerticle} (requests over the event bus) and for
 * the RESP connections (which run them on their event loops): each write under the store's write lock, a
 * transaction under it as a whole.
 */
public final class RedisExecutor {
  private RedisExecutor() {}

  public static Reply exec(RedisStore store, Redis.Exec exec) {
    return run(store, exec.db(), exec.args());
  }

  /** EXEC: nothing if a watched key changed since WATCH, else every command in order, alone. */
  public static Reply transaction(RedisStore store, Redis.Transaction tx) {
    return store.locked(() -> transactionLocked(store, tx));
  }

  private static Reply transactionLocked(RedisStore store, Redis.Transaction tx) {
    for (int i = 0; i < tx.watchedKeys().size(); i++) {
      if (store.watchStamp(tx.watchedDbs().get(i), tx.watchedKeys().get(i)) != tx.watchStamps().get(i)) {
        return Reply.NULL_ARRAY;
      }
    }
    List<Reply> replies = new ArrayList<>(tx.commands().size());
    int db = tx.db();
    for (List<byte[]> args : tx.commands()) {
      String name = new String(args.get(0), java.nio.charset.StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
      // The connection commands a transaction may hold run here, in their place in the sequence.
      if (name.equals("select") && args.size() == 2) {
        Integer selected = selectedDb(args.get(1));
        replies.add(selected == null ? Reply.error(Errors.DB_OUT_OF_RANGE) : Reply.OK);
        db = selected == null ? db : selected;
      } else if (name.equals("ping") && args.size() <= 2) {
        replies.add(args.size() == 2 ? Reply.bulk(args.get(1)) : Reply.PONG);
      } else if (name.equals("echo") && args.size() == 2) {
        replies.add(Reply.bulk(args.get(1)));
      } else {
        replies.add(run(store, db, args));
      }
    }
    return Reply.array(replies);
  }

  /** The database a SELECT argument names, or null if it names none. */
  public static Integer selectedDb(byte[] arg) {
    String text = new String(arg, java.nio.charset.StandardCharsets.US_ASCII);
    try {
      int db = Integer.parseInt(text);
      return db >= 0 && db < RedisStore.DATABASES && text.equals(Integer.toString(db)) ? db : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Reply run(RedisStore store, int db, List<byte[]> args) {
    CommandSpec spec = args.isEmpty() ? null : Commands.lookup(args.get(0));
    if (spec == null || spec.handler() == null) {
      return Reply.error(Errors.unknownCommand(args.isEmpty() ? "" : new String(args.get(0), java.nio.charset.StandardCharsets.UTF_8), args));
    }
    if (!spec.arityMatches(args.size())) {
      return Reply.error(Errors.wrongArity(spec.name()));
    }
    if (db < 0 || db >= RedisStore.DATABASES) {
      return Reply.error(Errors.DB_OUT_OF_RANGE);
    }
    Reply reply = Commands.execute(store, db, spec, args);
    // Inside a transaction, or from the event bus, a blocking command does not wait: it times out at once.
    return reply == Blocking.WOULD_BLOCK ? Blocking.timedOut(spec.name()) : reply;
  }
}
