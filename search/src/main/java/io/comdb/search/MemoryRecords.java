package io.comdb.search;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.ReadView;
import io.comdb.engine.WriteBatch;
import java.io.IOException;
import java.util.List;

/**
 * A space's records in the engine ({@link MemoryKeys}): reads them through the engine's read view and writes
 * every change as one batch through the {@link MemoryService.RecordWriter}. Every batch that changes a
 * space's memories also writes its space record, so that the space record's version (its sequence number)
 * tells {@link SpaceOpener} whether anything changed since an index was committed.
 */
final class MemoryRecords {
  final ReadView engine;
  private final MemoryService.RecordWriter writer;
  private final MemoryOptions options;

  MemoryRecords(ReadView engine, MemoryService.RecordWriter writer, MemoryOptions options) {
    this.engine = engine;
    this.writer = writer;
    this.options = options;
  }

  /**
   * Writes {@code batch} with the space record {@code changed} (null: the space's current one), then makes
   * it the space's record; returns the batch's sequence number. The caller holds the space's monitor.
   */
  long write(Space space, WriteBatch batch, MemoryCodec.SpaceRecord changed) throws IOException {
    MemoryCodec.SpaceRecord record = changed == null ? space.record : changed;
    batch.put(MemoryKeys.space(space.agent), MemoryCodec.encodeSpace(record));
    long seq;
    try {
      seq = writer.write(batch);
    } catch (IOException | RuntimeException e) {
      space.suspect = true;
      throw e;
    }
    space.record = record;
    return seq;
  }

  /** Writes a new space's record. */
  void create(byte[] agent, MemoryCodec.SpaceRecord record) throws IOException {
    writer.write(new WriteBatch().put(MemoryKeys.space(agent), MemoryCodec.encodeSpace(record)));
  }

  /** Deletes a space's record with every record of its memories. */
  void deleteSpace(byte[] agent) throws IOException {
    WriteBatch batch = new WriteBatch();
    for (byte kind : MemoryKeys.PER_MEMORY) {
      try (EngineIterator it = engine.iterator(IteratorOptions.prefix(MemoryKeys.prefix(kind, agent)))) {
        for (; it.isValid(); it.next()) {
          batch.delete(it.key());
        }
      }
    }
    batch.delete(MemoryKeys.space(agent));
    writer.write(batch);
  }

  void putMemory(WriteBatch batch, Space space, Memory memory, float[] vector) {
    long seq = MemoryKeys.seq(memory.id());
    batch.put(space.key(MemoryKeys.MEMORY, seq), MemoryCodec.encodeMemory(memory));
    if (vector != null) {
      putVector(batch, space, seq, vector);
    }
  }

  void putVector(WriteBatch batch, Space space, long seq, float[] vector) {
    batch.put(space.key(MemoryKeys.VECTOR, seq), MemoryCodec.encodeVector(options.embedder().model(), vector));
  }

  /** Deletes the memory with its history, vector and heat. */
  void deleteMemory(WriteBatch batch, Space space, long seq) {
    for (byte kind : MemoryKeys.PER_MEMORY) {
      byte[] key = space.key(kind, seq);
      if (kind == MemoryKeys.MEMORY || engine.contains(key)) { // history, vector and heat exist for some memories only
        batch.delete(key);
      }
    }
  }

  Memory read(Space space, long seq) throws IOException {
    byte[] value = seq < 0 ? null : engine.get(space.key(MemoryKeys.MEMORY, seq));
    return value == null ? null : MemoryCodec.decodeMemory(seq, value);
  }

  List<Memory> history(Space space, long seq) throws IOException {
    byte[] value = engine.get(space.key(MemoryKeys.HISTORY, seq));
    return value == null ? List.of() : MemoryCodec.decodeHistory(value);
  }

  /** The memory's stored vector, or null if it has none of the current model. */
  float[] storedVector(Space space, long seq) throws IOException {
    byte[] value = engine.get(space.key(MemoryKeys.VECTOR, seq));
    return value == null ? null : MemoryCodec.decodeVector(options.embedder().model(), value);
  }

  /** The embeddings of {@code texts} in one call of the model, or null when dense search is off. */
  List<float[]> embed(List<String> texts) {
    return options.embedder() != null ? options.embedder().embedPassages(texts) : null;
  }

  float[] embedOne(String text) {
    List<float[]> vectors = embed(List.of(text));
    return vectors == null ? null : vectors.get(0);
  }

  /** Stores the heat of the memories whose heat changed, in one batch; the caller holds the space's monitor. */
  void storeHeat(Space space) throws IOException {
    if (space.heatChanged.isEmpty() || space.deleted) {
      return;
    }
    WriteBatch batch = new WriteBatch();
    for (Long seq : List.copyOf(space.heatChanged)) {
      Heat heat = space.heat.get(seq);
      if (heat != null) {
        batch.put(space.key(MemoryKeys.HEAT, seq), heat.encode());
      }
      space.heatChanged.remove(seq);
    }
    if (batch.size() > 0) {
      writer.write(batch);
    }
  }

  /** Restores the stored heat of the space's memories. */
  void loadHeat(Space space) throws IOException {
    long halfLife = options.heatHalfLife().toMillis();
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(MemoryKeys.prefix(MemoryKeys.HEAT, space.agent)))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        Heat heat = value == null ? null : Heat.decode(halfLife, value);
        if (heat != null) {
          space.restoreHeat(MemoryKeys.seqOf(it.key()), heat);
        }
      }
    }
  }
}
