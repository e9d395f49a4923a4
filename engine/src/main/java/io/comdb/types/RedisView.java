package io.comdb.types;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.ReadView;
import io.comdb.engine.Reads;
import java.io.IOException;
import java.util.List;

/**
 * Redis's keyspace as a reader sees it: runs read-only commands on the engine's {@link ReadView}, from any
 * thread, and keeps the WATCH stamps and SCAN cursors the writer shares. It cannot write: write commands
 * go to the writer's {@link RedisStore}. Each command sees the data as it was between two writes, never a
 * write half done (see {@link ReadView#atomically}).
 */
public final class RedisView {
  private final ReadView engine;
  private final RedisState state;

  private static final System.Logger LOG = System.getLogger(RedisView.class.getName());

  RedisView(ReadView engine, RedisState state) {
    this.engine = engine;
    this.state = state;
  }

  /**
   * Runs a read-only command (arity checked already).
   *
   * @throws IllegalArgumentException if the command writes
   */
  public Reply read(int db, CommandSpec spec, List<byte[]> args) {
    if (spec.writes(args)) {
      throw new IllegalArgumentException(spec.name() + " writes: only the writer's RedisStore runs it");
    }
    try {
      return engine.atomically(() -> Commands.run(new Call(state, engine, null, null, db, args, spec.name()), spec));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.ERROR, "reading for '" + spec.name() + "' failed", e);
      return Reply.error(Errors.internal(spec.name()));
    }
  }

  /** The server is stopping: running scripts stop now and commit nothing ({@link Scripts#abortAll}). */
  public void abortScripts() {
    state.scripts.abortAll();
  }

  /** What {@code -BUSY} names while a script has held the writer longer than {@code millis}: see {@link Scripts#busy}. */
  public String busyScript(long millis) {
    return state.scripts.busy(millis);
  }

  /** Starts watching a key for a connection; returns the stamp its EXEC hands back ({@link RedisStore.Watched}). */
  public long watch(int db, byte[] key) {
    return state.watch(db, key);
  }

  /** A connection stops watching a key (UNWATCH, EXEC, DISCARD, disconnect). */
  public void unwatch(int db, byte[] key) {
    state.unwatch(db, key);
  }

  /** The number of keys in {@code db}, expired ones not counted. */
  public long dbSize(int db) throws IOException {
    return dbSize(engine, state, db);
  }

  /** The number of keys in {@code db} that {@code reads} holds and this node serves, expired ones not counted. */
  static long dbSize(Reads reads, RedisState state, int db) throws IOException {
    long now = state.now();
    long n = 0;
    try (EngineIterator it = reads.iterator(IteratorOptions.prefix(KeySpace.metaPrefix(db)))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value != null && state.serves(KeySpace.userKey(it.key())) && !Meta.decode(value).expired(now)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Keys with an expiry, for INFO. */
  public int expiringKeys() {
    return state.expiries.size();
  }

  /** For INFO's keyspace line: {keys with an expiry, their average time to live in ms} in {@code db}. */
  public long[] expiries(int db) {
    return state.expiries(db);
  }
}
