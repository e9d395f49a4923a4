package io.comdb.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingTest {
  private static Ranking.Candidate c(long seq, double score) {
    return new Ranking.Candidate(seq, score);
  }

  @Test
  void oneRankingKeepsItsScoresTwoAreFusedByReciprocalRank() {
    assertThat(Ranking.relevance(List.of(List.of(c(1, 7.5), c(2, 3))))).isEqualTo(Map.of(1L, 7.5, 2L, 3.0));
    Map<Long, Double> fused = Ranking.relevance(List.of(List.of(c(1, 9), c(2, 8), c(3, 1)), List.of(c(3, 0.9), c(2, 0.8))));
    assertThat(fused.get(2L)).isCloseTo(1.0 / 62 + 1.0 / 62, within(1e-12));
    assertThat(fused.get(3L)).isCloseTo(1.0 / 63 + 1.0 / 61, within(1e-12));
    assertThat(fused.get(1L)).isCloseTo(1.0 / 61, within(1e-12));
    // 3 is first in one ranking and third in the other (just ahead of 2, second in both); 1 is in one only
    List<Ranking.Scored> order = Ranking.score(fused, Map.of(), 0, 0, 1, Double.NEGATIVE_INFINITY);
    assertThat(order).extracting(Ranking.Scored::seq).containsExactly(3L, 2L, 1L);
    assertThat(order.get(0).score()).isEqualTo(1.0);
  }

  @Test
  void recencyWeighsNewerMemoriesUp() {
    long day = 86_400_000L;
    Map<Long, Double> relevance = Map.of(1L, 1.0, 2L, 0.9);
    Map<Long, Long> created = Map.of(1L, 0L, 2L, 60 * day);
    assertThat(Ranking.score(relevance, created, 0, 60 * day, 30 * day, -1)).extracting(Ranking.Scored::seq).containsExactly(1L, 2L);
    List<Ranking.Scored> recent = Ranking.score(relevance, created, 0.5, 60 * day, 30 * day, -1);
    assertThat(recent).extracting(Ranking.Scored::seq).containsExactly(2L, 1L);
    assertThat(recent.get(1).score()).isCloseTo(0.5 * 1 + 0.5 * 0.25, within(1e-12));
    assertThat(Ranking.recency(10, 0, day)).isEqualTo(1.0); // created "in the future": new
  }

  @Test
  void minScoreDropsWeakResults() {
    assertThat(Ranking.score(Map.of(1L, 10.0, 2L, 2.0), Map.of(), 0, 0, 1, 0.5)).extracting(Ranking.Scored::seq).containsExactly(1L);
  }

  @Test
  void spreadCreditsNeighboursInTimeThatAlsoMatched() {
    // 5 matched best; its neighbour 6 matched weakly and rises above 2, which matched better but stands alone.
    List<Ranking.Candidate> ranking = List.of(c(5, 10), c(2, 6), c(6, 5), c(9, 0));
    Map<Long, List<Long>> neighbours = Map.of(5L, List.of(4L, 6L), 2L, List.of(1L, 3L), 6L, List.of(5L, 7L), 9L, List.of(8L));
    List<Ranking.Candidate> spread = Ranking.spread(ranking, neighbours::get, 0.5, true);
    assertThat(spread).extracting(Ranking.Candidate::seq).containsExactly(5L, 6L, 2L, 9L);
    assertThat(spread.get(1).score()).isCloseTo(0.5 + 0.5 * 1.0, within(1e-12));
    assertThat(spread.get(0).score()).isCloseTo(1.0 + 0.5 * 0.5, within(1e-12));
    // a dense ranking credits every neighbour: 4 (next to the best) joins between 2 and 9
    assertThat(Ranking.spread(ranking, neighbours::get, 0.5, false)).extracting(Ranking.Candidate::seq)
        .startsWith(5L, 6L, 2L, 4L);
  }
}
