package io.comdb.search;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a {@link MemoryService} behaves; {@link #builder()} starts from the defaults.
 *
 * @param embedder the embedding model for dense search, or null for lexical search only
 * @param maxTextBytes the largest memory text, in UTF-8 bytes (default 64 KiB)
 * @param maxMetadataBytes the largest metadata, as JSON text (default 16 KiB)
 * @param maxBatch the most memories one add may carry (default 10,000)
 * @param neighbourWeight the share of a match's relevance credited to the memories just before and after it
 *     in time, 0 for none (default 0.3; see {@link Ranking#spread})
 * @param recencyHalfLife the age at which a memory's recency score is half its new value (30 days)
 * @param heatHalfLife how fast a memory's search heat cools (7 days; see {@link Heat})
 * @param compressFraction the coldest fraction of a space one requested compression rewrites (0.5)
 * @param maxCompressed the most memories one compression rewrites (50)
 * @param coldHeat the heat below which a memory is cold (0.25: about two half-lives since it was new or
 *     last found, for a memory no search ranked high)
 * @param compressMinAge how old a memory must be before a background compression rewrites it (1 day)
 * @param openSpaces the most spaces held open, their index and ages in memory (default 256)
 * @param openWait how long a request waits for its space's index to catch up before it is answered
 *     {@link IndexRebuildingException} (default 2 s)
 * @param checkpointEvery how often the open spaces' heat is stored and their indexes committed (5 s)
 * @param compressPrompt the instruction of compression prompts, or null for ComDB's ({@link Compressor#PROMPT})
 * @param llm the LLM endpoint client's settings
 * @param clock epoch milliseconds
 */
public record MemoryOptions(
    Embedder embedder,
    int maxTextBytes,
    int maxMetadataBytes,
    int maxBatch,
    double neighbourWeight,
    Duration recencyHalfLife,
    Duration heatHalfLife,
    double compressFraction,
    int maxCompressed,
    double coldHeat,
    Duration compressMinAge,
    int openSpaces,
    Duration openWait,
    Duration checkpointEvery,
    String compressPrompt,
    Compressor.Settings llm,
    LongSupplier clock) {

  public static MemoryOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options with defaults for what is not set. */
  public static final class Builder {
    private Embedder embedder;
    private int maxTextBytes = 64 << 10;
    private double neighbourWeight = 0.3;
    private int maxCompressed = 50;
    private double coldHeat = 0.25;
    private Duration compressMinAge = Duration.ofDays(1);
    private int openSpaces = 256;
    private Duration openWait = Duration.ofSeconds(2);
    private Duration checkpointEvery = Duration.ofSeconds(5);
    private Duration heatHalfLife = Duration.ofDays(7);
    private String compressPrompt;
    private Compressor.Settings llm = Compressor.Settings.defaults();
    private LongSupplier clock = System::currentTimeMillis;

    public Builder embedder(Embedder e) {
      embedder = e;
      return this;
    }

    public Builder maxTextBytes(int bytes) {
      maxTextBytes = bytes;
      return this;
    }

    public Builder neighbourWeight(double weight) {
      neighbourWeight = weight;
      return this;
    }

    public Builder maxCompressed(int n) {
      maxCompressed = n;
      return this;
    }

    public Builder coldHeat(double heat) {
      coldHeat = heat;
      return this;
    }

    public Builder compressMinAge(Duration age) {
      compressMinAge = age;
      return this;
    }

    public Builder openSpaces(int n) {
      openSpaces = n;
      return this;
    }

    public Builder openWait(Duration wait) {
      openWait = wait;
      return this;
    }

    public Builder checkpointEvery(Duration every) {
      checkpointEvery = every;
      return this;
    }

    public Builder heatHalfLife(Duration halfLife) {
      heatHalfLife = halfLife;
      return this;
    }

    public Builder compressPrompt(String instruction) {
      compressPrompt = instruction;
      return this;
    }

    public Builder llm(Compressor.Settings settings) {
      llm = settings;
      return this;
    }

    public Builder clock(LongSupplier c) {
      clock = c;
      return this;
    }

    public MemoryOptions build() {
      return new MemoryOptions(embedder, maxTextBytes, 16 << 10, 10_000, neighbourWeight,
          Duration.ofDays(30), heatHalfLife, 0.5, maxCompressed, coldHeat, compressMinAge, openSpaces, openWait,
          checkpointEvery, compressPrompt, llm, clock);
    }
  }
}
