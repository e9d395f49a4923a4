package io.comdb.search;

/** The agent has no memory space, or its space no memory with that id. */
public final class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
