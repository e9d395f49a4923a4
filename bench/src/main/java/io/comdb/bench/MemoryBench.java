package io.comdb.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Agent memory over ComDB's HTTP API, as many agents use it. The memories are the turns of LoCoMo
 * conversations (23 words on average), the queries their questions, read from files of one JSON string per
 * line (bench/memory.sh extracts them); memory i of space s is turn (s * PER_SPACE + i) modulo the turns.
 *
 * <pre>
 * java -cp comdb-bench.jar io.comdb.bench.MemoryBench ingest PORT TURNS SPACES PER_SPACE BATCH CLIENTS
 *     creates agents a0 .. a{SPACES-1} and adds PER_SPACE memories to each, BATCH per request (the batch
 *     API), CLIENTS requests in flight; prints ingest_per_s=&lt;memories per second&gt;
 * java -cp comdb-bench.jar io.comdb.bench.MemoryBench search PORT QUESTIONS SPACES SEARCHES CLIENTS
 *     SEARCHES searches (k 10) of random questions in random spaces (the first search of a space opens it);
 *     prints p50_search_ms=&lt;n&gt; p95_search_ms=&lt;n&gt; searches_per_s=&lt;n&gt;
 * </pre>
 */
public final class MemoryBench {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private MemoryBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    List<String> lines = Files.readAllLines(Path.of(args[2])).stream().filter(l -> !l.isBlank()).toList();
    switch (args[0]) {
      case "ingest" -> ingest(port, lines, Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          Integer.parseInt(args[6]));
      case "search" -> search(port, lines, Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      default -> throw new IllegalArgumentException("ingest or search, got " + args[0]);
    }
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

  /** {@code turns} are JSON string literals. */
  private static void ingest(int port, List<String> turns, int spaces, int perSpace, int batch, int clients) throws Exception {
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
        StringBuilder body = new StringBuilder("{\"memories\":[");
        for (int m = from; m < Math.min(perSpace, from + batch); m++) {
          String text = turns.get((int) (((long) space * perSpace + m) % turns.size()));
          body.append(m == from ? "" : ",").append("{\"text\":").append(text).append('}');
        }
        send(port, "POST", "/v1/agents/a" + space + "/memories", body.append("]}").toString());
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("ingest_per_s=%.0f%n", (double) spaces * perSpace / seconds);
  }

  /** {@code questions} are JSON string literals. */
  private static void search(int port, List<String> questions, int spaces, int queries, int clients) throws Exception {
    long[] nanos = new long[queries];
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    runClients(clients, client -> {
      Random r = new Random(1000 + client);
      for (int i = next.getAndIncrement(); i < queries; i = next.getAndIncrement()) {
        String body = "{\"query\":" + questions.get(r.nextInt(questions.size())) + ",\"k\":10}";
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
