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
  void oneRankingKeepsItsScoresTwoAreFusedByTheirNormalizedScores() {
    assertThat(Ranking.relevance(List.of(List.of(c(1, 7.5), c(2, 3))))).isEqualTo(Map.of(1L, 7.5, 2L, 3.0));
    Map<Long, Double> fused = Ranking.relevance(List.of(List.of(c(1, 9), c(2, 8), c(3, 1)), List.of(c(3, 0.9), c(2, 0.8), c(4, 0.4))));
    assertThat(fused.get(1L)).isCloseTo(1.0, within(1e-12)); // first of one ranking, absent from the other
    assertThat(fused.get(2L)).isCloseTo(7.0 / 8 + 0.4 / 0.5, within(1e-12));
    assertThat(fused.get(3L)).isCloseTo(0 + 1.0, within(1e-12));
    assertThat(fused.get(4L)).isCloseTo(0, within(1e-12));
    // 2 is close to the top in both; 3 and 1 are each first in one ranking only
    List<Ranking.Scored> order = Ranking.score(fused, Map.of(), 0, 0, 1, Double.NEGATIVE_INFINITY);
    assertThat(order).extracting(Ranking.Scored::seq).startsWith(2L);
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
    Map<Long, List<Long>> neighbours = Map.of(5L, List.of(4L, 6L), 2L, List.of(1L, 3L), 6L, List.of(5L, 7L), 9L, List.of(8L),
        4L, List.of(3L, 5L), 7L, List.of(6L, 8L), 1L, List.of(2L), 3L, List.of(2L, 4L), 8L, List.of(7L, 9L));
    List<Ranking.Candidate> spread = Ranking.spread(ranking, neighbours::get, 0.5, true);
    assertThat(spread).extracting(Ranking.Candidate::seq).containsExactly(5L, 6L, 2L, 9L);
    assertThat(spread.get(1).score()).isCloseTo(0.5 + 0.5 * 1.0, within(1e-12));
    assertThat(spread.get(0).score()).isCloseTo(1.0 + 0.5 * 0.5, within(1e-12));
    // a dense ranking credits every neighbour, and theirs at half: 4, next to the best and two steps from 6
    // and 2, rises above 2; 7, two steps from 5 and next to 6, gets 5's half credit and 6's full one
    List<Ranking.Candidate> dense = Ranking.spread(ranking, neighbours::get, 0.5, false);
    assertThat(dense).extracting(Ranking.Candidate::seq).startsWith(5L, 6L, 4L, 2L);
    assertThat(dense.get(2).score()).isCloseTo(0.5 * 1.0 + 0.25 * 0.5 + 0.25 * 0.6, within(1e-12));
    assertThat(dense.stream().filter(x -> x.seq() == 7L).findFirst().orElseThrow().score())
        .isCloseTo(0.25 * 1.0 + 0.5 * 0.5, within(1e-12));
  }

  @Test
  void aQueryThatNamesAMonthOrAYearRaisesTheMemoriesOfThen() {
    long june2023 = java.time.Instant.parse("2023-06-20T10:00:00Z").toEpochMilli();
    long july2023 = java.time.Instant.parse("2023-07-02T10:00:00Z").toEpochMilli();
    long march2023 = java.time.Instant.parse("2023-03-02T10:00:00Z").toEpochMilli();
    long june2022 = java.time.Instant.parse("2022-06-02T10:00:00Z").toEpochMilli();
    TimeHints june = TimeHints.of("When did Melanie go camping in June?");
    assertThat(june.matches(june2023)).isTrue();
    assertThat(june.matches(july2023)).as("told the month after").isTrue();
    assertThat(june.matches(june2022)).as("no year named: any June").isTrue();
    assertThat(june.matches(march2023)).isFalse();
    assertThat(TimeHints.of("What happened in June 2022?").matches(june2023)).isFalse();
    assertThat(TimeHints.of("What did she do in 2022?").matches(june2022)).isTrue();
    assertThat(TimeHints.of("What did she do in 2022?").matches(june2023)).isFalse();
    assertThat(TimeHints.of("When did Ana go to Lisbon in December?").matches(java.time.Instant.parse("2024-01-05T00:00:00Z").toEpochMilli())).isTrue();

    java.util.HashMap<Long, Double> relevance = new java.util.HashMap<>(Map.of(1L, 1.0, 2L, 0.8));
    june.raise(relevance, Map.of(1L, march2023, 2L, june2023));
    assertThat(relevance).isEqualTo(Map.of(1L, 1.0, 2L, 0.8 + TimeHints.RAISE));
    java.util.HashMap<Long, Double> untouched = new java.util.HashMap<>(Map.of(1L, 1.0, 2L, 0.8));
    TimeHints.of("what may she like?").raise(untouched, Map.of(1L, march2023, 2L, june2023)); // "may": the verb
    assertThat(untouched).isEqualTo(Map.of(1L, 1.0, 2L, 0.8));
  }
}
