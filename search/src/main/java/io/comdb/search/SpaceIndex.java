package io.comdb.search;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.Bits;

/**
 * The search index of one memory space: a Lucene index in its own directory, memory-mapped, derived from
 * the engine's records. One document per memory: its analysed text (BM25), its metadata terms and creation
 * time (filters), its sequence number and creation time as doc values, and its embedding in an HNSW graph
 * when dense search is on.
 *
 * <p>Each commit records the engine sequence number it covers ({@link #coveredSeq}): every record of the
 * space up to that sequence is reflected in the committed index. The commit also names the index format
 * and the embedding model; an index of another format or model is {@link #open opened} empty, to be
 * rebuilt. Thread-safe; a search sees every change made before it began.
 */
final class SpaceIndex implements Closeable {
  /** Raised by {@link #open} when the directory holds an index that cannot be used; the caller rebuilds. */
  static final class Unusable extends Exception {
    Unusable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The version of what this class writes, with the analysis of {@link TextAnalyzer}; an index of another
   * version is rebuilt. 2: Snowball's stop words.
   */
  static final String FORMAT = "2";
  private static final String FORMAT_KEY = "comdb.format";
  private static final String MODEL_KEY = "comdb.model";
  private static final String COVERED_KEY = "comdb.covered";
  private static final String ID = "id";
  private static final String SEQ = "seq";
  private static final String TEXT = "text";
  private static final String META = "meta";
  private static final String CREATED = "created";
  private static final String VECTOR = "vector";
  /** Lucene's limit on the clauses of one query. */
  private static final int MAX_TERMS = IndexSearcher.getMaxClauseCount() - 8;

  private final Path dir;
  private final Analyzer analyzer;
  private final String model;
  private final Directory directory;
  /** Opened by the first change: a space that is only searched holds no writer (and no write lock). */
  private IndexWriter writer;
  private volatile SearcherManager searchers;
  /** What the last commit covers; see {@link #coveredSeq}. */
  private volatile long coveredSeq;
  private volatile boolean stale;
  private volatile boolean changed;
  private boolean closed;

  private SpaceIndex(Path dir, Analyzer analyzer, String model, Directory directory, long coveredSeq) throws IOException {
    this.dir = dir;
    this.analyzer = analyzer;
    this.model = model;
    this.directory = directory;
    this.coveredSeq = coveredSeq;
    if (coveredSeq < 0 && !DirectoryReader.indexExists(directory)) {
      writer(); // a new index: the writer creates it
    } else {
      this.searchers = new SearcherManager(directory, null);
    }
  }

  /** The index's writer, opened now if it is not; searches then see its changes before they are committed. */
  private synchronized IndexWriter writer() throws IOException {
    if (writer == null) {
      // Few segments: a vector search walks one HNSW graph per segment, and a space's index gets a small
      // segment at every refresh and commit (4 segments instead of 21 made 10,000-vector searches 3x faster).
      TieredMergePolicy merges = new TieredMergePolicy().setSegmentsPerTier(4).setFloorSegmentMB(8);
      IndexWriterConfig config = new IndexWriterConfig(analyzer)
          .setSimilarity(new BM25Similarity())
          .setCommitOnClose(false)
          .setRAMBufferSizeMB(16)
          .setMergePolicy(merges);
      writer = new IndexWriter(directory, config);
      SearcherManager readOnly = searchers;
      searchers = new SearcherManager(writer, null);
      if (readOnly != null) {
        readOnly.close(); // searches that hold one of its searchers release it to it, as before
      }
    }
    return writer;
  }

