package io.comdb.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Agent memory over ComDB's HTTP API, as many agents use it. Texts are about 20 words drawn with a Zipf
 * law from a vocabulary of 20,000 made-up words (fixed seed), so that BM25 sees common and rare terms.
 *
 * <pre>
 * java -cp comdb-bench.jar io.comdb.bench.MemoryBench ingest PORT SPACES PER_SPACE BATCH CLIENTS
 *     creates agents a0 .. a{SPACES-1} and adds PER_SPACE memories to each, BATCH per request (the batch
 *     API), CLIENTS requests in flight; prints ingest_per_s=&lt;memories per second&gt;
 * java -cp comdb-bench.jar io.comdb.bench.MemoryBench search PORT SPACES QUERIES CLIENTS
 *     QUERIES searches of 3 words in random spaces (the first search of a space opens it);
 *     prints p50_search_ms=&lt;n&gt; p95_search_ms=&lt;n&gt; searches_per_s=&lt;n&gt;
 * </pre>
 */
public final class MemoryBench {
  private static final int VOCABULARY = 20_000;
  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "gu", "zo", "ri", "mo", "fa", "te"};
  private static final String[] WORDS = new String[VOCABULARY];
  /** Cumulative Zipf weights of the vocabulary, s = 1. */
  private static final double[] CUMULATIVE = new double[VOCABULARY];

  static {
    Random r = new Random(7);
    for (int i = 0; i < VOCABULARY; i++) {
      StringBuilder w = new StringBuilder();
      int n = 2 + r.nextInt(3);
      for (int s = 0; s < n; s++) {
        w.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
      }
      WORDS[i] = w.append(i % 97).toString();
    }
    double sum = 0;
    for (int i = 0; i < VOCABULARY; i++) {
      sum += 1.0 / (i + 1);
      CUMULATIVE[i] = sum;
    }
    for (int i = 0; i < VOCABULARY; i++) {
      CUMULATIVE[i] /= sum;
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private MemoryBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    switch (args[0]) {
      case "ingest" -> ingest(port, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      case "search" -> search(port, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      default -> throw new IllegalArgumentException("ingest or search, got " + args[0]);
    }
  }

  private static String word(Random r) {
    int at = Arrays.binarySearch(CUMULATIVE, r.nextDouble());
    return WORDS[Math.min(VOCABULARY - 1, at < 0 ? -at - 1 : at)];
  }

  private static String text(Random r, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      b.append(i == 0 ? "" : " ").append(word(r));
    }
    return b.toString();
  }

  private static HttpResponse<String> send(int port, String method, String path, String json) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofMinutes(5))
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return response;
  }

  private static void ingest(int port, int spaces, int perSpace, int batch, int clients) throws Exception {
    for (int s = 0; s < spaces; s++) {
      send(port, "PUT", "/v1/agents/a" + s, "{}");
    }
    List<int[]> requests = new ArrayList<>(); // space, first memory
    for (int s = 0; s < spaces; s++) {
      for (int from = 0; from < perSpace; from += batch) {
        requests.add(new int[] {s, from});
      }
    }
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    runClients(clients, client -> {
      for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
        int space = requests.get(i)[0];
        int from = requests.get(i)[1];
        Random r = new Random(31L * space + from);
        StringBuilder body = new StringBuilder("{\"memories\":[");
        for (int m = from; m < Math.min(perSpace, from + batch); m++) {
          body.append(m == from ? "" : ",").append("{\"text\":\"").append(text(r, 18 + r.nextInt(5))).append("\"}");
        }
        send(port, "POST", "/v1/agents/a" + space + "/memories", body.append("]}").toString());
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("ingest_per_s=%.0f%n", (double) spaces * perSpace / seconds);
  }

  private static void search(int port, int spaces, int queries, int clients) throws Exception {
    long[] nanos = new long[queries];
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    runClients(clients, client -> {
      Random r = new Random(1000 + client);
      for (int i = next.getAndIncrement(); i < queries; i = next.getAndIncrement()) {
        String body = "{\"query\":\"" + text(r, 3) + "\",\"k\":10}";
        long t = System.nanoTime();
        send(port, "POST", "/v1/agents/a" + r.nextInt(spaces) + "/memories/search", body);
        nanos[i] = System.nanoTime() - t;
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(nanos);
    System.out.printf("p50_search_ms=%.1f p95_search_ms=%.1f searches_per_s=%.0f%n",
        nanos[queries / 2] / 1e6, nanos[(int) (queries * 0.95)] / 1e6, queries / seconds);
  }

  private interface Client {
    void run(int client) throws Exception;
  }

  private static void runClients(int clients, Client body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(pool.submit(() -> {
          body.run(client);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
