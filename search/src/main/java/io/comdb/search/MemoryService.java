package io.comdb.search;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.LimitExceededException;
import io.comdb.engine.ReadView;
import io.comdb.engine.WriteBatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Agent memory spaces on an engine: the engine holds every memory and space as records (see
 * {@link MemoryKeys}), each change one atomic write batch handed to a {@link RecordWriter} (in a server, the
 * engine's one writer, which answers once the batch is as durable as the sync mode promises); the search
 * index of each space is derived from them, rebuilt by {@link #open} and updated after each commit. A crash
 * between the two loses only the index, which the next start rebuilds from the records.
 *
 * <p>Thread-safe. Changes to one space are serialized by the space (its batch is prepared, written and
 * indexed under its lock); searches and reads run concurrently, on the engine's {@link ReadView}.
 */
public final class MemoryService implements Closeable {
  /** Writes the records of one change as one atomic batch; returns once they are stored. */
  @FunctionalInterface
  public interface RecordWriter {
    /** Returns the batch's sequence number, or -1 if it changed nothing. */
    long write(WriteBatch batch) throws IOException;
  }

  private static final System.Logger LOG = System.getLogger(MemoryService.class.getName());
  private static final int MAX_PAGE = 1000;
  private static final int EMBED_BATCH = 64;

  private final ReadView engine;
  private final RecordWriter writer;
  private final MemoryOptions options;
  private final Compressor compressor;
  private final TextAnalyzer analyzer = new TextAnalyzer();
  private final Map<String, Space> spaces = new ConcurrentHashMap<>();
  /** Held to create or delete a space, before the space's own lock. */
  private final Object registry = new Object();

  /** A space's ordering key: oldest first, by creation time and then sequence. */
  private record Age(long createdAt, long seq) implements Comparable<Age> {
    @Override
    public int compareTo(Age o) {
      return createdAt != o.createdAt ? Long.compare(createdAt, o.createdAt) : Long.compare(seq, o.seq);
    }
  }

  /** One space in memory: its record, its memories' ages and heat, and its index. Guarded by itself. */
  private final class Space {
    final String agentId;
    final byte[] agent;
    volatile MemoryCodec.SpaceRecord record;
    final ConcurrentSkipListMap<Age, Long> byAge = new ConcurrentSkipListMap<>();
    final Map<Long, Age> ages = new ConcurrentHashMap<>();
    final Map<Long, Heat> heat = new ConcurrentHashMap<>();
    final SpaceIndex index = new SpaceIndex(analyzer);
    volatile boolean deleted;

    Space(String agentId, byte[] agent, MemoryCodec.SpaceRecord record) {
      this.agentId = agentId;
      this.agent = agent;
      this.record = record;
    }

    void indexed(long seq, Memory memory, float[] vector) {
      Age age = new Age(memory.createdAt(), seq);
      Age old = ages.put(seq, age);
      if (old != null) {
        byAge.remove(old);
      }
      byAge.put(age, seq);
      heat.computeIfAbsent(seq, s -> new Heat(options.heatHalfLife().toMillis(), memory.createdAt()));
      index.put(seq, memory, vector);
    }

    void removed(long seq) {
      Age age = ages.remove(seq);
      if (age != null) {
        byAge.remove(age);
      }
      heat.remove(seq);
      index.delete(seq);
    }

    SpaceInfo info() {
      MemoryCodec.SpaceRecord r = record;
      return new SpaceInfo(agentId, r.capacity(), ages.size(), r.createdAt(), r.compressor());
    }

    byte[] key(byte kind, long seq) {
      return MemoryKeys.record(kind, agent, seq);
    }
  }

  /** What a compression did: how many memories it replaced, and the id of the memory that replaced them. */
  public record Compression(int replaced, String id) {}

  private MemoryService(ReadView engine, RecordWriter writer, MemoryOptions options) {
    this.engine = engine;
    this.writer = writer;
    this.options = options;
    this.compressor = new Compressor(options.llm());
  }

  /**
   * The memory spaces whose records {@code engine} holds, their indexes rebuilt from them; every change is
   * written through {@code writer}.
   */
  public static MemoryService open(ReadView engine, RecordWriter writer, MemoryOptions options) throws IOException {
    MemoryService service = new MemoryService(engine, writer, options);
    service.rebuild();
    return service;
  }

  /** The memory spaces of an embedded {@code engine}, which it writes itself. */
  public static MemoryService open(Engine engine, MemoryOptions options) throws IOException {
    return open(engine.readView(), engine::write, options);
  }

  public boolean denseEnabled() {
    return options.embedder() != null;
  }

  // ---- spaces

  /**
   * Creates the agent's space with {@code capacity} (0: unlimited), or sets the capacity of the space it
   * has, evicting its oldest memories beyond the new capacity.
   */
  public SpaceInfo putSpace(String agentId, long capacity) throws IOException {
    checkCapacity(capacity);
    byte[] agent = MemoryKeys.agentBytes(agentId);
    synchronized (registry) {
      Space space = spaces.get(agentId);
      if (space == null) {
        return create(agentId, agent, capacity).info();
      }
      synchronized (space) {
        MemoryCodec.SpaceRecord r = space.record;
        MemoryCodec.SpaceRecord changed = new MemoryCodec.SpaceRecord(capacity, r.createdAt(), r.nextSeq(), r.compressor());
        List<Long> evicted = capacity == 0 ? List.of() : oldest(space, space.ages.size() - capacity);
        WriteBatch batch = new WriteBatch();
        batch.put(MemoryKeys.space(agent), MemoryCodec.encodeSpace(changed));
        for (long seq : evicted) {
          deleteMemoryRecords(batch, space, seq);
        }
        writer.write(batch);
        space.record = changed;
        evicted.forEach(space::removed);
        return space.info();
      }
    }
  }

  public Optional<SpaceInfo> space(String agentId) {
    Space space = spaces.get(agentId);
    return space == null ? Optional.empty() : Optional.of(space.info());
  }

  /** Deletes the agent's space with its memories, their history and vectors; false if it had none. */
  public boolean deleteSpace(String agentId) throws IOException {
    byte[] agent = MemoryKeys.agentBytes(agentId);
    synchronized (registry) {
      Space space = spaces.get(agentId);
      if (space == null) {
        return false;
      }
      synchronized (space) {
        WriteBatch batch = new WriteBatch();
        for (byte kind : new byte[] {MemoryKeys.MEMORY, MemoryKeys.HISTORY, MemoryKeys.VECTOR}) {
          try (EngineIterator it = engine.iterator(IteratorOptions.prefix(MemoryKeys.prefix(kind, agent)))) {
            for (; it.isValid(); it.next()) {
              batch.delete(it.key());
            }
          }
        }
        batch.delete(MemoryKeys.space(agent));
        writer.write(batch);
        space.deleted = true;
        spaces.remove(agentId);
        space.index.close();
        return true;
      }
    }
  }

  /**
   * Sets the LLM endpoint the agent's memories are compressed through (null: none). {@code createCapacity}
   * non-null creates a missing space with that capacity; null fails on a missing space.
   */
  public SpaceInfo setCompressor(String agentId, String endpoint, Long createCapacity) throws IOException {
    if (endpoint != null) {
      Compressor.checkEndpoint(endpoint);
    }
    Space space = createCapacity == null ? existing(agentId) : orCreate(agentId, createCapacity);
    synchronized (space) {
      checkLive(space);
      MemoryCodec.SpaceRecord r = space.record;
      MemoryCodec.SpaceRecord changed = new MemoryCodec.SpaceRecord(r.capacity(), r.createdAt(), r.nextSeq(), endpoint);
      writer.write(new WriteBatch().put(MemoryKeys.space(space.agent), MemoryCodec.encodeSpace(changed)));
      space.record = changed;
      return space.info();
    }
  }

  // ---- memories

  /**
   * Adds memories to the agent's space in one batch, evicting the oldest beyond its capacity; returns their
   * ids in order. {@code createCapacity} non-null creates a missing space with that capacity (ComDB's
   * {@code /memory/set}); null fails on a missing space.
   */
  public List<String> add(String agentId, List<NewMemory> memories, Long createCapacity) throws IOException {
    if (memories.isEmpty()) {
      throw new IllegalArgumentException("no memories to add");
    }
    if (memories.size() > options.maxBatch()) {
      throw new LimitExceededException(memories.size() + " memories are over the limit of " + options.maxBatch() + " per request");
    }
    for (NewMemory m : memories) {
      checkText(m.text());
      checkMetadata(m.metadata());
      if (m.createdAt() != null && m.createdAt() < 0) {
        throw new IllegalArgumentException("createdAt must be epoch milliseconds, >= 0");
      }
    }
    List<float[]> vectors = embed(memories.stream().map(NewMemory::text).toList());
    while (true) {
      Space space = createCapacity == null ? existing(agentId) : orCreate(agentId, createCapacity);
      synchronized (space) {
        if (space.deleted) {
          continue; // deleted meanwhile: a compat add creates it again, a clean add fails in existing()
        }
        return addLocked(space, memories, vectors);
      }
    }
  }

  private List<String> addLocked(Space space, List<NewMemory> memories, List<float[]> vectors) throws IOException {
    long now = options.clock().getAsLong();
    MemoryCodec.SpaceRecord r = space.record;
    List<Memory> added = new ArrayList<>(memories.size());
    long seq = r.nextSeq();
    for (NewMemory m : memories) {
      added.add(new Memory(MemoryKeys.id(seq++), m.text(), m.metadata().copy(), m.createdAt() == null ? now : m.createdAt()));
    }
    // The oldest beyond capacity go, among the old and the new together.
    List<Long> evictedOld = new ArrayList<>();
    List<Integer> evictedNew = new ArrayList<>();
    long excess = r.capacity() == 0 ? 0 : space.ages.size() + added.size() - r.capacity();
    if (excess > 0) {
      List<Integer> newByAge = new ArrayList<>();
      for (int i = 0; i < added.size(); i++) {
        newByAge.add(i);
      }
      newByAge.sort(Comparator.comparing(i -> age(added.get(i))));
      Iterator<Age> old = space.byAge.keySet().iterator();
      Age nextOld = old.hasNext() ? old.next() : null;
      int nextNew = 0;
      for (long n = 0; n < excess; n++) {
        Age candidateNew = nextNew < newByAge.size() ? age(added.get(newByAge.get(nextNew))) : null;
        if (nextOld != null && (candidateNew == null || nextOld.compareTo(candidateNew) < 0)) {
          evictedOld.add(nextOld.seq());
          nextOld = old.hasNext() ? old.next() : null;
        } else {
          evictedNew.add(newByAge.get(nextNew++));
        }
      }
    }
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < added.size(); i++) {
      if (!evictedNew.contains(i)) {
        putMemoryRecords(batch, space, added.get(i), vectors == null ? null : vectors.get(i));
      }
    }
    for (long old : evictedOld) {
      deleteMemoryRecords(batch, space, old);
    }
    MemoryCodec.SpaceRecord changed = new MemoryCodec.SpaceRecord(r.capacity(), r.createdAt(), seq, r.compressor());
    batch.put(MemoryKeys.space(space.agent), MemoryCodec.encodeSpace(changed));
    writer.write(batch);
    space.record = changed;
    evictedOld.forEach(space::removed);
    List<String> ids = new ArrayList<>(added.size());
    for (int i = 0; i < added.size(); i++) {
      Memory m = added.get(i);
      if (!evictedNew.contains(i)) {
        space.indexed(MemoryKeys.seq(m.id()), m, vectors == null ? null : vectors.get(i));
      }
      ids.add(m.id());
    }
    return ids;
  }

  /** The agent's memories, newByAge first, {@code limit} at most, after {@code cursor} (null: from the newByAge). */
  public MemoryPage list(String agentId, int limit, String cursor) throws IOException {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE + ", got " + limit);
    }
    Space space = existing(agentId);
    Map<Age, Long> newer = cursor == null ? space.byAge.descendingMap() : space.byAge.descendingMap().tailMap(parseCursor(cursor), false);
    List<Memory> page = new ArrayList<>(limit);
    Age last = null;
    boolean more = false;
    for (Map.Entry<Age, Long> e : newer.entrySet()) {
      if (page.size() == limit) {
        more = true;
        break;
      }
      Memory m = read(space, e.getValue());
      if (m != null) {
        page.add(m);
        last = e.getKey();
      }
    }
    return new MemoryPage(page, more ? last.createdAt() + "." + last.seq() : null);
  }

  private static Age parseCursor(String cursor) {
    int dot = cursor.indexOf('.');
    try {
      Age age = new Age(Long.parseLong(cursor.substring(0, dot)), Long.parseLong(cursor.substring(dot + 1)));
      if (age.seq() >= 0) {
        return age;
      }
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      // answered below
    }
    throw new IllegalArgumentException("cursor is not one this API gave: '" + cursor + "'");
  }

  public Memory get(String agentId, String id) throws IOException {
    Space space = existing(agentId);
    Memory m = read(space, seqOf(space, id));
    if (m == null) {
      throw noMemory(agentId, id);
    }
    return m;
  }

  /** Replaces the memory's text and/or metadata (null: kept); its id and creation time stay. */
  public Memory update(String agentId, String id, String text, JsonObject metadata) throws IOException {
    if (text == null && metadata == null) {
      throw new IllegalArgumentException("nothing to update: give text, metadata or both");
    }
    if (text != null) {
      checkText(text);
    }
    if (metadata != null) {
      checkMetadata(metadata);
    }
    float[] vector = text == null ? null : firstOrNull(embed(List.of(text)));
    Space space = existing(agentId);
    synchronized (space) {
      checkLive(space);
      long seq = seqOf(space, id);
      Memory old = read(space, seq);
      if (old == null) {
        throw noMemory(agentId, id);
      }
      Memory changed = new Memory(old.id(), text == null ? old.text() : text, metadata == null ? old.metadata() : metadata.copy(),
          old.createdAt());
      float[] indexed = text == null && denseEnabled() ? storedVector(space, seq, old) : vector;
      WriteBatch batch = new WriteBatch();
      putMemoryRecords(batch, space, changed, vector); // a vector only for a new text: the stored one stays
      writer.write(batch);
      space.indexed(seq, changed, indexed);
      return changed;
    }
  }

  /** Deletes one memory (and its history, if it replaced others); false if there was none. */
  public boolean delete(String agentId, String id) throws IOException {
    Space space = existing(agentId);
    synchronized (space) {
      checkLive(space);
      long seq = MemoryKeys.seq(id);
      if (seq < 0 || !space.ages.containsKey(seq)) {
        return false;
      }
      WriteBatch batch = new WriteBatch();
      deleteMemoryRecords(batch, space, seq);
      writer.write(batch);
      space.removed(seq);
      return true;
    }
  }

  /** The memories a compressed memory replaced, oldest first; empty for a memory that replaced none. */
  public List<Memory> history(String agentId, String id) throws IOException {
    Space space = existing(agentId);
    long seq = seqOf(space, id);
    byte[] value = engine.get(space.key(MemoryKeys.HISTORY, seq));
    return value == null ? List.of() : MemoryCodec.decodeHistory(value);
  }

  // ---- search

  /** The memories that best match {@code query}, best first; an empty list for an empty space. */
  public List<SearchHit> search(String agentId, SearchQuery query) throws IOException {
    Space space = existing(agentId);
    SearchMode mode = query.mode() != null ? query.mode() : denseEnabled() ? SearchMode.HYBRID : SearchMode.BM25;
    if (mode != SearchMode.BM25 && !denseEnabled()) {
      throw new IllegalArgumentException("dense search is off: set search.dense to an embedding model");
    }
    if (space.ages.isEmpty() || query.query().isBlank()) {
      return List.of();
    }
    int candidates = Math.min(SearchQuery.MAX_K, Math.max(query.k() * 5, 100));
    List<List<Ranking.Candidate>> rankings = new ArrayList<>(2);
    if (mode != SearchMode.DENSE) {
      // Alone, BM25 promises that each result holds a query term; fused with dense results it cannot.
      rankings.add(spread(space, space.index.lexical(query.query(), query.filter(), candidates), query, mode == SearchMode.BM25));
    }
    if (mode != SearchMode.BM25) {
      float[] vector = options.embedder().embedQuery(query.query());
      rankings.add(spread(space, space.index.dense(vector, query.filter(), candidates), query, false));
    }
    Map<Long, Double> relevance = Ranking.relevance(rankings);
    Map<Long, Long> created = new HashMap<>();
    for (long seq : relevance.keySet()) {
      Age age = space.ages.get(seq);
      if (age != null) {
        created.put(seq, age.createdAt());
      }
    }
    long now = options.clock().getAsLong();
    List<Ranking.Scored> scored = Ranking.score(relevance, created, query.recency(), now,
        options.recencyHalfLife().toMillis(), query.minScore());
    List<SearchHit> hits = new ArrayList<>(Math.min(query.k(), scored.size()));
    for (Ranking.Scored s : scored) {
      if (hits.size() == query.k()) {
        break;
      }
      Memory m = read(space, s.seq());
      if (m != null) {
        hits.add(new SearchHit(m, s.score()));
        Heat heat = space.heat.get(s.seq());
        if (heat != null) {
          heat.add(s.score(), now);
        }
      }
    }
    return hits;
  }

  // ---- compression

  /**
   * Rewrites the coldest memories of the agent's space (those searches matched least, by {@link Heat}) into
   * one shorter memory through the LLM at {@code endpoint} (null: the space's compressor, else
   * {@link Compressor.Settings#endpoint}). The replacement
   * is one atomic batch; the originals stay readable through {@link #history}. Replaces nothing when the
   * space holds fewer than two memories.
   *
   * @throws CompressionException if the LLM fails, or the chosen memories change while it works
   */
  public Compression compress(String agentId, String endpoint) throws IOException {
    Space space = existing(agentId);
    String url = endpoint;
    if (url == null) {
      url = space.record.compressor() != null ? space.record.compressor() : options.llm().endpoint();
    }
    if (url == null) {
      throw new IllegalArgumentException("no endpoint: give one, or set the agent's compressor first");
    }
    List<Memory> originals = coldest(space);
    if (originals.size() < 2) {
      return new Compression(0, null);
    }
    String text = compressor.rewrite(url, originals.stream().map(Memory::text).toList());
    if (text.getBytes(StandardCharsets.UTF_8).length > options.maxTextBytes()) {
      throw new CompressionException("the LLM's rewrite is over the memory limit of " + options.maxTextBytes() + " bytes");
    }
    float[] vector = firstOrNull(embed(List.of(text)));
    synchronized (space) {
      checkLive(space);
      for (Memory original : originals) {
        if (!original.equals(read(space, MemoryKeys.seq(original.id())))) {
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
        byte[] earlier = engine.get(space.key(MemoryKeys.HISTORY, MemoryKeys.seq(original.id())));
        history.addAll(earlier == null ? List.of(original) : MemoryCodec.decodeHistory(earlier));
      }
      Memory rewritten = new Memory(MemoryKeys.id(seq), text, new JsonObject().put("compressedFrom", replaced), createdAt);
      WriteBatch batch = new WriteBatch();
      for (Memory original : originals) {
        deleteMemoryRecords(batch, space, MemoryKeys.seq(original.id()));
      }
      putMemoryRecords(batch, space, rewritten, vector);
      batch.put(space.key(MemoryKeys.HISTORY, seq), MemoryCodec.encodeHistory(history));
      MemoryCodec.SpaceRecord changed = new MemoryCodec.SpaceRecord(r.capacity(), r.createdAt(), seq + 1, r.compressor());
      batch.put(MemoryKeys.space(space.agent), MemoryCodec.encodeSpace(changed));
      writer.write(batch);
      space.record = changed;
      for (Memory original : originals) {
        space.removed(MemoryKeys.seq(original.id()));
      }
      space.indexed(seq, rewritten, vector);
      return new Compression(originals.size(), rewritten.id());
    }
  }

  /** The ranking {@link Ranking#spread} to neighbours in time; as it is when the search is filtered. */
  private List<Ranking.Candidate> spread(Space space, List<Ranking.Candidate> ranking, SearchQuery query, boolean candidatesOnly) {
    if (options.neighbourWeight() == 0 || !query.filter().isEmpty()) {
      return ranking; // a neighbour need not pass the filter
    }
    return Ranking.spread(ranking, seq -> neighbours(space, seq), options.neighbourWeight(), candidatesOnly);
  }

  /** The memories just before and after {@code seq} in time. */
  private static List<Long> neighbours(Space space, long seq) {
    Age age = space.ages.get(seq);
    if (age == null) {
      return List.of();
    }
    List<Long> around = new ArrayList<>(2);
    Map.Entry<Age, Long> before = space.byAge.lowerEntry(age);
    Map.Entry<Age, Long> after = space.byAge.higherEntry(age);
    if (before != null) {
      around.add(before.getValue());
    }
    if (after != null) {
      around.add(after.getValue());
    }
    return around;
  }

  /** The coldest memories to compress, oldest first. */
  private List<Memory> coldest(Space space) throws IOException {
    long now = options.clock().getAsLong();
    List<Map.Entry<Long, Double>> byHeat = new ArrayList<>();
    for (Map.Entry<Long, Heat> e : space.heat.entrySet()) {
      byHeat.add(Map.entry(e.getKey(), e.getValue().at(now)));
    }
    byHeat.sort(Map.Entry.<Long, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    int n = (int) Math.min(options.maxCompressed(), Math.max(2, Math.ceil(byHeat.size() * options.compressFraction())));
    List<Memory> chosen = new ArrayList<>();
    for (Map.Entry<Long, Double> e : byHeat.subList(0, Math.min(n, byHeat.size()))) {
      Memory m = read(space, e.getKey());
      if (m != null) {
        chosen.add(m);
      }
    }
    chosen.sort(Comparator.comparing(MemoryService::age));
    return chosen;
  }

  // ---- records

  private void putMemoryRecords(WriteBatch batch, Space space, Memory memory, float[] vector) {
    long seq = MemoryKeys.seq(memory.id());
    batch.put(space.key(MemoryKeys.MEMORY, seq), MemoryCodec.encodeMemory(memory));
    if (vector != null) {
      batch.put(space.key(MemoryKeys.VECTOR, seq), MemoryCodec.encodeVector(options.embedder().model(), vector));
    }
  }

  private void deleteMemoryRecords(WriteBatch batch, Space space, long seq) {
    batch.delete(space.key(MemoryKeys.MEMORY, seq));
    for (byte kind : new byte[] {MemoryKeys.HISTORY, MemoryKeys.VECTOR}) {
      byte[] key = space.key(kind, seq);
      if (engine.contains(key)) {
        batch.delete(key);
      }
    }
  }

  private Memory read(Space space, long seq) throws IOException {
    byte[] value = seq < 0 ? null : engine.get(space.key(MemoryKeys.MEMORY, seq));
    return value == null ? null : MemoryCodec.decodeMemory(seq, value);
  }

  /** The stored vector of an unchanged memory, computed now if the model changed since. */
  private float[] storedVector(Space space, long seq, Memory memory) throws IOException {
    byte[] value = engine.get(space.key(MemoryKeys.VECTOR, seq));
    float[] vector = value == null ? null : MemoryCodec.decodeVector(options.embedder().model(), value);
    return vector != null ? vector : firstOrNull(embed(List.of(memory.text())));
  }

  private List<float[]> embed(List<String> texts) {
    return denseEnabled() ? options.embedder().embedPassages(texts) : null;
  }

  private static float[] firstOrNull(List<float[]> vectors) {
    return vectors == null ? null : vectors.get(0);
  }

  private static Age age(Memory m) {
    return new Age(m.createdAt(), MemoryKeys.seq(m.id()));
  }

  /** The sequence numbers of the {@code n} oldest memories. */
  private static List<Long> oldest(Space space, long n) {
    List<Long> seqs = new ArrayList<>();
    for (Iterator<Long> it = space.byAge.values().iterator(); seqs.size() < n && it.hasNext(); ) {
      seqs.add(it.next());
    }
    return seqs;
  }

  // ---- spaces in memory

  private Space existing(String agentId) {
    MemoryKeys.agentBytes(agentId);
    Space space = spaces.get(agentId);
    if (space == null) {
      throw new NotFoundException("agent '" + agentId + "' has no memory space");
    }
    return space;
  }

  private Space orCreate(String agentId, long capacity) throws IOException {
    Space space = spaces.get(agentId);
    if (space != null) {
      return space;
    }
    checkCapacity(capacity);
    byte[] agent = MemoryKeys.agentBytes(agentId);
    synchronized (registry) {
      space = spaces.get(agentId);
      return space != null ? space : create(agentId, agent, capacity);
    }
  }

  /** Creates a space; the caller holds {@link #registry}. */
  private Space create(String agentId, byte[] agent, long capacity) throws IOException {
    MemoryCodec.SpaceRecord r = new MemoryCodec.SpaceRecord(capacity, options.clock().getAsLong(), 1, null);
    writer.write(new WriteBatch().put(MemoryKeys.space(agent), MemoryCodec.encodeSpace(r)));
    Space space = new Space(agentId, agent, r);
    spaces.put(agentId, space);
    return space;
  }

  private static void checkLive(Space space) {
    if (space.deleted) {
      throw new NotFoundException("agent '" + space.agentId + "' has no memory space");
    }
  }

  private static long seqOf(Space space, String id) {
    long seq = MemoryKeys.seq(id);
    if (seq < 0 || !space.ages.containsKey(seq)) {
      throw noMemory(space.agentId, id);
    }
    return seq;
  }

  private static NotFoundException noMemory(String agentId, String id) {
    return new NotFoundException("agent '" + agentId + "' has no memory '" + id + "'");
  }

  private static void checkCapacity(long capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0 (0: unlimited), got " + capacity);
    }
  }

  private void checkText(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a memory needs a non-empty text");
    }
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > options.maxTextBytes()) {
      throw new LimitExceededException("memory text of " + bytes + " bytes is over the limit of " + options.maxTextBytes());
    }
  }

  private void checkMetadata(JsonObject metadata) {
    int bytes = MemoryCodec.metadataBytes(metadata).length;
    if (bytes > options.maxMetadataBytes()) {
      throw new LimitExceededException("metadata of " + bytes + " bytes is over the limit of " + options.maxMetadataBytes());
    }
  }

  // ---- start-up

  /** Loads every space and indexes its memories, embedding those without a vector of the current model. */
  private void rebuild() throws IOException {
    long start = System.nanoTime();
    List<byte[]> spaceKeys = new ArrayList<>();
    List<byte[]> spaceValues = new ArrayList<>();
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(MemoryKeys.spacePrefix()))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value != null) {
          spaceKeys.add(it.key().clone());
          spaceValues.add(value);
        }
      }
    }
    long[] counts = new long[2]; // memories indexed with their stored vector (or none), and embedded anew
    for (int i = 0; i < spaceKeys.size(); i++) {
      String agentId = MemoryKeys.agentOfSpace(spaceKeys.get(i));
      spaces.put(agentId, load(agentId, spaceValues.get(i), counts));
    }
    long memories = counts[0];
    long embedded = counts[1];
    LOG.log(System.Logger.Level.INFO, "memory index rebuilt: {0} spaces, {1} memories ({2} embedded anew) in {3} ms",
        spaces.size(), memories + embedded, embedded, (System.nanoTime() - start) / 1_000_000);
  }

  /** One space, its memories indexed; adds to {@code counts} the memories indexed as stored and those embedded anew. */
  private Space load(String agentId, byte[] spaceValue, long[] counts) throws IOException {
    Space space = new Space(agentId, MemoryKeys.agentBytes(agentId), MemoryCodec.decodeSpace(spaceValue));
    List<Memory> pending = new ArrayList<>();
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(MemoryKeys.prefix(MemoryKeys.MEMORY, space.agent)))) {
      for (; it.isValid(); it.next()) {
        byte[] value = it.value();
        if (value == null) {
          continue;
        }
        long seq = MemoryKeys.seqOf(it.key());
        Memory m = MemoryCodec.decodeMemory(seq, value);
        float[] vector = null;
        if (denseEnabled()) {
          byte[] stored = engine.get(space.key(MemoryKeys.VECTOR, seq));
          vector = stored == null ? null : MemoryCodec.decodeVector(options.embedder().model(), stored);
          if (vector == null) {
            pending.add(m);
            if (pending.size() == EMBED_BATCH) {
              counts[1] += embedAndIndex(space, pending);
              pending.clear();
            }
            continue;
          }
        }
        space.indexed(seq, m, vector);
        if (++counts[0] % 100_000 == 0) {
          LOG.log(System.Logger.Level.INFO, "memory index: {0} memories indexed", counts[0]);
        }
      }
    }
    counts[1] += embedAndIndex(space, pending);
    return space;
  }

  /**
   * Reads one space again from the engine, its index rebuilt: its records changed without this service (a
   * cluster's copies, written by replication). A space no longer stored is forgotten.
   */
  public void reload(String agentId) throws IOException {
    byte[] agent = MemoryKeys.agentBytes(agentId);
    byte[] raw = engine.get(MemoryKeys.space(agent));
    Space fresh = raw == null ? null : load(agentId, raw, new long[2]);
    Space old = fresh == null ? spaces.remove(agentId) : spaces.put(agentId, fresh);
    if (old != null) {
      old.index.close();
    }
  }

  /** Embeds memories that had no vector of the current model, stores the vectors, and indexes them. */
  private int embedAndIndex(Space space, List<Memory> pending) throws IOException {
    if (pending.isEmpty()) {
      return 0;
    }
    List<float[]> vectors = embed(pending.stream().map(Memory::text).toList());
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < pending.size(); i++) {
      long seq = MemoryKeys.seq(pending.get(i).id());
      batch.put(space.key(MemoryKeys.VECTOR, seq), MemoryCodec.encodeVector(options.embedder().model(), vectors.get(i)));
    }
    writer.write(batch);
    for (int i = 0; i < pending.size(); i++) {
      space.indexed(MemoryKeys.seq(pending.get(i).id()), pending.get(i), vectors.get(i));
    }
    return pending.size();
  }

  @Override
  public void close() throws IOException {
    synchronized (registry) {
      for (Space space : spaces.values()) {
        space.index.close();
      }
      spaces.clear();
    }
  }
}
