package io.comdb.search;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The search index of one memory space: Lucene in memory, derived from the engine's records (rebuilt at
 * start-up, updated after every committed change). One document per memory: its analysed text (BM25),
 * its metadata terms and creation time (filters), and its embedding in an HNSW graph when dense search is
 * on. Thread-safe; a search sees every change made before it began.
 */
final class SpaceIndex implements Closeable {
  private static final String ID = "id";
  private static final String SEQ = "seq";
  private static final String TEXT = "text";
  private static final String META = "meta";
  private static final String CREATED = "created";
  private static final String VECTOR = "vector";
  /** Lucene's limit on the clauses of one query. */
  private static final int MAX_TERMS = IndexSearcher.getMaxClauseCount() - 8;

  private final Analyzer analyzer;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private volatile boolean stale;

  SpaceIndex(Analyzer analyzer) {
    this.analyzer = analyzer;
    try {
      IndexWriterConfig config = new IndexWriterConfig(analyzer)
          .setSimilarity(new BM25Similarity())
          .setCommitOnClose(false)
          .setRAMBufferSizeMB(32);
      writer = new IndexWriter(new ByteBuffersDirectory(), config);
      searchers = new SearcherManager(writer, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds or replaces the memory's document. */
  void put(long seq, Memory memory, float[] vector) {
    Document doc = new Document();
    String id = MemoryKeys.id(seq);
    doc.add(new StringField(ID, id, Field.Store.NO));
    doc.add(new StoredField(SEQ, seq));
    doc.add(new TextField(TEXT, memory.text(), Field.Store.NO));
    for (String term : MetadataTerms.terms(memory.metadata())) {
      doc.add(new StringField(META, term, Field.Store.NO));
    }
    doc.add(new LongPoint(CREATED, memory.createdAt()));
    if (vector != null) {
      doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    }
    try {
      writer.updateDocument(new Term(ID, id), doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    stale = true;
  }

  void delete(long seq) {
    try {
      writer.deleteDocuments(new Term(ID, MemoryKeys.id(seq)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    stale = true;
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
      if (stale) {
        stale = false;
        searchers.maybeRefreshBlocking();
      }
      IndexSearcher searcher = searchers.acquire();
      try {
        TopDocs top = searcher.search(query, n);
        List<Ranking.Candidate> candidates = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc hit : top.scoreDocs) {
          long seq = searcher.storedFields().document(hit.doc).getField(SEQ).numericValue().longValue();
          candidates.add(new Ranking.Candidate(seq, hit.score));
        }
        return candidates;
      } finally {
        searchers.release(searcher);
      }
    } catch (AlreadyClosedException e) {
      throw new NotFoundException("the memory space was deleted");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  @Override
  public void close() throws IOException {
    searchers.close();
    writer.rollback();
  }
}
