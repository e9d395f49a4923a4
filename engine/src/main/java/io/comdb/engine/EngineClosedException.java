package io.comdb.engine;

/** The engine was used after {@link Engine#close()}. */
public final class EngineClosedException extends IllegalStateException {
  public EngineClosedException(String dataDir) {
    super("the engine on " + dataDir + " is closed");
  }
}
