package io.comdb.search;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Text to vectors, in process: a quantized sentence-embedding model shipped in a Maven artifact and run by
 * ONNX Runtime in the JVM, no network. Vectors are unit length.
 */
public final class Embedder {
  /** The models ComDB ships, by the name the configuration uses. */
  public static final List<String> MODELS = List.of("bge-small-en-v15", "all-minilm-l6-v2");

  private final String name;
  private final EmbeddingModel model;
  /** BGE embeds queries with an instruction prefix, passages without (the model card's retrieval usage). */
  private final String queryPrefix;

  private Embedder(String name, EmbeddingModel model, String queryPrefix) {
    this.name = name;
    this.model = model;
    this.queryPrefix = queryPrefix;
  }

  /** Loads the model named {@code name}, one of {@link #MODELS}; takes a second or two. */
  public static Embedder load(String name) {
    switch (name) {
      case "bge-small-en-v15":
        return new Embedder(name, new BgeSmallEnV15QuantizedEmbeddingModel(),
            "Represent this sentence for searching relevant passages: ");
      case "all-minilm-l6-v2":
        return new Embedder(name, new AllMiniLmL6V2QuantizedEmbeddingModel(), "");
      default:
        throw new IllegalArgumentException("embedding model must be one of " + MODELS + ", got '" + name + "'");
    }
  }

  /** The model's name, stored with each vector. */
  public String model() {
    return name;
  }

  /** The vectors of memory texts, in order. */
  public List<float[]> embedPassages(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String text : texts) {
      segments.add(TextSegment.from(text));
    }
    List<Embedding> embeddings = model.embedAll(segments).content();
    List<float[]> vectors = new ArrayList<>(embeddings.size());
    for (Embedding e : embeddings) {
      vectors.add(unit(e.vector()));
    }
    return vectors;
  }

  /** The vector of a search query. */
  public float[] embedQuery(String query) {
    return unit(model.embed(queryPrefix + query).content().vector());
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float f : v) {
      norm += f * f;
    }
    if (norm == 0) {
      return v;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    return v;
  }
}
