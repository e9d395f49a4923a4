package io.comdb.search;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.LimitExceededException;
import io.comdb.engine.ReadView;
import io.comdb.engine.WriteBatch;
import io.vertx.core.json.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Agent memory spaces on an engine. The engine holds every memory and space as records ({@link MemoryKeys});
 * each change is one atomic write batch handed to a {@link RecordWriter} (in a server, the engine's one
 * writer, which answers once the batch is as durable as the sync mode promises), then applied to the space's
 * search index. Indexes are derived state persisted under {@code <data dir>/memory-index/}: a space is
 * opened when first used, its index caught up with the records ({@link SpaceOpener}), and closed when
 * others need its place ({@link OpenSpaces}). Search is {@link MemorySearch}; compression
 * {@link MemoryCompression}.
 *
 * <p>Thread-safe. Changes to one space are serialized by the space's monitor (its batch is prepared, written
 * and indexed under it); searches and reads run concurrently, on the engine's {@link ReadView}.
 */
public final class MemoryService implements Closeable {
  private static final System.Logger LOG = System.getLogger(MemoryService.class.getName());
  /** Writes the records of one change as one atomic batch; returns once they are stored. */
  @FunctionalInterface
  public interface RecordWriter {
    /** Returns the batch's sequence number, or -1 if it changed nothing. */
    long write(WriteBatch batch) throws IOException;
  }

  /** What a compression did: how many memories it replaced, and the id of the memory that replaced them. */
  public record Compression(int replaced, String id) {}

  /**
   * The state of the persisted indexes.
   *
   * @param openSpaces spaces open now
   * @param catchingUp spaces whose index is catching up with their records now
   * @param reindexed memories indexed from their records since start (catching up, rebuilding)
   * @param rebuilt indexes deleted and rebuilt since start (missing, unreadable, of another version)
   */
  public record IndexStats(int openSpaces, int catchingUp, long reindexed, long rebuilt) {}

  private static final int MAX_PAGE = 1000;

  private final ReadView engine;
  private final MemoryOptions options;
  private final MemoryRecords records;
  private final SpaceOpener opener;
  private final OpenSpaces spaces;
  private final MemorySearch search;
  private final MemoryCompression compression;
  /** Held to create or delete a space, before the space's own monitor. */
  private final Object registry = new Object();

  private MemoryService(ReadView engine, RecordWriter writer, MemoryOptions options) {
    this.engine = engine;
    this.options = options;
    this.records = new MemoryRecords(engine, writer, options);
    this.opener = new SpaceOpener(records, engine.options().dataDir().resolve("memory-index"), new TextAnalyzer(), options);
    this.spaces = new OpenSpaces(opener, options.openSpaces(), options.openWait(), options.checkpointEvery(), this::checkpoint);
    this.search = new MemorySearch(records, options);
    this.compression = new MemoryCompression(records, options);
    sweepOrphanIndexes();
  }

  /** Indexes of spaces that are gone are derived state of nothing: deleted before any space opens. */
  private void sweepOrphanIndexes() {
    try {
      java.util.Set<Path> keep = new java.util.HashSet<>();
      for (String agent : agents()) {
        keep.add(indexDir(agent));
      }
      int swept = opener.sweep(keep);
      if (swept > 0) {
        LOG.log(System.Logger.Level.INFO, "memory search: deleted {0} index directories of spaces that no longer exist", swept);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "memory search: could not sweep the index directories of deleted spaces", e);
    }
  }

  /**
   * The memory spaces whose records {@code engine} holds; every change is written through {@code writer}.
   * Opens no index: each space is opened when first used.
   */
  public static MemoryService open(ReadView engine, RecordWriter writer, MemoryOptions options) {
    return new MemoryService(engine, writer, options);
  }

  /** The memory spaces of an embedded {@code engine}, which it writes itself. */
  public static MemoryService open(Engine engine, MemoryOptions options) {
    return open(engine.readView(), engine::write, options);
  }

  public boolean denseEnabled() {
    return options.embedder() != null;
  }

  /** Where the index of the agent's space lives. */
  public Path indexDir(String agentId) {
    return opener.dir(MemoryKeys.agentBytes(agentId));
  }

