package io.comdb.verticles.api;

import io.comdb.engine.CorruptRecordException;
import io.comdb.engine.EngineClosedException;
import io.comdb.engine.LimitExceededException;
import io.comdb.search.CompressionException;
import io.comdb.search.IndexRebuildingException;
import io.comdb.search.NotFoundException;
import io.vertx.core.eventbus.ReplyException;

/**
 * Why a request failed: the {@code failureCode} of the {@link ReplyException} a requester receives. The
 * codes are stable (they cross the wire); the protocol servers map them to HTTP statuses and RESP errors.
 */
public enum Failure {
  /** The request is malformed: a missing field, a bad cursor, a limit out of range. */
  INVALID_ARGUMENT(1),
  /** A key, value or batch is over a size limit. */
  TOO_LARGE(2),
  /** The disk failed a read or write; the engine may refuse writes until it is reopened. */
  STORAGE_ERROR(3),
  /** Stored data failed its checksum: reported, never served. */
  CORRUPT_DATA(4),
  /** The engine is closed, closing, or has more requests queued than it accepts. */
  UNAVAILABLE(5),
  /** The agent has no memory space, or no memory with that id. */
  NOT_FOUND(6),
  /** A service ComDB called (the LLM endpoint of a compression) failed. */
  UPSTREAM_ERROR(7),
  /** The engine's writer has as many commands queued as it accepts ({@code engine.maxPending}): try again. */
  BUSY(8),
  /** Clustered: this node does not own the key's slot in the current partition table; ask the owner. */
  NOT_OWNER(9),
  /** Clustered: the keys of one request hash to different slots (Redis Cluster's CROSSSLOT). */
  CROSS_SLOT(10),
  /** Clustered: this side of the cluster has fewer members than {@code cluster.minMembers}; it takes no writes. */
  NO_QUORUM(11),
  /** The keydir has reached {@code engine.maxMemoryBytes}: a write that would add keys is refused (reads, deletes, overwrites go on). */
  OUT_OF_MEMORY(12),
  /** The memory space's search index is catching up with its records (after a crash, or rebuilt): try again shortly. */
  INDEX_REBUILDING(13);

  private final int code;

  Failure(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The failure with this code, or null for a code that is not ComDB's (a timeout, no handler). */
  public static Failure of(int code) {
    for (Failure f : values()) {
      if (f.code == code) {
        return f;
      }
    }
    return null;
  }

  /** The failure a request that threw {@code error} gets (a failure relayed from the writer keeps its code). */
  public static Failure of(Throwable error) {
    if (error instanceof ReplyException reply && of(reply.failureCode()) != null) {
      return of(reply.failureCode());
    }
    if (error instanceof NotFoundException) {
      return NOT_FOUND;
    }
    if (error instanceof IndexRebuildingException) {
      return INDEX_REBUILDING;
    }
    if (error instanceof CompressionException) {
      return UPSTREAM_ERROR;
    }
    if (error instanceof LimitExceededException) {
      return TOO_LARGE;
    }
    if (error instanceof IllegalArgumentException || error instanceof NullPointerException) {
      return INVALID_ARGUMENT;
    }
    if (error instanceof CorruptRecordException) {
      return CORRUPT_DATA;
    }
    if (error instanceof EngineClosedException) {
      return UNAVAILABLE;
    }
    return STORAGE_ERROR;
  }
}
