package io.comdb.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Search in one space: the lexical and dense rankings of its index, spread to neighbours in time, fused,
 * raised where the query names when ({@link TimeHints}) and weighted by recency ({@link Ranking}); each
 * memory returned gains heat.
 */
final class MemorySearch {
  private final MemoryRecords records;
  private final MemoryOptions options;

  MemorySearch(MemoryRecords records, MemoryOptions options) {
    this.records = records;
    this.options = options;
  }

  List<SearchHit> search(Space space, SearchQuery query) throws IOException {
    boolean dense = options.embedder() != null;
    SearchMode mode = query.mode() != null ? query.mode() : dense ? SearchMode.HYBRID : SearchMode.BM25;
    if (mode != SearchMode.BM25 && !dense) {
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
    TimeHints.of(query.query()).raise(relevance, created);
    long now = options.clock().getAsLong();
    List<Ranking.Scored> scored = Ranking.score(relevance, created, query.recency(), now,
        options.recencyHalfLife().toMillis(), query.minScore());
    List<SearchHit> hits = new ArrayList<>(Math.min(query.k(), scored.size()));
    for (Ranking.Scored s : scored) {
      if (hits.size() == query.k()) {
        break;
      }
      Memory m = records.read(space, s.seq());
      if (m != null) {
        hits.add(new SearchHit(m, s.score()));
        space.heated(s.seq(), s.score(), now);
      }
    }
    return hits;
  }

  /** The ranking {@link Ranking#spread} to neighbours in time; as it is when the search is filtered. */
  private List<Ranking.Candidate> spread(Space space, List<Ranking.Candidate> ranking, SearchQuery query, boolean candidatesOnly) {
    if (options.neighbourWeight() == 0 || !query.filter().isEmpty()) {
      return ranking; // a neighbour need not pass the filter
    }
    return Ranking.spread(ranking, space::neighbours, options.neighbourWeight(), candidatesOnly);
  }
}
