package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** One command being run: its arguments, the database it runs in, and the store. */
public final class Call {
  final RedisStore store;
  final int db;
  final List<byte[]> args;
  final String name;
  private RedisStore.Batch batch;

  Call(RedisStore store, int db, List<byte[]> args, String name) {
    this.store = store;
    this.db = db;
    this.args = args;
    this.name = name;
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
    return text(i).toUpperCase(Locale.ROOT);
  }

  long longArg(int i) {
    return Numbers.parseLong(args.get(i), Errors.NOT_INTEGER);
  }

  double doubleArg(int i) {
    return Numbers.parseDouble(args.get(i), Errors.NOT_FLOAT);
  }

  Meta meta(byte[] key) throws IOException {
    return store.meta(db, key);
  }

  Meta meta(byte[] key, RedisType type) throws IOException {
    return store.meta(db, key, type);
  }

  /** A collection at {@code key} for writing: its metadata, or new metadata for an empty one. */
  Meta metaForWrite(byte[] key, RedisType type) throws IOException {
    Meta m = store.meta(db, key, type);
    return m != null ? m : Meta.collection(type, store.newVersion(), 0, 0);
  }

  /** This command's writes; committed when the handler returns. */
  RedisStore.Batch batch() {
    if (batch == null) {
      batch = store.batch();
    }
    return batch;
  }

  void commit() throws IOException {
    if (batch != null) {
      batch.commit();
      batch = null;
    }
  }

  /** The optional count after the key of SPOP, LPOP, ZPOPMIN and the like: null when absent. */
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
