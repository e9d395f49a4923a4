package io.comdb.engine;

/**
 * A snapshot of an engine's size.
 *
 * @param liveKeys keys with a value
 * @param dataFiles data files on disk, the active one included
 * @param diskBytes bytes of all data files (hint files not counted)
 * @param reclaimableBytes bytes of records a merge would drop: overwritten and deleted values, tombstones,
 *     batch commit records
 * @param lastSequence the sequence number of the newest record
 * @param durableSequence the sequence number up to which every record is known to be on stable storage
 *     (fsync'd); an acknowledged write under {@link SyncMode#ALWAYS} is always at or below it
 * @param fsyncs how many fsyncs of the active file group commit has issued since the engine opened
 * @param memoryBytes what the keydir holds in memory, estimated: the keys' bytes plus
 *     {@link #KEY_OVERHEAD} per key (its array's header and its index slots); values stay on disk
 */
public record EngineStats(long liveKeys, int dataFiles, long diskBytes, long reclaimableBytes, long lastSequence,
    long durableSequence, long fsyncs, long memoryBytes) {
  /** What a key costs in the keydir beyond its bytes: a byte[] header (16), alignment, index slots and location (24). */
  public static final int KEY_OVERHEAD = 40;

  /** Reclaimable bytes over disk bytes, 0 for an empty engine: what a merge scheduler compares with its threshold. */
  public double reclaimableRatio() {
    return diskBytes == 0 ? 0 : (double) reclaimableBytes / diskBytes;
  }
}
