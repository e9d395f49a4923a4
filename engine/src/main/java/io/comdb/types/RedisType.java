package io.comdb.types;

/** The type of a Redis key, as {@code TYPE} names it; the code is what metadata records store. */
public enum RedisType {
  STRING(0, "string"),
  HASH(1, "hash"),
  SET(2, "set"),
  LIST(3, "list"),
  ZSET(4, "zset"),
  STREAM(5, "stream");

  private final int code;
  private final String typeName;

  RedisType(int code, String typeName) {
    this.code = code;
    this.typeName = typeName;
  }

  public int code() {
    return code;
  }

  public String typeName() {
    return typeName;
  }

  static RedisType of(int code) {
    for (RedisType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown Redis type code " + code);
  }
}