  public IndexStats indexStats() {
    return new IndexStats(spaces.openCount(), opener.catchingUp(), opener.reindexed(), opener.rebuilt());
  }

  // ---- spaces

  /** The agents that have a space, in key order. */
  public List<String> agents() {
    List<String> agents = new ArrayList<>();
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(MemoryKeys.spacePrefix()))) {
      for (; it.isValid(); it.next()) {
        agents.add(MemoryKeys.agentOfSpace(it.key()));
      }
    }
    return agents;
  }

  /**
   * Creates the agent's space with {@code capacity} (0: unlimited), or sets the capacity of the space it
   * has, evicting its oldest memories beyond the new capacity.
   */
  public SpaceInfo putSpace(String agentId, long capacity) throws IOException {
    checkCapacity(capacity);
    byte[] agent = MemoryKeys.agentBytes(agentId);
    synchronized (registry) {
      if (!engine.contains(MemoryKeys.space(agent))) {
        create(agentId, agent, capacity);
      }
      try (OpenSpaces.Lease lease = spaces.lease(agentId)) {
        Space space = lease.space();
        synchronized (space) {
          if (space.record.capacity() == capacity) {
            return space.info();
          }
          List<Long> evicted = capacity == 0 ? List.of() : space.oldest(space.count() - capacity);
          WriteBatch batch = new WriteBatch();
          evicted.forEach(seq -> records.deleteMemory(batch, space, seq));
          long seq = records.write(space, batch, space.record.withCapacity(capacity));
          evicted.forEach(space::removed);
          space.applied(seq);
          return space.info();
        }
      }
    }
  }

  public Optional<SpaceInfo> space(String agentId) throws IOException {
    if (!engine.contains(MemoryKeys.space(MemoryKeys.agentBytes(agentId)))) {
      return Optional.empty();
    }
    try (OpenSpaces.Lease lease = spaces.lease(agentId)) {
      return Optional.of(lease.space().info());
    } catch (NotFoundException e) {
      return Optional.empty(); // deleted meanwhile
    }
  }

  /** Deletes the agent's space with its memories, their history, vectors and index; false if it had none. */
  public boolean deleteSpace(String agentId) throws IOException {
    byte[] agent = MemoryKeys.agentBytes(agentId);
    synchronized (registry) {
      if (!engine.contains(MemoryKeys.space(agent))) {
        spaces.forget(agentId, true);
        SpaceIndex.delete(opener.dir(agent));
        return false;
      }
      try (OpenSpaces.Lease lease = spaces.lease(agentId)) {
        Space space = lease.space();
        synchronized (space) {
          records.deleteSpace(agent);
          space.deleted = true;
        }
      } catch (IndexRebuildingException e) {
        records.deleteSpace(agent); // forget() below waits for the catching up to end, then closes the index
      }
      spaces.forget(agentId, true);
      SpaceIndex.delete(opener.dir(agent));
      return true;
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
    return changeRecord(agentId, createCapacity, r -> r.withCompressor(endpoint));
  }

  /** Sets the agent's own compression settings ({@link CompressionPolicy#NONE}: the server's). */
  public SpaceInfo setCompression(String agentId, CompressionPolicy policy) throws IOException {
    return changeRecord(agentId, null, r -> r.withCompression(policy));
  }

  /** Rewrites the space's record as {@code change} makes it; see {@link #lease} for {@code createCapacity}. */
  private SpaceInfo changeRecord(String agentId, Long createCapacity, UnaryOperator<MemoryCodec.SpaceRecord> change)
      throws IOException {
    try (OpenSpaces.Lease lease = lease(agentId, createCapacity)) {
      Space space = lease.space();
      synchronized (space) {
        space.checkLive();
        space.applied(records.write(space, new WriteBatch(), change.apply(space.record)));
        return space.info();
      }
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
    List<float[]> vectors = records.embed(memories.stream().map(NewMemory::text).toList());
    while (true) {
      try (OpenSpaces.Lease lease = lease(agentId, createCapacity)) {
        Space space = lease.space();
        synchronized (space) {
          if (space.deleted) {
            continue; // deleted meanwhile: a compat add creates it again, a clean add fails in lease()
          }
          return addLocked(space, memories, vectors);
        }
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
    long excess = r.capacity() == 0 ? 0 : space.count() + added.size() - r.capacity();
    if (excess > 0) {
      List<Integer> newByAge = new ArrayList<>();
      for (int i = 0; i < added.size(); i++) {
        newByAge.add(i);
      }
      newByAge.sort(Comparator.comparing(i -> Age.of(added.get(i))));
      Iterator<Age> old = space.byAge.keySet().iterator();
      Age nextOld = old.hasNext() ? old.next() : null;
      int nextNew = 0;
      for (long n = 0; n < excess; n++) {
        Age candidateNew = nextNew < newByAge.size() ? Age.of(added.get(newByAge.get(nextNew))) : null;
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
        records.putMemory(batch, space, added.get(i), vectors == null ? null : vectors.get(i));
      }
    }
    for (long old : evictedOld) {
      records.deleteMemory(batch, space, old);
    }
    long written = records.write(space, batch, r.withNextSeq(seq));
    evictedOld.forEach(space::removed);
    List<String> ids = new ArrayList<>(added.size());
    for (int i = 0; i < added.size(); i++) {
      Memory m = added.get(i);
      if (!evictedNew.contains(i)) {
        space.indexed(MemoryKeys.seq(m.id()), m, vectors == null ? null : vectors.get(i));
      }
      ids.add(m.id());
    }
    space.applied(written);
    return ids;
  }

  /** The agent's memories, newest first, {@code limit} at most, after {@code cursor} (null: from the newest). */
  public MemoryPage list(String agentId, int limit, String cursor) throws IOException {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE + ", got " + limit);
    }
    try (OpenSpaces.Lease lease = lease(agentId, null)) {
      Space space = lease.space();
      Map<Age, Long> newer = cursor == null ? space.byAge.descendingMap() : space.byAge.descendingMap().tailMap(Age.parse(cursor), false);
      List<Memory> page = new ArrayList<>(limit);
      Age last = null;
      boolean more = false;
      for (Map.Entry<Age, Long> e : newer.entrySet()) {
        if (page.size() == limit) {
          more = true;
          break;
        }
        Memory m = records.read(space, e.getValue());
        if (m != null) {
          page.add(m);
          last = e.getKey();
        }
      }
      return new MemoryPage(page, more ? last.cursor() : null);
    }
  }

  public Memory get(String agentId, String id) throws IOException {
    try (OpenSpaces.Lease lease = lease(agentId, null)) {
      Space space = lease.space();
      Memory m = records.read(space, space.seqOf(id));
      if (m == null) {
        throw space.noMemory(id);
      }
      return m;
    }
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
    float[] vector = text == null ? null : records.embedOne(text);
    try (OpenSpaces.Lease lease = lease(agentId, null)) {
      Space space = lease.space();
      synchronized (space) {
        space.checkLive();
        long seq = space.seqOf(id);
        Memory old = records.read(space, seq);
        if (old == null) {
          throw space.noMemory(id);
        }
        Memory changed = new Memory(old.id(), text == null ? old.text() : text, metadata == null ? old.metadata() : metadata.copy(),
            old.createdAt());
        float[] indexed = text == null && denseEnabled() ? storedVector(space, seq, old) : vector;
        WriteBatch batch = new WriteBatch();
        records.putMemory(batch, space, changed, vector); // a vector only for a new text: the stored one stays
        long written = records.write(space, batch, null);
        space.indexed(seq, changed, indexed);
        space.applied(written);
        return changed;
      }
    }
  }

  /** The stored vector of an unchanged memory, computed now if the model changed since. */
  private float[] storedVector(Space space, long seq, Memory memory) throws IOException {
    float[] vector = records.storedVector(space, seq);
    return vector != null ? vector : records.embedOne(memory.text());
  }

  /** Deletes one memory (and its history, if it replaced others); false if there was none. */
  public boolean delete(String agentId, String id) throws IOException {
    try (OpenSpaces.Lease lease = lease(agentId, null)) {
      Space space = lease.space();
      synchronized (space) {
        space.checkLive();
        long seq = MemoryKeys.seq(id);
        if (seq < 0 || !space.ages.containsKey(seq)) {
          return false;
        }
        WriteBatch batch = new WriteBatch();
        records.deleteMemory(batch, space, seq);
        long written = records.write(space, batch, null);
        space.removed(seq);
        space.applied(written);
        return true;
      }
    }
  }

  /** The memories a compressed memory replaced, oldest first; empty for a memory that replaced none. */
  public List<Memory> history(String agentId, String id) throws IOException {
    try (OpenSpaces.Lease lease = lease(agentId, null)) {
      Space space = lease.space();
      return records.history(space, space.seqOf(id));
    }
  }

  // ---- search and compression

  /** The memories that best match {@code query}, best first; an empty list for an empty space. */
  public List<SearchHit> search(String agentId, SearchQuery query) throws IOException {
    try (OpenSpaces.Lease lease = lease(agentId, null)) {
      return search.search(lease.space(), query);
    }
  }

  /**
   * Rewrites the coldest memories of the agent's space (those searches matched least, by {@link Heat}) into
   * one shorter memory through the LLM at {@code endpoint} (null: the space's compressor, else the default
   * endpoint). The replacement is one atomic batch; the originals stay readable through {@link #history}.
   * Replaces nothing when the space holds fewer than two memories.
   *
   * @throws CompressionException if the LLM fails, or the chosen memories change while it works
   */
  public Compression compress(String agentId, String endpoint) throws IOException {
    try (OpenSpaces.Lease lease = lease(agentId, null)) {
      String url = compression.endpoint(lease.space(), endpoint);
      if (url == null) {
        throw new IllegalArgumentException("no endpoint: give one, or set the agent's compressor first");
      }
      return compression.compress(lease.space(), url, false);
    }
  }

  /**
   * What the background compression does to one space: if the share of its memories that are cold passes
   * {@code coldRatio} and it has an endpoint, rewrites its coldest cold memories; otherwise nothing.
   */
  public Compression compressIfCold(String agentId, double coldRatio) throws IOException {
    try (OpenSpaces.Lease lease = lease(agentId, null)) {
      Space space = lease.space();
      String url = compression.endpoint(space, null);
      if (url == null || compression.coldShare(space) < coldRatio) {
        return new Compression(0, null);
      }
      return compression.compress(space, url, true);
    }
  }

  // ---- open spaces

  /**
   * The agent's space, leased; {@code createCapacity} non-null creates a missing space with that capacity.
   */
  private OpenSpaces.Lease lease(String agentId, Long createCapacity) throws IOException {
    byte[] agent = MemoryKeys.agentBytes(agentId);
    if (createCapacity != null && !engine.contains(MemoryKeys.space(agent))) {
      checkCapacity(createCapacity);
      synchronized (registry) {
        if (!engine.contains(MemoryKeys.space(agent))) {
          create(agentId, agent, createCapacity);
        }
      }
    }
    return spaces.lease(agentId);
  }

  /** Creates a space; the caller holds {@link #registry}. */
  private void create(String agentId, byte[] agent, long capacity) throws IOException {
    records.create(agent, new MemoryCodec.SpaceRecord(capacity, options.clock().getAsLong(), 1, null, CompressionPolicy.NONE));
    spaces.forget(agentId, false); // an open that found no space, still cached
  }

  /** Stores a space's changed heat and commits its index. */
  private void checkpoint(Space space) throws IOException {
    try {
      synchronized (space) {
        records.storeHeat(space);
      }
    } finally {
      space.index.commit(space.indexedSeq());
    }
  }

  /**
   * Forgets what is open of one space: its records changed without this service (a cluster's copies,
   * written by replication). The next use opens it again, catching its index up with the records.
   */
  public void reload(String agentId) {
    spaces.forget(agentId, false);
  }

  /** Stores every open space's heat and commits its index (done every {@link MemoryOptions#checkpointEvery}). */
  public void checkpoint() {
    spaces.checkpointAll();
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

  /** Stores every open space's heat, commits its index and closes it. */
  @Override
  public void close() {
    spaces.close();
  }
}
