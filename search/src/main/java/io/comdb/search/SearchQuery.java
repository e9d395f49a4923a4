package io.comdb.search;

import java.util.Objects;

/**
 * A search in one space.
 *
 * @param k the most results
 * @param recency weight of recency in the score, 0 (relevance only) to 1 (recency only)
 * @param minScore results scoring less are dropped
 * @param mode the rankings to use, or null for the service's default (hybrid when dense search is on)
 */
public record SearchQuery(String query, int k, MemoryFilter filter, double recency, double minScore, SearchMode mode) {
  public static final int MAX_K = 1000;

  public SearchQuery {
    Objects.requireNonNull(query, "query");
    filter = filter == null ? MemoryFilter.NONE : filter;
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be 1.." + MAX_K + ", got " + k);
    }
    if (!(recency >= 0 && recency <= 1)) {
      throw new IllegalArgumentException("recency must be 0..1, got " + recency);
    }
    if (Double.isNaN(minScore)) {
      throw new IllegalArgumentException("minScore must be a number");
    }
  }

  public static SearchQuery of(String query, int k) {
    return new SearchQuery(query, k, MemoryFilter.NONE, 0, Double.NEGATIVE_INFINITY, null);
  }

  public SearchQuery withMode(SearchMode m) {
    return new SearchQuery(query, k, filter, recency, minScore, m);
  }
}
