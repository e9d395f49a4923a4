package io.comdb.search;

/** A memory a search found, with its score: higher is better, see {@link Ranking}. */
public record SearchHit(Memory memory, double score) {}
