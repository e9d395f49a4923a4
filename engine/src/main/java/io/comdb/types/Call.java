package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.Reads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One command being run: its arguments, the database it runs in, what it reads through (the engine, or
 * the transaction of an EXEC), and, for a write command run by the writer, where its batch goes.
 */
public final class Call {
  private final RedisState state;
  private final Reads reads;
  /** The writer's store; null when a reader runs a read-only command. */
  private final RedisStore writer;
  private final RedisStore.Sink sink;
  final int db;
  final List<byte[]> args;
  final String name;
  private RedisStore.Batch batch;
  /** A script run by this call was killed: its transaction must not commit. */
  private boolean discarded;
  /** Run by a script ({@code redis.call}), which may not wait. */
  private boolean fromScript;

  Call(RedisState state, Reads reads, RedisStore writer, RedisStore.Sink sink, int db, List<byte[]> args, String name) {
    this.state = state;
    this.reads = reads;
    this.writer = writer;
    this.sink = sink;
    this.db = db;
    this.args = args;
    this.name = name;
  }

  /** A command another runs from inside this one: same reads, same writer and sink, its own batch. */
  Call nested(int db, List<byte[]> args, String name) {
    Call nested = new Call(state, reads, writer, sink, db, args, name);
    nested.fromScript = fromScript;
    return nested;
  }

  /** A command a script runs ({@code redis.call}): as {@link #nested}, and known to come from a script. */
  Call fromScript(int db, List<byte[]> args, String name) {
    Call nested = nested(db, args, name);
    nested.fromScript = true;
    return nested;
  }

  boolean isFromScript() {
    return fromScript;
  }

  /** A killed script's writes are dropped: the transaction it ran in closes uncommitted. */
  void discard() {
    discarded = true;
  }

  boolean discarded() {
    return discarded;
  }

  /** Whether this call runs on the writer and so may write. */
  boolean writes() {
    return writer != null;
  }

  RedisState state() {
    return state;
  }

  int argc() {
    return args.size();
  }

  byte[] arg(int i) {
    return args.get(i);
  }

  String text(int i) {
    return new String(args.get(i), UTF_8);
  }

  /** The argument in upper case, for keywords (NX, WITHSCORES, ...). */
  String keyword(int i) {
    return keyword(args.get(i));
  }

  /** {@code arg} in upper case, for keywords, where there is no call yet (key finding, parsing ahead). */
  static String keyword(byte[] arg) {
    return new String(arg, UTF_8).toUpperCase(Locale.ROOT);
  }

  long longArg(int i) {
    return Numbers.parseLong(args.get(i), Errors.NOT_INTEGER);
  }

  double doubleArg(int i) {
    return Numbers.parseDouble(args.get(i), Errors.NOT_FLOAT);
  }

  Meta meta(byte[] key) throws IOException {
    return meta(db, key);
  }

  /** The key's metadata in {@code db}, or null if it does not exist or has expired. */
  Meta meta(int db, byte[] key) throws IOException {
    byte[] raw = reads.get(KeySpace.metaKey(db, key));
    if (raw == null) {
      return null;
    }
    Meta meta = Meta.decode(raw);
    return meta.expired(now()) ? null : meta;
  }

  /**
   * The key's metadata if it holds {@code type}; null if it does not exist.
   *
   * @throws RedisError WRONGTYPE if it holds another type
   */
  Meta meta(byte[] key, RedisType type) throws IOException {
    Meta meta = meta(db, key);
    if (meta != null && meta.type() != type) {
      throw RedisError.wrongType();
    }
    return meta;
  }

  /** A collection at {@code key} for writing: its metadata, or new metadata for an empty one. */
  Meta metaForWrite(byte[] key, RedisType type) throws IOException {
    Meta m = meta(key, type);
    return m != null ? m : Meta.collection(type, newVersion(), 0, 0);
  }

  byte[] sub(int db, byte[] key, Meta meta, byte[] member) throws IOException {
    return reads.get(KeySpace.subKey(db, key, meta.version(), member));
  }

  /** Every member of a collection and its sub-key value, in member order. */
  List<byte[][]> subs(int db, byte[] key, Meta meta) throws IOException {
    byte[] prefix = KeySpace.subPrefix(db, key, meta.version());
    List<byte[][]> all = new ArrayList<>();
    try (EngineIterator it = reads.iterator(IteratorOptions.prefix(prefix))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value != null) {
          all.add(new byte[][] {KeySpace.member(it.key(), prefix.length), value});
        }
      }
    }
    return all;
  }

  /** What the command reads through: the engine, or an EXEC's transaction. */
  Reads reads() {
    return reads;
  }

  long now() {
    return state.now();
  }

  /** A version no key has had; only write commands ask. */
  long newVersion() {
    return writer().newVersion();
  }

  /** The number of keys in {@code db}, expired ones not counted. */
  long dbSize(int db) throws IOException {
    return RedisView.dbSize(reads, state, db);
  }

  /** Whether this node serves the Redis key (clustered, the others are backup copies). */
  boolean serves(byte[] key) {
    return state.serves(key);
  }

  long rememberCursor(int db, byte[] lastKey) {
    return state.rememberCursor(db, lastKey);
  }

  byte[] cursorKey(int db, long cursor) {
    return state.cursorKey(db, cursor);
  }

  /** This command's writes; committed when the handler returns. */
  RedisStore.Batch batch() {
    if (batch == null) {
      batch = writer().new Batch(reads);
    }
    return batch;
  }

  void commit() throws IOException {
    if (batch != null) {
      sink.commit(batch);
      batch = null;
    }
  }

  private RedisStore writer() {
    if (writer == null) {
      throw new IllegalStateException(name + " is read-only here: only the writer runs write commands");
    }
    return writer;
  }

  /** The optional count after the key of SPOP, LPOP, ZPOPMIN and the like: null when absent. */
  /** The count of SRANDMEMBER, HRANDFIELD and ZRANDMEMBER: any long but the one whose negation overflows. */
  long randomCount(int i) {
    long count = longArg(i);
    if (count == Long.MIN_VALUE) {
      throw new RedisError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    }
    return count;
  }

  /**
   * The one option after HRANDFIELD's or ZRANDMEMBER's count ({@code WITHVALUES}, {@code WITHSCORES}):
   * whether it is there. As Redis, the count and its option are read before the key is looked up.
   */
  boolean randomCountOption(String option) {
    if (argc() == 4 && keyword(3).equals(option)) {
      return true;
    }
    if (argc() > 3) {
      throw syntax();
    }
    return false;
  }

  Long popCount() {
    if (argc() > 3) {
      throw syntax();
    }
    if (argc() < 3) {
      return null;
    }
    long count = Numbers.parseLong(arg(2), Errors.NOT_POSITIVE);
    if (count < 0) {
      throw new RedisError(Errors.NOT_POSITIVE);
    }
    return count;
  }

  static RedisError syntax() {
    return new RedisError(Errors.SYNTAX);
  }
}
