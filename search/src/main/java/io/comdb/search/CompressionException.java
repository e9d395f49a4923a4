package io.comdb.search;

/** The LLM endpoint failed, timed out after its retries, or answered something that is not a memory. */
public final class CompressionException extends RuntimeException {
  public CompressionException(String message) {
    super(message);
  }

  public CompressionException(String message, Throwable cause) {
    super(message, cause);
  }
}
