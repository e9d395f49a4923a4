package io.comdb.search;

import io.comdb.engine.WriteBatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Compression: the coldest memories of a space (those searches wanted least, by {@link Heat}) rewritten into
 * one shorter memory by an LLM. The LLM is called with no lock held; the replacement is then one atomic
 * batch, made only if none of the chosen memories changed meanwhile. The originals stay readable through
 * the new memory's history.
 */
final class MemoryCompression {
  private final MemoryRecords records;
  private final MemoryOptions options;
  private final Compressor compressor;

  MemoryCompression(MemoryRecords records, MemoryOptions options) {
    this.records = records;
    this.options = options;
    this.compressor = new Compressor(options.llm());
  }

  /** The endpoint a compression of the space uses: {@code endpoint}, else the space's, else the default. */
  String endpoint(Space space, String endpoint) {
    if (endpoint != null) {
      return endpoint;
    }
    return space.record.compressor() != null ? space.record.compressor() : options.llm().endpoint();
  }

  private static <T> T either(T own, T server) {
    return own != null ? own : server;
  }

  private int batch(Space space) {
    return either(space.record.compression().batch(), options.maxCompressed());
  }

  private String instruction(Space space) {
    return either(space.record.compression().prompt(), either(options.compressPrompt(), Compressor.PROMPT));
  }

  /**
   * The share of the space's memories that are cold: heat below {@link MemoryOptions#coldHeat} and older
   * than the space's minimum age ({@link MemoryOptions#compressMinAge} unless it has its own).
   */
  double coldShare(Space space) {
    int count = space.count();
    return count == 0 ? 0 : (double) cold(space, Integer.MAX_VALUE).size() / count;
  }

  /** Up to {@code n} cold memories' sequence numbers, coldest first. */
  private List<Long> cold(Space space, int n) {
    long now = options.clock().getAsLong();
    long youngest = now - either(space.record.compression().minAgeMs(), options.compressMinAge().toMillis());
    List<Map.Entry<Long, Double>> cold = new ArrayList<>();
    for (Map.Entry<Long, Heat> e : space.heat.entrySet()) {
      Age age = space.ages.get(e.getKey());
      double heat = e.getValue().at(now);
      if (age != null && age.createdAt() <= youngest && heat < options.coldHeat()) {
        cold.add(Map.entry(e.getKey(), heat));
      }
    }
    cold.sort(Map.Entry.<Long, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    return cold.subList(0, Math.min(n, cold.size())).stream().map(Map.Entry::getKey).toList();
  }

  /**
   * Rewrites the coldest memories: on request ({@code onlyCold} false), the coldest
   * {@link MemoryOptions#compressFraction} of the space, cold or not; for the background worker, only cold
   * ones. At most the space's batch ({@link MemoryOptions#maxCompressed} unless it has its own), and nothing
   * when fewer than two qualify.
   *
   * @throws CompressionException if the LLM fails, or the chosen memories change while it works
   */
  MemoryService.Compression compress(Space space, String url, boolean onlyCold) throws IOException {
    List<Memory> originals = onlyCold ? read(space, cold(space, batch(space))) : coldest(space);
    if (originals.size() < 2) {
      return new MemoryService.Compression(0, null);
    }
    originals.sort(Comparator.comparing(Age::of));
    String text = compressor.rewrite(url, instruction(space), originals.stream().map(Memory::text).toList());
    if (text.getBytes(StandardCharsets.UTF_8).length > options.maxTextBytes()) {
      throw new CompressionException("the LLM's rewrite is over the memory limit of " + options.maxTextBytes() + " bytes");
    }
    float[] vector = records.embedOne(text);
    synchronized (space) {
      space.checkLive();
      for (Memory original : originals) {
        if (!original.equals(records.read(space, MemoryKeys.seq(original.id())))) {
          throw new CompressionException("memory " + original.id() + " changed during compression; nothing was replaced");
        }
      }
      MemoryCodec.SpaceRecord r = space.record;
      long seq = r.nextSeq();
      JsonArray replaced = new JsonArray();
      List<Memory> history = new ArrayList<>();
      long createdAt = 0;
      for (Memory original : originals) {
        replaced.add(original.id());
        createdAt = Math.max(createdAt, original.createdAt());
        List<Memory> earlier = records.history(space, MemoryKeys.seq(original.id()));
        history.addAll(earlier.isEmpty() ? List.of(original) : earlier);
      }
      Memory rewritten = new Memory(MemoryKeys.id(seq), text, new JsonObject().put("compressedFrom", replaced), createdAt);
      WriteBatch batch = new WriteBatch();
      for (Memory original : originals) {
        records.deleteMemory(batch, space, MemoryKeys.seq(original.id()));
      }
      records.putMemory(batch, space, rewritten, vector);
      batch.put(space.key(MemoryKeys.HISTORY, seq), MemoryCodec.encodeHistory(history));
      long written = records.write(space, batch, r.withNextSeq(seq + 1));
      for (Memory original : originals) {
        space.removed(MemoryKeys.seq(original.id()));
      }
      space.indexed(seq, rewritten, vector);
      space.applied(written);
      return new MemoryService.Compression(originals.size(), rewritten.id());
    }
  }

  /** The coldest {@link MemoryOptions#compressFraction} of the space, two at least, the space's batch at most. */
  private List<Memory> coldest(Space space) throws IOException {
    long now = options.clock().getAsLong();
    List<Map.Entry<Long, Double>> byHeat = new ArrayList<>();
    for (Map.Entry<Long, Heat> e : space.heat.entrySet()) {
      byHeat.add(Map.entry(e.getKey(), e.getValue().at(now)));
    }
    byHeat.sort(Map.Entry.<Long, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    int n = (int) Math.min(batch(space), Math.max(2, Math.ceil(byHeat.size() * options.compressFraction())));
    return read(space, byHeat.subList(0, Math.min(n, byHeat.size())).stream().map(Map.Entry::getKey).toList());
  }

  private List<Memory> read(Space space, List<Long> seqs) throws IOException {
    List<Memory> memories = new ArrayList<>(seqs.size());
    for (long seq : seqs) {
      Memory m = records.read(space, seq);
      if (m != null) {
        memories.add(m);
      }
    }
    return memories;
  }
}
