package io.comdb.types;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.LimitExceededException;
import io.comdb.engine.Reads;
import io.comdb.engine.Transaction;
import io.comdb.engine.WriteBatch;
import io.comdb.engine.WriteGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Redis's keyspace on an {@link Engine}, as its one writer sees it: 16 databases of typed keys
 * ({@link KeySpace} says how they are laid out). Every write command, every MULTI/EXEC and the active
 * expiry cycle run here, on the writer's thread, into a {@link WriteGroup} the writer closes (and so
 * fsyncs) before it answers any of them. Each command's records are one atomic batch; an EXEC's records,
 * all of its commands together, are one transaction: after a crash all of an EXEC or none of it.
 *
 * <p>Readers get {@link #view()}, which runs read-only commands and cannot write. Not thread-safe: one
 * writer thread uses it.
 *
 * <p>Expiry is lazy (a read of an expired key finds nothing) and active: {@link #expireCycle} deletes keys
 * whose time has come, found through an in-memory index of the keys that have an expiry, built here.
 */
public final class RedisStore {
  public static final int DATABASES = 16;
  private static final System.Logger LOG = System.getLogger(RedisStore.class.getName());

  private final Engine engine;
  private final RedisState state;
  private final RedisView view;
  private long lastVersion;

  /** A key under WATCH as a connection saw it: its stamp then ({@link RedisView#watch}). */
  public record Watched(int db, byte[] key, long stamp) {}

  /** Told of each command that ran (its arguments, name first) and the database it ran in. */
  @FunctionalInterface
  public interface Ran {
    void ran(int db, List<byte[]> args);
  }

  /** Opens the keyspace of {@code engine}, indexing the keys that carry an expiry. */
  public RedisStore(Engine engine, LongSupplier clockMillis) throws IOException {
    this.engine = engine;
    this.state = new RedisState(clockMillis);
    for (int db = 0; db < DATABASES; db++) {
      try (EngineIterator it = engine.iterator(IteratorOptions.prefix(KeySpace.metaPrefix(db)))) {
        for (; it.isValid(); it.next()) {
          byte[] value = it.value();
          long at = value == null ? 0 : Meta.expireAtOf(value);
          if (at != 0) {
            state.track(new RedisState.DbKey(db, KeySpace.userKey(it.key())), at);
          }
        }
      }
    }
    this.view = new RedisView(engine.readView(), state);
    state.functions.open(engine.options().dataDir(), FunctionCommands::compile);
  }

  /**
   * The writer applied a change it did not make through this store (a cluster's replication, from the
   * key's owner): keeps the expiry index and WATCH stamps right. {@code value} is null for a delete.
   */
  public void replicated(byte[] storedKey, byte[] value) {
    if (storedKey.length >= 3 && storedKey[0] == KeySpace.RESERVED && storedKey[1] == KeySpace.META && storedKey[2] >= 0
        && storedKey[2] < DATABASES) {
      state.written(storedKey[2], KeySpace.userKey(storedKey), value == null ? 0 : Meta.expireAtOf(value));
    }
  }

  /**
   * Clustered: the Redis keys this node serves (those of the slots it owns). The commands that walk the
   * keyspace (KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL) and the active expiry cycle see only
   * these; the other keys are backup copies of other nodes' slots, kept by replication.
   */
  public void serveOnly(java.util.function.Predicate<byte[]> keys) {
    state.serveOnly(keys);
  }

  /** The read-only face of this keyspace, for the protocol servers' own threads. */
  public RedisView view() {
    return view;
  }

  /**
   * Runs one command (the arity checked already), its writes applied through {@code group} as one batch.
   * A blocking command that finds nothing answers {@link Blocking#WOULD_BLOCK} and writes nothing.
   */
  public Reply execute(WriteGroup group, int db, CommandSpec spec, List<byte[]> args) {
    if (ScriptCommands.RUN_SCRIPTS.contains(spec.name())) {
      return script(group, db, spec, args);
    }
    return Commands.run(new Call(state, engine, this, batch -> commitNow(group, batch), db, args, spec.name()), spec);
  }

  /**
   * A script (EVAL, EVALSHA, FCALL) and every command it runs, as one transaction: readers see all of its
   * writes or none, and so does recovery after a crash. A script that fails part way keeps the writes it
   * made before failing, as Redis keeps them.
   */
  private Reply script(WriteGroup group, int db, CommandSpec spec, List<byte[]> args) {
    List<Runnable> committed = new ArrayList<>();
    try (Transaction txn = engine.beginTransaction()) {
      Call call = new Call(state, txn, this, sink(txn, committed), db, args, spec.name());
      Reply reply = Commands.run(call, spec);
      if (state.scripts.aborting()) {
        return Reply.error("ERR the server is stopping: the script was not applied"); // txn closes uncommitted
      }
      if (call.discarded()) {
        return reply; // killed: the transaction closes uncommitted
      }
      group.commit(txn);
      committed.forEach(Runnable::run);
      return reply;
    } catch (LimitExceededException e) {
      return Reply.error("ERR the script's writes were not applied: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, spec.name() + " failed", e);
      return Reply.error(Errors.internal(spec.name()));
    }
  }

  /** Where the commands of a transaction put their batches: into {@code txn}, their follow-ups into {@code committed}. */
  private static Sink sink(Transaction txn, List<Runnable> committed) {
    return batch -> {
      batch.writes().forEach((key, value) -> {
        if (value == null) {
          txn.delete(key);
        } else {
          txn.put(key, value);
        }
      });
      committed.addAll(batch.onCommit());
    };
  }

  /**
   * EXEC: if a watched key changed since WATCH, nothing runs and the answer is the null array. Otherwise
   * every command runs in order, each seeing the writes of those before it, and all their writes commit as
   * one transaction through {@code group}. A command that fails answers its error in its place and writes
   * nothing, as in Redis; a blocking command does not wait. SELECT, PING and ECHO run in their place too.
   * {@code ran} hears of each other command, with the database a SELECT before it chose.
   */
  public Reply transaction(WriteGroup group, int db, List<List<byte[]>> commands, List<Watched> watched, Ran ran) {
    for (Watched w : watched) {
      if (state.watchStamp(w.db(), w.key()) != w.stamp()) {
        return Reply.NULL_ARRAY;
      }
    }
    List<Runnable> committed = new ArrayList<>();
    try (Transaction txn = engine.beginTransaction()) {
      Sink sink = sink(txn, committed);
      List<Reply> replies = new ArrayList<>(commands.size());
      for (List<byte[]> args : commands) {
        String name = new String(args.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        if (name.equals("select") && args.size() == 2) {
          Integer selected = selectedDb(args.get(1));
          replies.add(selected == null ? Reply.error(Errors.DB_OUT_OF_RANGE) : Reply.OK);
          db = selected == null ? db : selected;
        } else if (name.equals("ping") && args.size() <= 2) {
          replies.add(args.size() == 2 ? Reply.bulk(args.get(1)) : Reply.PONG);
        } else if (name.equals("echo") && args.size() == 2) {
          replies.add(Reply.bulk(args.get(1)));
        } else if (ScriptCommands.RUN_SCRIPTS.contains(name)) {
          // A kill can race a script's first write: a killed script keeps nothing, here as outside MULTI.
          int mark = txn.mark();
          int followUps = committed.size();
          Call[] call = new Call[1];
          replies.add(runChecked(txn, sink, db, args, call));
          if (call[0] != null && call[0].discarded()) {
            txn.rollback(mark);
            committed.subList(followUps, committed.size()).clear();
          } else {
            txn.release(mark);
          }
          ran.ran(db, args);
        } else {
          replies.add(runChecked(txn, sink, db, args, null));
          ran.ran(db, args);
        }
      }
      group.commit(txn);
      committed.forEach(Runnable::run);
      return Reply.array(replies);
    } catch (LimitExceededException e) {
      return Reply.error("ERR the transaction was not applied: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "EXEC failed", e);
      return Reply.error("ERR the transaction was not applied (an internal error, logged by the server)");
    }
  }

  /**
   * Runs a command named by its arguments, checking the name, arity and database first: what a request
   * over the event bus gets. A blocking command does not wait: it times out at once.
   */
  public Reply execute(WriteGroup group, int db, List<byte[]> args) {
    CommandSpec spec = args.isEmpty() ? null : Commands.lookup(args.get(0));
    if (spec != null && ScriptCommands.RUN_SCRIPTS.contains(spec.name()) && spec.arityMatches(args.size()) && db >= 0 && db < DATABASES) {
      return script(group, db, spec, args);
    }
    return runChecked(engine, batch -> commitNow(group, batch), db, args, null);
  }

  /** Runs a command after Redis's checks; {@code made}, when given, receives its {@link Call}. */
  private Reply runChecked(Reads reads, Sink sink, int db, List<byte[]> args, Call[] made) {
    CommandSpec spec = args.isEmpty() ? null : Commands.lookup(args.get(0));
    if (spec == null || spec.handler() == null) {
      return Reply.error(Errors.unknownCommand(args.isEmpty() ? "" : new String(args.get(0), StandardCharsets.UTF_8), args));
    }
    if (!spec.arityMatches(args.size())) {
      return Reply.error(Errors.wrongArity(spec.name()));
    }
    if (db < 0 || db >= DATABASES) {
      return Reply.error(Errors.DB_OUT_OF_RANGE);
    }
    Call call = new Call(state, reads, this, sink, db, args, spec.name());
    if (made != null) {
      made[0] = call;
    }
    Reply reply = Commands.run(call, spec);
    return reply == Blocking.WOULD_BLOCK ? Blocking.timedOut(spec.name()) : reply;
  }

  /**
   * The arguments a blocking command waits with, after a run that found nothing: for XREAD and XREADGROUP,
   * each {@code $} becomes its stream's last ID now, so that a run after a write finds what came since, and
   * without COUNT they take at most 1,000 entries when they wake, as Redis's blocked readers do. Other
   * commands' are unchanged.
   */
  public List<byte[]> waitingArgs(int db, List<byte[]> args) {
    CommandSpec spec = args.isEmpty() ? null : Commands.lookup(args.get(0));
    if (spec == null || !spec.name().startsWith("xread") || db < 0 || db >= DATABASES) {
      return args;
    }
    try {
      return StreamReads.waitingArgs(engine, state.now(), db, args);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "reading the streams of a blocked XREAD failed", e);
      return args; // the command runs as given; its own read reports the failure
    }
  }

  /** The database a SELECT argument names, or null if it names none. */
  public static Integer selectedDb(byte[] arg) {
    String text = new String(arg, StandardCharsets.US_ASCII);
    try {
      int db = Integer.parseInt(text);
      return db >= 0 && db < DATABASES && text.equals(Integer.toString(db)) ? db : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Deletes up to {@code max} keys whose expiry has passed, through {@code group}; returns how many. */
  public int expireCycle(WriteGroup group, int max) throws IOException {
    long now = state.now();
    int deleted = 0;
    while (deleted < max) {
      RedisState.Deadline first = state.deadlines.isEmpty() ? null : state.deadlines.first();
      if (first == null || first.at() > now) {
        break;
      }
      Batch batch = new Batch(engine);
      byte[] raw = engine.get(KeySpace.metaKey(first.key().db(), first.key().key()));
      Meta meta = raw == null ? null : Meta.decode(raw);
      if (!state.serves(first.key().key())) {
        state.deadlines.remove(first); // a backup copy: its owner expires it, and replication deletes it here
      } else if (meta != null && meta.expired(now)) {
        batch.deleteKey(first.key().db(), first.key().key(), meta);
        deleted++;
      } else {
        state.deadlines.remove(first); // stale: the key changed since
      }
      commitNow(group, batch);
    }
    return deleted;
  }

  /** A version no key has had: sub-keys written under it cannot be confused with older ones. */
  long newVersion() {
    long v = Math.max(lastVersion + 1, state.now() * 1000);
    lastVersion = v;
    return v;
  }

  private static void commitNow(WriteGroup group, Batch batch) throws IOException {
    if (!batch.isEmpty()) {
      group.write(batch.writes());
    }
    batch.onCommit().forEach(Runnable::run);
  }

  /** Where a command's batch goes when it completes: the writer's group, or an EXEC's transaction. */
  interface Sink {
    void commit(Batch batch) throws IOException;
  }

  /**
   * The records of one command, committed together; keeps the expiry index and WATCH stamps in step once
   * committed. Reads what it must delete through the command's {@link Reads}, so inside an EXEC it sees
   * the transaction's earlier writes.
   */
  final class Batch {
    private final Reads reads;
    private final WriteBatch writes = new WriteBatch();
    private final List<Runnable> onCommit = new ArrayList<>(2);

    Batch(Reads reads) {
      this.reads = reads;
    }

    /**
     * Writes a key's metadata. Commands see an expired key as missing, so they may write over one the
     * active cycle has not deleted yet: its members go in this batch too (a key in the expiry index with
     * a passed deadline is the only kind that can have them).
     */
    void putMeta(int db, byte[] key, Meta meta) throws IOException {
      Long deadline = state.deadline(db, key);
      if (deadline != null && deadline <= state.now()) {
        byte[] raw = reads.get(KeySpace.metaKey(db, key));
        Meta old = raw == null ? null : Meta.decode(raw);
        if (old != null && old.expired(state.now()) && old.version() != meta.version()) {
          deleteMembers(db, key, old);
        }
      }
      writes.put(KeySpace.metaKey(db, key), meta.encode());
      onCommit.add(() -> state.written(db, key, meta.expireAt()));
    }

    /**
     * Deletes a key with everything it holds. {@code meta} is its metadata as read (expired or not), or
     * null to read it here. A collection's sub-keys go in the same batch, so no dead record outlives it.
     */
    void deleteKey(int db, byte[] key, Meta meta) throws IOException {
      if (meta == null) {
        byte[] raw = reads.get(KeySpace.metaKey(db, key));
        meta = raw == null ? null : Meta.decode(raw);
      }
      if (meta != null) {
        deleteMembers(db, key, meta);
      }
      writes.delete(KeySpace.metaKey(db, key));
      onCommit.add(() -> state.written(db, key, 0));
    }

    /** A collection's sub-keys (and a sorted set's by-score keys) of the version {@code meta} names. */
    private void deleteMembers(int db, byte[] key, Meta meta) throws IOException {
      if (meta.type() != RedisType.STRING) {
        deleteAll(KeySpace.subPrefix(db, key, meta.version()));
        if (meta.type() == RedisType.ZSET) {
          deleteAll(KeySpace.scorePrefix(db, key, meta.version()));
        }
      }
    }

    private void deleteAll(byte[] prefix) throws IOException {
      try (EngineIterator it = reads.iterator(IteratorOptions.prefix(prefix))) {
        for (; it.isValid(); it.next()) {
          writes.delete(it.key());
        }
      }
    }

    void putSub(int db, byte[] key, Meta meta, byte[] member, byte[] value) {
      writes.put(KeySpace.subKey(db, key, meta.version(), member), value);
      onCommit.add(() -> state.touched(db, key));
    }

    void deleteSub(int db, byte[] key, Meta meta, byte[] member) {
      writes.delete(KeySpace.subKey(db, key, meta.version(), member));
      onCommit.add(() -> state.touched(db, key));
    }

    void put(byte[] rawKey, byte[] value) {
      writes.put(rawKey, value);
    }

    void delete(byte[] rawKey) {
      writes.delete(rawKey);
    }

    boolean isEmpty() {
      return writes.size() == 0;
    }

    WriteBatch writes() {
      return writes;
    }

    List<Runnable> onCommit() {
      return onCommit;
    }
  }
}
