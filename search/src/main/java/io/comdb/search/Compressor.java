package io.comdb.search;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The client of the LLM that rewrites memories. It speaks two formats, chosen by the endpoint's path:
 *
 * <ul>
 *   <li>OpenAI-compatible (Ollama, vLLM, llama.cpp, ...), a path ending in {@code /chat/completions}:
 *       {@code {"model", "messages": [{"role": "user", "content": prompt}], "temperature": 0}}, the answer's
 *       {@code choices[0].message.content};
 *   <li>ComDB's, any other path: {@code {"message": prompt}}, the answer's {@code result}.
 * </ul>
 *
 * Each attempt has a timeout; a failed connection, a timeout, 429 or a 5xx status is retried up to
 * {@link Settings#retries} times with doubling pauses; other statuses fail at once.
 */
public final class Compressor {
  private static final System.Logger LOG = System.getLogger(Compressor.class.getName());
  /** The instruction the memories follow, one per line. */
  static final String PROMPT = "Rewrite these memories of an AI agent as one shorter memory. Keep every name, date, "
      + "number and fact; drop repetition. Answer with the rewritten memory only.\n\nMemories:\n";

  /**
   * @param timeout the limit of one attempt, connection included
   * @param retries attempts after the first
   * @param backoff the pause before the first retry, doubled before each next one
   * @param model the model an OpenAI-compatible endpoint is asked for
   * @param endpoint the endpoint of compressions that name none in a space that has none, or null
   */
  public record Settings(Duration timeout, int retries, Duration backoff, String model, String endpoint) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(60), 2, Duration.ofMillis(500), "default", null);
    }
  }

  private final Settings settings;
  private final HttpClient http;

  public Compressor(Settings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1).build();
  }

  /** The endpoint as a URI; an {@link IllegalArgumentException} if it is not an http(s) URL. */
  public static URI checkEndpoint(String endpoint) {
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoint is not a URL: " + endpoint);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("endpoint must be an http:// or https:// URL, got '" + endpoint + "'");
    }
    return uri;
  }

  /** The prompt for {@code texts}, oldest first, with ComDB's instruction. */
  static String prompt(List<String> texts) {
    return prompt(PROMPT, texts);
  }

  /** The prompt for {@code texts}, oldest first, after {@code instruction} (and a blank line unless it ends a line). */
  static String prompt(String instruction, List<String> texts) {
    StringBuilder b = new StringBuilder(instruction);
    if (!instruction.endsWith("\n")) {
      b.append("\n\n");
    }
    for (String text : texts) {
      b.append("- ").append(text.replace('\n', ' ')).append('\n');
    }
    return b.toString();
  }

  /** The LLM's rewrite of {@code texts} into one memory, asked with {@code instruction}. */
  String rewrite(String endpoint, String instruction, List<String> texts) {
    URI uri = checkEndpoint(endpoint);
    boolean openAi = uri.getPath() != null && uri.getPath().endsWith("/chat/completions");
    String prompt = prompt(instruction, texts);
    JsonObject body = openAi
        ? new JsonObject()
            .put("model", settings.model())
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
            .put("temperature", 0)
        : new JsonObject().put("message", prompt);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8))
        .build();
    String answer = send(request);
    String text;
    try {
      JsonObject json = new JsonObject(answer);
      text = openAi
          ? json.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")
          : json.getString("result");
    } catch (DecodeException | ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
      throw new CompressionException("the LLM endpoint answered no " + (openAi ? "choices[0].message.content" : "result")
          + ": " + abbreviate(answer));
    }
    if (text == null || text.isBlank()) {
      throw new CompressionException("the LLM endpoint answered an empty memory");
    }
    return text.strip();
  }

  private String send(HttpRequest request) {
    long pause = settings.backoff().toMillis();
    String last = null;
    for (int attempt = 0; attempt <= settings.retries(); attempt++) {
      if (attempt > 0) {
        try {
          Thread.sleep(pause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CompressionException("interrupted", e);
        }
        pause *= 2;
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status / 100 == 2) {
          return response.body();
        }
        last = "status " + status + ": " + abbreviate(response.body());
        if (status != 429 && status / 100 != 5) {
          break;
        }
      } catch (IOException e) {
        // The JVM's text of a network failure is for the log; the client is told what happened.
        LOG.log(System.Logger.Level.WARNING, "LLM endpoint " + request.uri() + " failed", e);
        last = e instanceof java.net.http.HttpTimeoutException ? "no answer within " + settings.timeout().toMillis() + " ms"
            : "the connection failed or was cut";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CompressionException("interrupted", e);
      }
    }
    throw new CompressionException("the LLM endpoint " + request.uri() + " failed: " + last);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
