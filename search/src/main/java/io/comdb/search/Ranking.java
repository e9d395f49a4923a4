package io.comdb.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How search results are scored.
 *
 * <ul>
 *   <li>Each ranking (BM25, dense) gives up to 100 candidates in order, each credited with its neighbours
 *       in time ({@link #spread}, with the neighbour weight; then the score is the spread score).
 *   <li>One ranking alone scores by its own score;
 *       two are fused by reciprocal rank: {@code sum over rankings of 1 / (60 + rank)}, rank from 1.
 *   <li>Relevance is that score divided by the best candidate's, so the best is 1.
 *   <li>The score is {@code (1 - recency) * relevance + recency * 0.5^(age / halfLife)}.
 * </ul>
 */
final class Ranking {
  /** The constant of reciprocal rank fusion, as in Cormack, Clarke and Büttcher (SIGIR 2009). */
  static final int RRF_K = 60;

  private Ranking() {}

  /** A candidate of one ranking: the memory's sequence number and the ranking's score. */
  record Candidate(long seq, double score) {}

  /** A scored result. */
  record Scored(long seq, double score) {}

  /** One relevance per candidate: the ranking's own score when there is one ranking, fused ranks otherwise. */
  static Map<Long, Double> relevance(List<List<Candidate>> rankings) {
    Map<Long, Double> relevance = new HashMap<>();
    List<List<Candidate>> nonEmpty = rankings.stream().filter(r -> !r.isEmpty()).toList();
    if (nonEmpty.size() == 1) {
      for (Candidate c : nonEmpty.get(0)) {
        relevance.merge(c.seq(), c.score(), Math::max);
      }
      return relevance;
    }
    for (List<Candidate> ranking : nonEmpty) {
      for (int i = 0; i < ranking.size(); i++) {
        relevance.merge(ranking.get(i).seq(), 1.0 / (RRF_K + i + 1), Double::sum);
      }
    }
    return relevance;
  }

  /**
   * One ranking with each memory credited {@code weight} times the score of its neighbours in time, scores
   * first normalized to [0, 1] over the ranking (min to max); re-sorted, best first. Memories written
   * together share context (the turns of a conversation): a turn next to one that matches well is likely
   * part of the answer. With {@code candidatesOnly} only the ranking's own candidates are credited, so that
   * a BM25 search's results always hold a term of the query; dense and hybrid searches make no such
   * promise, and credit any neighbour.
   */
  static List<Candidate> spread(List<Candidate> ranking, Function<Long, List<Long>> neighbours, double weight,
      boolean candidatesOnly) {
    if (ranking.isEmpty()) {
      return ranking;
    }
    double max = ranking.get(0).score();
    double min = ranking.get(ranking.size() - 1).score();
    double range = max - min;
    Map<Long, Double> own = new HashMap<>();
    for (Candidate c : ranking) {
      own.merge(c.seq(), range > 0 ? (c.score() - min) / range : 1, Math::max);
    }
    Map<Long, Double> spread = new HashMap<>(own);
    for (Map.Entry<Long, Double> e : own.entrySet()) {
      for (long n : neighbours.apply(e.getKey())) {
        if (!candidatesOnly || own.containsKey(n)) {
          spread.merge(n, weight * e.getValue(), Double::sum);
        }
      }
    }
    List<Candidate> result = new ArrayList<>(spread.size());
    spread.forEach((seq, score) -> result.add(new Candidate(seq, score)));
    result.sort((a, b) -> Double.compare(b.score(), a.score()));
    return result;
  }

  /** {@code 0.5^(age / halfLife)}: 1 when new, never below 0; a creation time in the future counts as now. */
  static double recency(long createdAt, long now, long halfLifeMs) {
    long age = Math.max(0, now - createdAt);
    return Math.pow(0.5, (double) age / halfLifeMs);
  }

  /** The final scores, best first (ties: newer sequence first), without those under {@code minScore}. */
  static List<Scored> score(Map<Long, Double> relevance, Map<Long, Long> createdAt, double recencyWeight, long now,
      long halfLifeMs, double minScore) {
    double best = 0;
    for (double r : relevance.values()) {
      best = Math.max(best, r);
    }
    List<Scored> scored = new ArrayList<>(relevance.size());
    for (Map.Entry<Long, Double> e : relevance.entrySet()) {
      double rel = best > 0 ? e.getValue() / best : 0;
      double score = recencyWeight == 0 ? rel
          : (1 - recencyWeight) * rel + recencyWeight * recency(createdAt.getOrDefault(e.getKey(), now), now, halfLifeMs);
      if (score >= minScore) {
        scored.add(new Scored(e.getKey(), score));
      }
    }
    scored.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score()) : Long.compare(b.seq(), a.seq()));
    return scored;
  }
}
