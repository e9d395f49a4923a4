package io.comdb.engine;

/**
 * What one {@link Engine#merge()} did.
 *
 * @param inputFiles data files rewritten and deleted
 * @param outputFiles data files written
 * @param bytesBefore bytes of the input files
 * @param bytesAfter bytes of the output files
 * @param liveRecords records copied
 */
public record MergeResult(int inputFiles, int outputFiles, long bytesBefore, long bytesAfter, long liveRecords) {}
