package io.comdb.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How search results are scored.
 *
 * <ul>
 *   <li>Each ranking (BM25, dense) gives up to 100 candidates in order, each credited with its neighbours
 *       in time ({@link #spread}, with the neighbour weight; then the score is the spread score).
 *   <li>One ranking alone scores by its own score; two are fused by their scores, each ranking's first
 *       normalized to [0, 1] (min to max), then summed (CombSUM). On LoCoMo this beat reciprocal rank
 *       fusion by 0.02 to 0.03 of recall: it keeps how far ahead a strong match is, which ranks alone lose.
 *   <li>A query that names a month or a year raises the memories created then ({@link TimeHints}).
 *   <li>Relevance is that score divided by the best candidate's, so the best is 1.
 *   <li>The score is {@code (1 - recency) * relevance + recency * 0.5^(age / halfLife)}.
 * </ul>
 */
final class Ranking {
  private Ranking() {}

  /** How far in time {@link #spread} credits: the neighbours, and theirs at half the weight. */
  static final int NEIGHBOUR_STEPS = 2;

  /** A candidate of one ranking: the memory's sequence number and the ranking's score. */
  record Candidate(long seq, double score) {}

  /** A scored result. */
  record Scored(long seq, double score) {}

  /** One relevance per candidate: the ranking's own score when there is one ranking, fused scores otherwise. */
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
      double max = ranking.get(0).score();
      double min = ranking.get(ranking.size() - 1).score();
      for (Candidate c : ranking) {
        relevance.merge(c.seq(), max > min ? (c.score() - min) / (max - min) : 1, Double::sum);
      }
    }
    return relevance;
  }

  /**
   * One ranking with each memory credited {@code weight} times the score of its neighbours in time, and half
   * that for the memories two steps away, scores first normalized to [0, 1] over the ranking (min to max);
   * re-sorted, best first. Memories written together share context (the turns of a conversation): a turn
   * near one that matches well is likely part of the answer. With {@code candidatesOnly} only the ranking's own candidates are credited, so that
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
      Set<Long> reached = new HashSet<>();
      reached.add(e.getKey());
      List<Long> ring = List.of(e.getKey());
      double credit = weight * e.getValue();
      for (int step = 1; step <= NEIGHBOUR_STEPS; step++, credit /= 2) {
        List<Long> next = new ArrayList<>();
        for (long r : ring) {
          for (long n : neighbours.apply(r)) {
            if (reached.add(n)) {
              next.add(n);
              if (!candidatesOnly || own.containsKey(n)) {
                spread.merge(n, credit, Double::sum);
              }
            }
          }
        }
        ring = next;
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
