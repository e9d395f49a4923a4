package io.comdb.engine;

/** Another engine, in this process or another one, has the data directory open. */
public final class DatabaseLockedException extends EngineException {
  public DatabaseLockedException(String message) {
    super(message);
  }
}
