package io.comdb.engine;

/** A key, value or write batch is over one of the engine's size limits; the message names the limit. */
public final class LimitExceededException extends IllegalArgumentException {
  public LimitExceededException(String message) {
    super(message);
  }
}