  /**
   * The index in {@code dir} (created if missing) for memories embedded with {@code model} ("off" for none).
   *
   * @throws Unusable if the directory holds an index of another format or model, or one Lucene cannot read
   */
  static SpaceIndex open(Path dir, Analyzer analyzer, String model) throws IOException, Unusable {
    Files.createDirectories(dir);
    Directory directory = new MMapDirectory(dir);
    long covered = -1;
    try {
      if (DirectoryReader.indexExists(directory)) {
        Map<String, String> data;
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
          data = reader.getIndexCommit().getUserData();
        }
        if (!FORMAT.equals(data.get(FORMAT_KEY)) || !model.equals(data.get(MODEL_KEY))) {
          throw new Unusable("an index of format " + data.get(FORMAT_KEY) + " and model " + data.get(MODEL_KEY)
              + "; this server writes format " + FORMAT + " with model " + model, null);
        }
        covered = Long.parseLong(data.getOrDefault(COVERED_KEY, "-1"));
      }
      return new SpaceIndex(dir, analyzer, model, directory, covered);
    } catch (Unusable e) {
      directory.close();
      throw e;
    } catch (org.apache.lucene.store.LockObtainFailedException e) {
      directory.close();
      throw e; // another process or service uses it: not a reason to wipe it
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw new Unusable("an index Lucene cannot open (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** Deletes the directory of an index, closed or never opened, with everything in it. */
  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The engine sequence number the last commit covers, or -1 for an index never committed. */
  long coveredSeq() {
    return coveredSeq;
  }

  Path dir() {
    return dir;
  }

  /** Adds or replaces the memory's document. */
  void put(long seq, Memory memory, float[] vector) {
    Document doc = new Document();
    String id = MemoryKeys.id(seq);
    doc.add(new StringField(ID, id, Field.Store.NO));
    doc.add(new NumericDocValuesField(SEQ, seq));
    doc.add(new TextField(TEXT, memory.text(), Field.Store.NO));
    for (String term : MetadataTerms.terms(memory.metadata())) {
      doc.add(new StringField(META, term, Field.Store.NO));
    }
    doc.add(new LongPoint(CREATED, memory.createdAt()));
    doc.add(new NumericDocValuesField(CREATED, memory.createdAt()));
    if (vector != null) {
      doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    }
    try {
      writer().updateDocument(new Term(ID, id), doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    touched();
  }

  void delete(long seq) {
    try {
      writer().deleteDocuments(new Term(ID, MemoryKeys.id(seq)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    touched();
  }

  private void touched() {
    stale = true;
    changed = true;
  }

  /** Calls {@code each} with the sequence number and creation time of every memory indexed. */
  void forEachMemory(AgeConsumer each) throws IOException {
    withSearcher(searcher -> {
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        NumericDocValues seqs = leaf.reader().getNumericDocValues(SEQ);
        NumericDocValues created = leaf.reader().getNumericDocValues(CREATED);
        if (seqs == null) {
          continue;
        }
        Bits live = leaf.reader().getLiveDocs();
        for (int doc = seqs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = seqs.nextDoc()) {
          if (live == null || live.get(doc)) {
            long createdAt = created.advanceExact(doc) ? created.longValue() : 0;
            each.accept(seqs.longValue(), createdAt);
          }
        }
      }
      return null;
    });
  }

  /** Receives one indexed memory. */
  @FunctionalInterface
  interface AgeConsumer {
    void accept(long seq, long createdAt);
  }

  /** The best {@code n} BM25 matches of {@code text}'s terms among the memories {@code filter} admits. */
  List<Ranking.Candidate> lexical(String text, MemoryFilter filter, int n) {
    Set<String> terms = analyze(text);
    if (terms.isEmpty()) {
      return List.of();
    }
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    for (String term : terms) {
      any.add(new TermQuery(new Term(TEXT, term)), BooleanClause.Occur.SHOULD);
    }
    return search(filtered(any.build(), filter), n);
  }

  /** The {@code n} memories nearest {@code vector} (unit length) among those {@code filter} admits. */
  List<Ranking.Candidate> dense(float[] vector, MemoryFilter filter, int n) {
    Query admitted = filter.isEmpty() ? null : filtered(null, filter);
    return search(new KnnFloatVectorQuery(VECTOR, vector, n, admitted), n);
  }

  private List<Ranking.Candidate> search(Query query, int n) {
    try {
      return withSearcher(searcher -> {
        TopDocs top = searcher.search(query, n);
        List<Ranking.Candidate> candidates = new ArrayList<>(top.scoreDocs.length);
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        for (ScoreDoc hit : top.scoreDocs) {
          LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
          NumericDocValues seqs = leaf.reader().getNumericDocValues(SEQ);
          if (seqs != null && seqs.advanceExact(hit.doc - leaf.docBase)) {
            candidates.add(new Ranking.Candidate(seqs.longValue(), hit.score));
          }
        }
        return candidates;
      });
    } catch (AlreadyClosedException e) {
      throw new NotFoundException("the memory space was deleted");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A searcher of {@code manager}. If the first change replaced it meanwhile (the read-only manager closes
   * when the writer's takes over), the caller tries again with the current one.
   */
  private IndexSearcher acquire(SearcherManager manager) throws IOException {
    if (stale) {
      stale = false;
      manager.maybeRefreshBlocking();
    }
    return manager.acquire();
  }

  /** Runs {@code use} on a current searcher. */
  private <T> T withSearcher(SearcherUse<T> use) throws IOException {
    while (true) {
      SearcherManager manager = searchers;
      IndexSearcher searcher;
      try {
        searcher = acquire(manager);
      } catch (AlreadyClosedException e) {
        if (manager != searchers) {
          continue; // replaced by the writer's manager
        }
        throw e;
      }
      try {
        return use.apply(searcher);
      } finally {
        manager.release(searcher);
      }
    }
  }

  @FunctionalInterface
  private interface SearcherUse<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  /** {@code query} (null: every memory) limited to the memories {@code filter} admits. */
  private static Query filtered(Query query, MemoryFilter filter) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    if (query != null) {
      b.add(query, BooleanClause.Occur.MUST);
    }
    for (Map.Entry<String, Object> e : filter.metadata().entrySet()) {
      b.add(new TermQuery(new Term(META, MetadataTerms.term(e.getKey(), e.getValue()))), BooleanClause.Occur.FILTER);
    }
    if (filter.createdFrom() != null || filter.createdTo() != null) {
      long from = filter.createdFrom() == null ? Long.MIN_VALUE : filter.createdFrom();
      long to = filter.createdTo() == null ? Long.MAX_VALUE : filter.createdTo();
      b.add(LongPoint.newRangeQuery(CREATED, from, to), BooleanClause.Occur.FILTER);
    }
    if (query == null && filter.isEmpty()) {
      return null;
    }
    return b.build();
  }

  /** The distinct terms the analyzer makes of {@code text}, at most as many as one query may hold. */
  private Set<String> analyze(String text) {
    Set<String> terms = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken() && terms.size() < MAX_TERMS) {
        terms.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return terms;
  }

  /**
   * Makes every change so far durable, recorded as covering the engine's records up to {@code coveredSeq};
   * does nothing if nothing changed since the last commit. The caller promises that every record of the
   * space up to {@code coveredSeq} was applied to this index before the call.
   */
  void commit(long coveredSeq) throws IOException {
    if (!changed && coveredSeq == this.coveredSeq) {
      return;
    }
    changed = false;
    IndexWriter w = writer();
    w.setLiveCommitData(Map.of(FORMAT_KEY, FORMAT, MODEL_KEY, model, COVERED_KEY, Long.toString(coveredSeq)).entrySet());
    w.commit();
    this.coveredSeq = coveredSeq;
    stale = true; // the next search sees the segments merged since the last refresh
  }

  /** Closes without committing: what was not committed is rebuilt from the records at the next open. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      searchers.close();
      if (writer != null) {
        writer.rollback();
      }
    } finally {
      directory.close();
    }
  }
}
