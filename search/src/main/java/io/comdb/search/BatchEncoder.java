package io.comdb.search;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Embeds many texts per ONNX Runtime call: the same model files and pooling as langchain4j's in-process
 * models, but where langchain4j runs the model once per text, this pads a batch of texts (of similar
 * length, so that little is padding) into one tensor and runs it once. The attention mask keeps padding out
 * of every token's attention and of mean pooling, so a text's vector is the one it gets alone.
 *
 * <p>Texts longer than the model's 512 tokens are not handled here: {@link #embed} returns null for them,
 * and {@link Embedder} embeds them as langchain4j does (in parts, averaged).
 */
final class BatchEncoder implements AutoCloseable {
  /** How each text's token vectors become one vector. */
  enum Pooling { CLS, MEAN }

  private static final int MAX_TOKENS = 512;
  /** Texts per ONNX run: beyond a few dozen, a 2-core machine gains nothing and the padding grows. */
  private static final int BATCH = 32;

  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final Pooling pooling;
  private final boolean typeIds;

  /** The model in the class path resources {@code model} (ONNX) and {@code tokenizer} (tokenizer.json). */
  BatchEncoder(String model, String tokenizer, Pooling pooling) {
    this.pooling = pooling;
    try (InputStream m = resource(model); InputStream t = resource(tokenizer)) {
      this.session = environment.createSession(m.readAllBytes(), new OrtSession.SessionOptions());
      this.tokenizer = HuggingFaceTokenizer.newInstance(t, Map.of("padding", "false", "truncation", "false"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
    }
    Set<String> inputs = session.getInputNames();
    this.typeIds = inputs.contains("token_type_ids");
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = BatchEncoder.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("the embedding model's file " + name + " is not on the class path");
    }
    return in;
  }

  /** The vectors of {@code texts} in order (not unit length); null where a text is over 512 tokens. */
  float[][] embed(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < encodings.length; i++) {
      if (encodings[i].getIds().length <= MAX_TOKENS) {
        order.add(i);
      }
    }
    order.sort(Comparator.comparingInt(i -> encodings[i].getIds().length));
    float[][] vectors = new float[texts.size()][];
    for (int from = 0; from < order.size(); from += BATCH) {
      List<Integer> batch = order.subList(from, Math.min(order.size(), from + BATCH));
      float[][] out = run(batch.stream().map(i -> encodings[i]).toList());
      for (int j = 0; j < batch.size(); j++) {
        vectors[batch.get(j)] = out[j];
      }
    }
    return vectors;
  }

  private float[][] run(List<Encoding> batch) {
    int length = batch.stream().mapToInt(e -> e.getIds().length).max().orElse(0);
    long[][] ids = new long[batch.size()][length];
    long[][] mask = new long[batch.size()][length];
    long[][] types = new long[batch.size()][length];
    for (int b = 0; b < batch.size(); b++) {
      Encoding e = batch.get(b);
      System.arraycopy(e.getIds(), 0, ids[b], 0, e.getIds().length);
      System.arraycopy(e.getAttentionMask(), 0, mask[b], 0, e.getAttentionMask().length);
      System.arraycopy(e.getTypeIds(), 0, types[b], 0, e.getTypeIds().length);
    }
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(environment, ids));
      inputs.put("attention_mask", OnnxTensor.createTensor(environment, mask));
      if (typeIds) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(environment, types));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        float[][][] hidden = (float[][][]) result.get(0).getValue();
        float[][] pooled = new float[batch.size()][];
        for (int b = 0; b < batch.size(); b++) {
          pooled[b] = pooling == Pooling.CLS ? hidden[b][0].clone() : mean(hidden[b], mask[b]);
        }
        return pooled;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to embed: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static float[] mean(float[][] tokens, long[] mask) {
    float[] sum = new float[tokens[0].length];
    int n = 0;
    for (int t = 0; t < tokens.length; t++) {
      if (mask[t] == 1) {
        n++;
        for (int d = 0; d < sum.length; d++) {
          sum[d] += tokens[t][d];
        }
      }
    }
    for (int d = 0; d < sum.length; d++) {
      sum[d] /= Math.max(1, n);
    }
    return sum;
  }

  @Override
  public void close() throws OrtException {
    session.close();
    tokenizer.close();
  }
}
