package io.comdb.engine;

/**
 * A {@link Transaction} read a key that another write changed after the transaction's snapshot: its reads
 * no longer hold, so it cannot commit. Nothing of it was written; run it again
 * ({@link Engine#update} does).
 */
public final class TransactionConflictException extends EngineException {
  public TransactionConflictException(String message) {
    super(message);
  }
}
