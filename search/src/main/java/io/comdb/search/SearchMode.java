package io.comdb.search;

/** Which rankings a search uses. */
public enum SearchMode {
  /** Lexical only: Lucene BM25 over the analysed text. */
  BM25,
  /** Dense only: nearest embeddings in the HNSW graph. */
  DENSE,
  /** Both, fused by reciprocal rank. */
  HYBRID;

  public static SearchMode parse(String name) {
    for (SearchMode mode : values()) {
      if (mode.name().equalsIgnoreCase(name)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("mode must be one of bm25, dense, hybrid; got '" + name + "'");
  }
}
