package io.comdb.types;

/** A command's failure, answered to the client as an error reply; the message is Redis's exact text. */
public final class RedisError extends RuntimeException {
  public RedisError(String text) {
    super(text, null, false, false);
  }

  static RedisError wrongType() {
    return new RedisError(Errors.WRONGTYPE);
  }
}
