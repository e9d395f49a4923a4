package io.comdb.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link Engine} is opened. Build with {@link #builder(Path)}; every option has a default that
 * works out of the box.
 *
 * @param dataDir where the data lives; created if missing
 * @param dataFileSize size at which the active data file is sealed and a new one started (default 256 MiB, 4 KiB to 1 GiB)
 * @param syncMode when writes are fsync'd (default {@code interval:1000})
 * @param indexKind the in-memory keydir (default {@link IndexKind#ORDERED})
 * @param mmapAtStartup recovery scans data files through their mapping (default); false reads them with
 *     sequential channel reads instead
 * @param mergeThreshold the reclaimable ratio (dead bytes / disk bytes) from which {@link Engine#needsMerge()} says yes (default 0.5)
 * @param mergeBytesPerSecond how fast a merge may read and write; 0 for no limit (default)
 * @param maxBatchSize the most operations one write batch may hold (default 100,000)
 * @param maxKeySize the largest key accepted (default 64 KiB, at most half the data file size); every key
 *     lives in memory
 * @param repair open a directory with damaged data files by cutting the damaged bytes out of them, keeping
 *     the records after (default false: fail the open and name the file and offset)
 * @param backgroundHintFiles the engine writes missing hint files on a thread of its own after open and
 *     after each file is sealed (default); false leaves it to the caller's {@link Engine#buildHintFiles()}
 *     (the server's {@code HintRebuildWorkerVerticle}). Close writes the missing ones either way.
 * @param keyGroups groups of keys the engine can walk one at a time ({@link ReadView#groupIterator}); null
 *     (default): none, and no cost
 */
public record EngineOptions(
    Path dataDir,
    int dataFileSize,
    SyncMode syncMode,
    IndexKind indexKind,
    boolean mmapAtStartup,
    double mergeThreshold,
    long mergeBytesPerSecond,
    int maxBatchSize,
    int maxKeySize,
    boolean repair,
    boolean backgroundHintFiles,
    KeyGroups keyGroups) {

  public static final int DEFAULT_DATA_FILE_SIZE = 256 << 20;
  public static final int MIN_DATA_FILE_SIZE = 4 << 10;
  public static final int MAX_DATA_FILE_SIZE = 1 << 30;

  public EngineOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(syncMode, "syncMode");
    Objects.requireNonNull(indexKind, "indexKind");
    if (dataFileSize < MIN_DATA_FILE_SIZE || dataFileSize > MAX_DATA_FILE_SIZE) {
      throw new IllegalArgumentException("dataFileSize must be between " + MIN_DATA_FILE_SIZE + " and " + MAX_DATA_FILE_SIZE + ", got " + dataFileSize);
    }
    if (!(mergeThreshold > 0 && mergeThreshold <= 1)) {
      throw new IllegalArgumentException("mergeThreshold must be in (0, 1], got " + mergeThreshold);
    }
    if (mergeBytesPerSecond < 0) {
      throw new IllegalArgumentException("mergeBytesPerSecond must be >= 0, got " + mergeBytesPerSecond);
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
    }
    if (maxKeySize < 1 || maxKeySize > dataFileSize / 2) {
      throw new IllegalArgumentException("maxKeySize must be between 1 and half the data file size, got " + maxKeySize);
    }
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** The largest value a single record can hold with a key of {@code keyLength} bytes. */
  int maxValueSize(int keyLength) {
    return dataFileSize - FileHeader.SIZE - Record.MAX_HEADER_SIZE - keyLength;
  }

  /** Builds {@link EngineOptions}; see the record's components for the meaning and default of each. */
  public static final class Builder {
    private final Path dataDir;
    private int dataFileSize = DEFAULT_DATA_FILE_SIZE;
    private SyncMode syncMode = SyncMode.interval(Duration.ofSeconds(1));
    private IndexKind indexKind = IndexKind.ORDERED;
    private boolean mmapAtStartup = true;
    private double mergeThreshold = 0.5;
    private long mergeBytesPerSecond;
    private int maxBatchSize = 100_000;
    /** 0: the default, 64 KiB or half the data file size if that is smaller. */
    private int maxKeySize;
    private boolean repair;
    private boolean backgroundHintFiles = true;
    private KeyGroups keyGroups;

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    public Builder dataFileSize(int bytes) {
      this.dataFileSize = bytes;
      return this;
    }

    public Builder syncMode(SyncMode mode) {
      this.syncMode = mode;
      return this;
    }

    public Builder indexKind(IndexKind kind) {
      this.indexKind = kind;
      return this;
    }

    public Builder mmapAtStartup(boolean mmap) {
      this.mmapAtStartup = mmap;
      return this;
    }

    public Builder mergeThreshold(double ratio) {
      this.mergeThreshold = ratio;
      return this;
    }

    public Builder mergeBytesPerSecond(long bytes) {
      this.mergeBytesPerSecond = bytes;
      return this;
    }

    public Builder maxBatchSize(int operations) {
      this.maxBatchSize = operations;
      return this;
    }

    public Builder maxKeySize(int bytes) {
      this.maxKeySize = bytes;
      return this;
    }

    public Builder repair(boolean repair) {
      this.repair = repair;
      return this;
    }

    public Builder backgroundHintFiles(boolean background) {
      this.backgroundHintFiles = background;
      return this;
    }

    public Builder keyGroups(KeyGroups groups) {
      this.keyGroups = groups;
      return this;
    }

    public EngineOptions build() {
      int keySize = maxKeySize != 0 ? maxKeySize : Math.min(64 << 10, dataFileSize / 2);
      return new EngineOptions(dataDir, dataFileSize, syncMode, indexKind, mmapAtStartup, mergeThreshold,
          mergeBytesPerSecond, maxBatchSize, keySize, repair, backgroundHintFiles, keyGroups);
    }
  }
}
