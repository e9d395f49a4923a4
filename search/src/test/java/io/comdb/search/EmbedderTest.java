package io.comdb.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batched embeddings are the vectors langchain4j gives each text alone: exactly for a text alone (a query),
 * and within a cosine of 0.97 in a batch. Not exactly, because the quantized models scale their activations
 * over the whole batch; the shortest texts move most.
 */
class EmbedderTest {
  @ParameterizedTest
  @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v15"})
  void aBatchGivesEachTextTheVectorItGetsAlone(String name) {
    Embedder embedder = Embedder.load(name);
    EmbeddingModel alone = name.startsWith("bge") ? new BgeSmallEnV15QuantizedEmbeddingModel() : new AllMiniLmL6V2QuantizedEmbeddingModel();
    List<String> texts = new ArrayList<>(List.of(
        "Hi",
        "My kitten sleeps on the sofa all afternoon",
        "The quarterly tax report is due in April, and the accountant wants every receipt from the trip to Lisbon before then.",
        "Caroline went to the LGBTQ support group on 7 May 2023 and said it was powerful."));
    texts.add("word ".repeat(700) + "end"); // over 512 tokens: embedded in parts, as langchain4j does
    List<float[]> batched = embedder.embedPassages(texts);
    for (int i = 0; i < texts.size(); i++) {
      float[] expected = alone.embed(texts.get(i)).content().vector();
      assertThat(cosine(batched.get(i), expected)).as(texts.get(i)).isGreaterThan(0.97);
      assertThat(cosine(embedder.embedPassages(List.of(texts.get(i))).get(0), expected)).as(texts.get(i)).isGreaterThan(0.99999);
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
