package io.comdb.search;

import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.ReadView;
import io.comdb.engine.Versioned;
import io.comdb.engine.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.Analyzer;

/**
 * Opens a space: its persisted index, brought up to date with the engine's records. The index's last commit
 * names the engine sequence number it covers; the space record is rewritten by every change of the space,
 * so when its version is not newer, the index is current and opening it reads no record but the space's. Otherwise the
 * index catches up: memories stored but not indexed, or rewritten after the covered sequence, are indexed
 * again, and memories indexed but no longer stored are deleted from it. An index that is missing, of
 * another format or embedding model, unreadable, or that claims to cover more than the engine holds (a data
 * directory restored from a backup beside a newer index) is deleted and rebuilt from every record.
 *
 * <p>Index directories live under {@code <data dir>/memory-index/}, one per space, named by a hash of the
 * agent id.
 */
final class SpaceOpener {
  private static final System.Logger LOG = System.getLogger(SpaceOpener.class.getName());
  private static final int BATCH = 64;
  private static final long PROGRESS_EVERY = 10_000;

  private final MemoryRecords records;
  private final ReadView engine;
  private final Path root;
  private final Analyzer analyzer;
  private final MemoryOptions options;
  private final AtomicInteger catchingUp = new AtomicInteger();
  private final AtomicLong reindexed = new AtomicLong();
  private final AtomicLong rebuilt = new AtomicLong();

  SpaceOpener(MemoryRecords records, Path root, Analyzer analyzer, MemoryOptions options) {
    this.records = records;
    this.engine = records.engine;
    this.root = root;
    this.analyzer = analyzer;
    this.options = options;
  }

  /** The directory of the agent's index. */
  /**
   * Deletes the index directories of spaces that no longer exist (deleted while this node was down, or of
   * a partition a cluster node gave up): every directory under the root but those in {@code keep}. Run
   * before any space opens. Returns how many went.
   */
  int sweep(java.util.Set<Path> keep) throws IOException {
    if (!java.nio.file.Files.isDirectory(root)) {
      return 0;
    }
    int swept = 0;
    try (java.util.stream.Stream<Path> dirs = java.nio.file.Files.list(root)) {
      for (Path d : dirs.filter(java.nio.file.Files::isDirectory).toList()) {
        if (!keep.contains(d)) {
          SpaceIndex.delete(d);
          swept++;
        }
      }
    }
    return swept;
  }

