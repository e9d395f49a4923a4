package io.comdb.engine;

import java.io.IOException;

/** Base of the engine's checked exceptions: the data directory or a file in it cannot be used as asked. */
public class EngineException extends IOException {
  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
