package io.comdb.config;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Agent memory spaces and their search.
 *
 * <pre>
 * enabled            true | false: the memory API and its index                       default true
 * dense              off | bge-small-en-v15 | all-minilm-l6-v2: in-process embeddings   default off
 * maxMemoryBytes     largest memory text, UTF-8 bytes, 1 .. 1 MiB                       default 65536
 * defaultCapacity    capacity of a space ComDB's /memory/set creates, 0 = unlimited    default 10
 * neighbourWeight    share of a match's relevance its neighbours in time get, 0 .. 1   default 0.3
 * compressEndpoint   default LLM endpoint for compression (http:// or https://)       default null
 * compressModel      model asked of an OpenAI-compatible endpoint                     default "default"
 * compressTimeoutMs  limit of one LLM attempt, 100 .. 600000                           default 60000
 * compressRetries    LLM attempts after the first, 0 .. 10                             default 2
 * openSpaces         spaces held open (index, ages, heat in memory), 1 .. 100000      default 256
 * compressCheckIntervalMs  how often the compression worker looks, 0 = never         default 3600000
 * compressWindow     "HH:mm-HH:mm" local hours background compressions may run in      default absent: any time
 * compressColdRatio  cold share of a space at which it is compressed, (0, 1]        default 0.5
 * compressMinAgeMs   age below which a memory is never compressed in the background    default 86400000
 * compressBatch      the most memories one compression rewrites, 2 .. 1000            default 50
 * heatHalfLifeMs     how fast a memory's search heat cools; below 0.25 it is cold     default 604800000 (7 days)
 * compressPrompt     the instruction of compression prompts, 1 .. 4096 characters    default null: ComDB's
 * </pre>
 */
public record SearchSection(boolean enabled, String dense, int maxMemoryBytes, long defaultCapacity, double neighbourWeight,
    String compressEndpoint, String compressModel, long compressTimeoutMs, int compressRetries, int openSpaces,
    long compressCheckIntervalMs, MergeWindow compressWindow, double compressColdRatio, long compressMinAgeMs,
    int compressBatch, long heatHalfLifeMs, String compressPrompt) {
  public static final List<String> DENSE = List.of("off", "bge-small-en-v15", "all-minilm-l6-v2");

  public static SearchSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("search", json);
    boolean enabled = f.bool("enabled", true);
    String dense = f.oneOf("dense", "off", DENSE);
    int maxMemoryBytes = (int) f.integer("maxMemoryBytes", 64 << 10, 1, 1 << 20);
    long defaultCapacity = f.integer("defaultCapacity", 10, 0, Long.MAX_VALUE);
    double neighbourWeight = f.decimal("neighbourWeight", 0.3, -1, 1);
    if (neighbourWeight < 0) {
      throw new ConfigException(f.path("neighbourWeight"), "must be from 0 to 1, got " + neighbourWeight);
    }
    String endpoint = f.string("compressEndpoint", null);
    if (endpoint != null && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      throw new ConfigException(f.path("compressEndpoint"), "must be an http:// or https:// URL, got '" + endpoint + "'");
    }
    String model = f.string("compressModel", "default");
    long timeout = f.integer("compressTimeoutMs", 60_000, 100, 600_000);
    int retries = (int) f.integer("compressRetries", 2, 0, 10);
    int openSpaces = (int) f.integer("openSpaces", 256, 1, 100_000);
    long checkInterval = f.integer("compressCheckIntervalMs", 3_600_000, 0, Long.MAX_VALUE);
    MergeWindow compressWindow = f.window("compressWindow");
    double coldRatio = f.decimal("compressColdRatio", 0.5, 0, 1);
    long minAge = f.integer("compressMinAgeMs", 86_400_000, 0, Long.MAX_VALUE);
    int batch = (int) f.integer("compressBatch", 50, 2, 1000);
    long heatHalfLife = f.integer("heatHalfLifeMs", 7 * 86_400_000L, 1, Long.MAX_VALUE);
    String prompt = f.string("compressPrompt", null);
    if (prompt != null && (prompt.isBlank() || prompt.length() > 4096)) {
      throw new ConfigException(f.path("compressPrompt"), "must be 1 to 4096 characters");
    }
    f.rejectUnknown();
    return new SearchSection(enabled, dense, maxMemoryBytes, defaultCapacity, neighbourWeight, endpoint, model, timeout, retries,
        openSpaces, checkInterval, compressWindow, coldRatio, minAge, batch, heatHalfLife, prompt);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("dense", dense)
        .put("maxMemoryBytes", maxMemoryBytes)
        .put("defaultCapacity", defaultCapacity)
        .put("neighbourWeight", neighbourWeight)
        .put("compressEndpoint", compressEndpoint)
        .put("compressModel", compressModel)
        .put("compressTimeoutMs", compressTimeoutMs)
        .put("compressRetries", compressRetries)
        .put("openSpaces", openSpaces)
        .put("compressCheckIntervalMs", compressCheckIntervalMs)
        .put("compressWindow", compressWindow == null ? null : compressWindow.toString())
        .put("compressColdRatio", compressColdRatio)
        .put("compressMinAgeMs", compressMinAgeMs)
        .put("compressBatch", compressBatch)
        .put("heatHalfLifeMs", heatHalfLifeMs)
        .put("compressPrompt", compressPrompt);
  }
}