  Path dir(byte[] agent) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(agent);
      return root.resolve(HexFormat.of().formatHex(hash, 0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Spaces whose index is catching up now. */
  int catchingUp() {
    return catchingUp.get();
  }

  /** Memories indexed again from their records since start, by catching up or rebuilding. */
  long reindexed() {
    return reindexed.get();
  }

  /** Indexes deleted and rebuilt from every record since start. */
  long rebuilt() {
    return rebuilt.get();
  }

  /**
   * The agent's space, its index current.
   *
   * @throws NotFoundException if the agent has no space
   */
  Space open(String agentId) throws IOException {
    byte[] agent = MemoryKeys.agentBytes(agentId);
    Versioned stored = engine.versioned(MemoryKeys.space(agent));
    if (stored == null) {
      throw new NotFoundException("agent '" + agentId + "' has no memory space");
    }
    Path dir = dir(agent);
    SpaceIndex index = openIndex(agentId, dir);
    try {
      if (index.coveredSeq() > engine.stats().lastSequence()) {
        index = rebuild(agentId, index, "it covers sequence " + index.coveredSeq() + ", newer than the engine's "
            + engine.stats().lastSequence());
      }
      Space space = new Space(agentId, agent, MemoryCodec.decodeSpace(stored.value()), index, options.heatHalfLife().toMillis());
      // What the index covers now: its commit, the space as read, and what catching up wrote.
      space.applied(Math.max(index.coveredSeq(), Math.max(stored.version(), catchUp(space, stored.version()))));
      index.forEachMemory(space::aged);
      records.loadHeat(space);
      index.commit(space.indexedSeq());
      return space;
    } catch (IOException | RuntimeException e) {
      index.close();
      throw e;
    }
  }

  private SpaceIndex openIndex(String agentId, Path dir) throws IOException {
    try {
      return SpaceIndex.open(dir, analyzer, model());
    } catch (SpaceIndex.Unusable e) {
      LOG.log(System.Logger.Level.WARNING, "memory index of agent ''{0}'' is rebuilt: {1}", agentId, e.getMessage());
      return wipe(dir);
    }
  }

  private SpaceIndex rebuild(String agentId, SpaceIndex index, String why) throws IOException {
    LOG.log(System.Logger.Level.WARNING, "memory index of agent ''{0}'' is rebuilt: {1}", agentId, why);
    index.close();
    return wipe(index.dir());
  }

  private SpaceIndex wipe(Path dir) throws IOException {
    rebuilt.incrementAndGet();
    SpaceIndex.delete(dir);
    try {
      return SpaceIndex.open(dir, analyzer, model());
    } catch (SpaceIndex.Unusable e) {
      throw new IOException("cannot create a memory index in " + dir + ": " + e.getMessage(), e);
    }
  }

  private String model() {
    return options.embedder() == null ? "off" : options.embedder().model();
  }

  /**
   * Brings the space's index up to its records: returns the sequence number of the last batch it wrote (the
   * vectors of memories that had none of the current model), or -1.
   */
  private long catchUp(Space space, long spaceVersion) throws IOException {
    long covered = space.index.coveredSeq();
    if (covered >= 0 && spaceVersion <= covered) {
      return -1; // nothing changed the space since the commit
    }
    List<Long> indexedList = new ArrayList<>();
    space.index.forEachMemory((seq, createdAt) -> indexedList.add(seq));
    long[] indexed = indexedList.stream().mapToLong(Long::longValue).sorted().toArray();
    boolean[] present = new boolean[indexed.length];
    List<Long> stale = new ArrayList<>();
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(MemoryKeys.prefix(MemoryKeys.MEMORY, space.agent)))) {
      for (; it.isValid(); it.next()) {
        long seq = MemoryKeys.seqOf(it.key());
        int at = Arrays.binarySearch(indexed, seq);
        if (at >= 0) {
          present[at] = true;
        }
        if (at < 0 || newerThan(it.key(), covered)) {
          stale.add(seq);
        }
      }
    }
    int deleted = 0;
    for (int i = 0; i < indexed.length; i++) {
      if (!present[i]) {
        space.index.delete(indexed[i]);
        deleted++;
      }
    }
    if (stale.isEmpty()) {
      return -1;
    }
    catchingUp.incrementAndGet();
    long start = System.nanoTime();
    LOG.log(System.Logger.Level.INFO, "memory index of agent ''{0}'' catches up: {1} memories to index, {2} deleted (index at sequence {3}, space at {4})",
        space.agentId, stale.size(), deleted, covered, spaceVersion);
    try {
      long lastWrite = -1;
      long report = PROGRESS_EVERY;
      for (int from = 0; from < stale.size(); from += BATCH) {
        int to = Math.min(stale.size(), from + BATCH);
        lastWrite = Math.max(lastWrite, index(space, stale.subList(from, to)));
        if (to >= report && to < stale.size()) {
          report += PROGRESS_EVERY;
          LOG.log(System.Logger.Level.INFO, "memory index of agent ''{0}'': {1} of {2} memories indexed", space.agentId, to, stale.size());
        }
      }
      LOG.log(System.Logger.Level.INFO, "memory index of agent ''{0}'' caught up: {1} memories in {2} ms",
          space.agentId, stale.size(), (System.nanoTime() - start) / 1_000_000);
      return lastWrite;
    } finally {
      catchingUp.decrementAndGet();
    }
  }

  private boolean newerThan(byte[] key, long covered) throws IOException {
    Versioned v = engine.versioned(key);
    return v == null || v.version() > covered;
  }

  /** Indexes memories from their records, embedding those with no vector of the current model. */
  private long index(Space space, List<Long> seqs) throws IOException {
    List<Memory> memories = new ArrayList<>(seqs.size());
    List<float[]> vectors = new ArrayList<>(seqs.size());
    List<Integer> missing = new ArrayList<>();
    for (long seq : seqs) {
      Memory m = records.read(space, seq);
      if (m == null) {
        continue; // deleted meanwhile, by a cluster's replication
      }
      memories.add(m);
      float[] vector = options.embedder() == null ? null : records.storedVector(space, seq);
      if (options.embedder() != null && vector == null) {
        missing.add(memories.size() - 1);
      }
      vectors.add(vector);
    }
    long seq = -1;
    if (!missing.isEmpty()) {
      List<float[]> embedded = records.embed(missing.stream().map(i -> memories.get(i).text()).toList());
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < missing.size(); i++) {
        int at = missing.get(i);
        vectors.set(at, embedded.get(i));
        records.putVector(batch, space, MemoryKeys.seq(memories.get(at).id()), embedded.get(i));
      }
      synchronized (space) {
        seq = records.write(space, batch, null);
      }
    }
    for (int i = 0; i < memories.size(); i++) {
      space.index.put(MemoryKeys.seq(memories.get(i).id()), memories.get(i), vectors.get(i));
    }
    reindexed.addAndGet(memories.size());
    return seq;
  }
}
