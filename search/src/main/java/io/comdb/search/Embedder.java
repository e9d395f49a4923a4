package io.comdb.search;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Text to vectors, in process: a quantized sentence-embedding model shipped in a Maven artifact (langchain4j's)
 * and run by ONNX Runtime in the JVM, no network. Vectors are unit length. Texts are embedded many per ONNX
 * call ({@link BatchEncoder}); a text over the model's 512 tokens is embedded as langchain4j does, in parts
 * averaged, by the langchain4j model, loaded the first time one comes.
 */
public final class Embedder {
  /** The models ComDB ships, by the name the configuration uses. */
  public static final List<String> MODELS = List.of("bge-small-en-v15", "all-minilm-l6-v2");

  private final String name;
  private final BatchEncoder encoder;
  private final java.util.function.Supplier<EmbeddingModel> longTexts;
  private EmbeddingModel model;
  /** BGE embeds queries with an instruction prefix, passages without (the model card's retrieval usage). */
  private final String queryPrefix;

  private Embedder(String name, BatchEncoder encoder, java.util.function.Supplier<EmbeddingModel> longTexts, String queryPrefix) {
    this.name = name;
    this.encoder = encoder;
    this.longTexts = longTexts;
    this.queryPrefix = queryPrefix;
  }

  /** Loads the model named {@code name}, one of {@link #MODELS}; takes a second or two. */
  public static Embedder load(String name) {
    switch (name) {
      case "bge-small-en-v15":
        return new Embedder(name, new BatchEncoder("bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json", BatchEncoder.Pooling.CLS),
            BgeSmallEnV15QuantizedEmbeddingModel::new, "Represent this sentence for searching relevant passages: ");
      case "all-minilm-l6-v2":
        return new Embedder(name, new BatchEncoder("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", BatchEncoder.Pooling.MEAN),
            AllMiniLmL6V2QuantizedEmbeddingModel::new, "");
      default:
        throw new IllegalArgumentException("embedding model must be one of " + MODELS + ", got '" + name + "'");
    }
  }

  /** langchain4j's model of the same files, for texts over 512 tokens. */
  private synchronized EmbeddingModel longTextModel() {
    if (model == null) {
      model = longTexts.get();
    }
    return model;
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
    float[][] batched = encoder.embed(texts);
    List<float[]> vectors = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      vectors.add(unit(batched[i] != null ? batched[i] : longTextModel().embed(TextSegment.from(texts.get(i))).content().vector()));
    }
    return vectors;
  }

  /** The vector of a search query. */
  public float[] embedQuery(String query) {
    return embedPassages(List.of(queryPrefix + query)).get(0);
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
