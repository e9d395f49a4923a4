package io.comdb.search;

/**
 * The agent's space cannot answer yet: its search index is catching up with its records (after a crash, or
 * rebuilt from them because it was missing or unreadable). Retry shortly; the catching up goes on.
 */
public final class IndexRebuildingException extends RuntimeException {
  public IndexRebuildingException(String agentId) {
    super("the memory index of agent '" + agentId + "' is being rebuilt from its records; retry shortly");
  }
}
