package io.comdb.engine;

/** The kind of a log record; its code is the record's type byte. Code 0 is never written (zeroed tail). */
enum RecordType {
  /** A key's value. */
  VALUE(1),
  /** A key's deletion; its value is the varint id of the file that held the value it deletes. */
  TOMBSTONE(2),
  /** A value written by a write batch: visible only if the batch's {@link #BATCH_COMMIT} follows. */
  BATCH_VALUE(3),
  /** A deletion written by a write batch: visible only if the batch's {@link #BATCH_COMMIT} follows. */
  BATCH_TOMBSTONE(4),
  /** Ends a write batch; empty key, value is the varint count of the batch's records. */
  BATCH_COMMIT(5);

  private static final RecordType[] BY_CODE = {null, VALUE, TOMBSTONE, BATCH_VALUE, BATCH_TOMBSTONE, BATCH_COMMIT};

  final byte code;

  RecordType(int code) {
    this.code = (byte) code;
  }

  /** Returns the type for {@code code}, or null if no type has it. */
  static RecordType of(int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  boolean isValue() {
    return this == VALUE || this == BATCH_VALUE;
  }

  boolean isTombstone() {
    return this == TOMBSTONE || this == BATCH_TOMBSTONE;
  }

  boolean inBatch() {
    return this == BATCH_VALUE || this == BATCH_TOMBSTONE;
  }
}
