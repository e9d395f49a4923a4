package io.comdb.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.LimitExceededException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryServiceTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private Engine engine;
  private MemoryService memories;
  private HttpServer llm;

  @BeforeEach
  void open() throws IOException {
    reopen();
  }

  @AfterEach
  void close() throws IOException {
    memories.close();
    engine.close();
    if (llm != null) {
      llm.stop(0);
    }
  }

  private void reopen() throws IOException {
    if (memories != null) {
      memories.close();
      engine.close();
    }
    engine = Engine.open(EngineOptions.builder(dir).build());
    memories = MemoryService.open(engine, MemoryOptions.builder()
        .clock(clock::get)
        .maxTextBytes(1000)
        .llm(new Compressor.Settings(Duration.ofSeconds(2), 2, Duration.ofMillis(1), "tiny", null))
        .build());
  }

  private List<String> add(String agent, String... texts) throws IOException {
    List<NewMemory> batch = new ArrayList<>();
    for (String t : texts) {
      clock.incrementAndGet();
      batch.add(new NewMemory(t, null, clock.get()));
    }
    return memories.add(agent, batch, null);
  }

  private List<String> texts(List<SearchHit> hits) {
    return hits.stream().map(h -> h.memory().text()).toList();
  }

  private List<String> newestFirst(String agent) throws IOException {
    return memories.list(agent, 1000, null).memories().stream().map(Memory::text).toList();
  }

  @Test
  void aFullSpaceEvictsItsOldestMemoriesInTheSameBatch() throws IOException {
    memories.putSpace("a", 3);
    add("a", "one", "two");
    add("a", "three", "four", "five");
    assertThat(newestFirst("a")).containsExactly("five", "four", "three");
    assertThat(memories.space("a").orElseThrow().count()).isEqualTo(3);
    // an explicit, older creation time is evicted first, even when it arrives last
    memories.add("a", List.of(new NewMemory("ancient", null, 5L)), null);
    assertThat(newestFirst("a")).containsExactly("five", "four", "three");
    memories.putSpace("a", 2);
    assertThat(newestFirst("a")).containsExactly("five", "four");
    reopen();
    assertThat(newestFirst("a")).containsExactly("five", "four");
    assertThat(memories.space("a").orElseThrow().capacity()).isEqualTo(2);
    assertThat(engine.stats().liveKeys()).isEqualTo(3); // the space and two memories: nothing evicted is left
  }

  @Test
  void listingPagesNewestFirstWithACursor() throws IOException {
    memories.putSpace("a", 0);
    for (int i = 0; i < 25; i++) {
      add("a", "memory " + i);
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      MemoryPage page = memories.list("a", 10, cursor);
      page.memories().forEach(m -> seen.add(m.text()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(seen).hasSize(25).startsWith("memory 24", "memory 23").endsWith("memory 0");
    assertThatThrownBy(() -> memories.list("a", 10, "garbage")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> memories.list("a", 0, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void searchRanksByBm25AndFiltersByMetadataAndTime() throws IOException {
    memories.putSpace("a", 0);
    memories.add("a", List.of(
        new NewMemory("Caroline went to the LGBTQ support group yesterday", new JsonObject().put("dia_id", "D1:3"), 100L),
        new NewMemory("Melanie painted a sunrise over the lake", new JsonObject().put("dia_id", "D1:4"), 200L),
        new NewMemory("The support group meets every week; Caroline loves the support", new JsonObject().put("dia_id", "D2:1"), 300L),
        new NewMemory("Unrelated: the weather was cold", null, 400L)), null);
    assertThat(texts(memories.search("a", SearchQuery.of("support group", 10))))
        .containsExactly("The support group meets every week; Caroline loves the support",
            "Caroline went to the LGBTQ support group yesterday");
    SearchQuery onlyD13 = new SearchQuery("support group", 10, MemoryFilter.fromJson(new JsonObject()
        .put("metadata", new JsonObject().put("dia_id", "D1:3"))), 0, Double.NEGATIVE_INFINITY, null);
    assertThat(texts(memories.search("a", onlyD13))).containsExactly("Caroline went to the LGBTQ support group yesterday");
    SearchQuery early = new SearchQuery("support group", 10, MemoryFilter.fromJson(new JsonObject()
        .put("createdAt", new JsonObject().put("lte", 250))), 0, Double.NEGATIVE_INFINITY, null);
    assertThat(texts(memories.search("a", early))).containsExactly("Caroline went to the LGBTQ support group yesterday");
    assertThat(memories.search("a", SearchQuery.of("painting sunrises", 1))).extracting(h -> h.memory().metadata().getString("dia_id"))
        .containsExactly("D1:4"); // stemmed: painting ~ painted, sunrises ~ sunrise
    assertThat(memories.search("a", SearchQuery.of("xylophone", 10))).isEmpty();
    assertThatThrownBy(() -> memories.search("a", SearchQuery.of("x", 3).withMode(SearchMode.HYBRID)))
        .hasMessageContaining("dense search is off");
  }

  @Test
  void chineseTextIsFoundByItsWords() throws IOException {
    memories.putSpace("a", 0);
    add("a", "我喜欢喝绿茶和乌龙茶", "明天去北京出差", "The cat sleeps");
    assertThat(texts(memories.search("a", SearchQuery.of("绿茶", 5)))).containsExactly("我喜欢喝绿茶和乌龙茶");
    assertThat(texts(memories.search("a", SearchQuery.of("北京", 5)))).containsExactly("明天去北京出差");
  }

  @Test
  void anEmptySpaceAnswersNoResultsAndAMissingOneIsNotFound() throws IOException {
    memories.putSpace("a", 0);
    assertThat(memories.search("a", SearchQuery.of("anything", 10))).isEmpty();
    assertThatThrownBy(() -> memories.search("nobody", SearchQuery.of("x", 1))).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> memories.add("nobody", List.of(NewMemory.of("x")), null)).isInstanceOf(NotFoundException.class);
    assertThat(memories.add("compat", List.of(NewMemory.of("x")), 10L)).containsExactly("1");
    assertThat(memories.space("compat").orElseThrow().capacity()).isEqualTo(10);
  }

  @Test
  void badInputIsRefusedAndStoresNothing() throws IOException {
    memories.putSpace("a", 0);
    assertThatThrownBy(() -> add("a", "fine", " ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> add("a", "x".repeat(1001))).isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> memories.putSpace("a", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> memories.update("a", "1", null, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> memories.get("a", "1")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> memories.get("a", "../x")).isInstanceOf(NotFoundException.class);
    assertThat(newestFirst("a")).isEmpty();
  }

  @Test
  void updatesAndDeletesReachTheIndexAndSurviveARestart() throws IOException {
    memories.putSpace("a", 0);
    List<String> ids = add("a", "alpha text", "beta text", "gamma text");
    memories.update("a", ids.get(0), "delta text", new JsonObject().put("edited", true));
    assertThat(memories.delete("a", ids.get(1))).isTrue();
    assertThat(memories.delete("a", ids.get(1))).isFalse();
    assertThat(memories.search("a", SearchQuery.of("alpha", 5))).isEmpty();
    assertThat(memories.search("a", SearchQuery.of("beta", 5))).isEmpty();
    List<String> before = texts(memories.search("a", SearchQuery.of("delta gamma text", 5)));
    reopen();
    assertThat(texts(memories.search("a", SearchQuery.of("delta gamma text", 5)))).isEqualTo(before).hasSize(2);
    assertThat(memories.get("a", ids.get(0)).metadata().getBoolean("edited")).isTrue();
    assertThat(memories.get("a", ids.get(0)).createdAt()).isEqualTo(1_000_001);
    // ids are never reused after a restart
    assertThat(add("a", "epsilon")).containsExactly("4");
    assertThat(memories.deleteSpace("a")).isTrue();
    assertThat(engine.stats().liveKeys()).isZero();
    reopen();
    assertThat(memories.space("a")).isEmpty();
  }

  @Test
  void denseSearchFindsMeaningWithoutSharedWordsAndKeepsItsVectors() throws IOException {
    Embedder embedder = Embedder.load("all-minilm-l6-v2");
    memories.close();
    memories = MemoryService.open(engine, MemoryOptions.builder().clock(clock::get).embedder(embedder).build());
    memories.putSpace("a", 0);
    add("a", "My kitten sleeps on the sofa all afternoon", "The quarterly tax report is due in April", "We hiked up the mountain trail");
    SearchQuery query = SearchQuery.of("feline pet napping", 1);
    assertThat(memories.search("a", query.withMode(SearchMode.BM25))).isEmpty(); // no word in common
    assertThat(texts(memories.search("a", query.withMode(SearchMode.DENSE)))).containsExactly("My kitten sleeps on the sofa all afternoon");
    assertThat(texts(memories.search("a", query))).containsExactly("My kitten sleeps on the sofa all afternoon"); // hybrid
    memories.update("a", "1", null, new JsonObject().put("room", "living")); // keeps the stored vector
    assertThat(texts(memories.search("a", query.withMode(SearchMode.DENSE)))).containsExactly("My kitten sleeps on the sofa all afternoon");
    long records = engine.stats().liveKeys();
    assertThat(records).isEqualTo(1 + 3 + 3); // the space, three memories, three vectors
    memories.close(); // stores the heat the searches gave memory 1
    assertThat(engine.stats().liveKeys()).isEqualTo(records + 1);
    long written = engine.stats().lastSequence();
    memories = MemoryService.open(engine, MemoryOptions.builder().clock(clock::get).embedder(embedder).build());
    assertThat(texts(memories.search("a", query))).containsExactly("My kitten sleeps on the sofa all afternoon");
    assertThat(engine.stats().lastSequence()).as("nothing embedded again at start-up").isEqualTo(written);
    assertThat(memories.indexStats().reindexed()).as("the persisted index is used as it is").isZero();
  }

  /** A stub LLM on a real socket: records each request body and answers from {@code answers} in turn. */
  private String startLlm(String path, ConcurrentLinkedQueue<String> requests, List<Integer> statuses, String answer) throws IOException {
    llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger calls = new AtomicInteger();
    llm.createContext(path, exchange -> {
      requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      int i = calls.getAndIncrement();
      int status = i < statuses.size() ? statuses.get(i) : 200;
      byte[] body = (status == 200 ? answer : "{\"error\":\"busy\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    llm.start();
    return "http://127.0.0.1:" + llm.getAddress().getPort() + path;
  }

  @Test
  void compressionRewritesTheColdestMemoriesThroughComDbsEndpointFormat() throws IOException {
    ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    String endpoint = startLlm("/generate", requests, List.of(503), "{\"result\": \"Bob likes tea and lives in Paris.\"}");
    memories.putSpace("bob", 0);
    List<String> ids = add("bob", "Bob likes green tea", "Bob lives in Paris", "Bob works on compilers", "Bob plays chess");
    for (int i = 0; i < 3; i++) { // searches warm up the compiler and chess memories
      memories.search("bob", SearchQuery.of("compilers chess", 10));
    }
    MemoryService.Compression done = memories.compress("bob", endpoint);
    assertThat(done.replaced()).isEqualTo(2);
    // the first attempt got a 503 and was retried: two identical requests
    assertThat(requests).hasSize(2);
    String prompt = Compressor.prompt(List.of("Bob likes green tea", "Bob lives in Paris"));
    assertThat(new JsonObject(requests.peek())).isEqualTo(new JsonObject().put("message", prompt));
    assertThat(newestFirst("bob")).containsExactly("Bob plays chess", "Bob works on compilers", "Bob likes tea and lives in Paris.");
    Memory rewritten = memories.get("bob", done.id());
    assertThat(rewritten.metadata().getJsonArray("compressedFrom")).isEqualTo(new JsonArray().add(ids.get(0)).add(ids.get(1)));
    assertThat(memories.history("bob", done.id())).extracting(Memory::text).containsExactly("Bob likes green tea", "Bob lives in Paris");
    assertThat(texts(memories.search("bob", SearchQuery.of("Paris", 5)))).containsExactly("Bob likes tea and lives in Paris.");
    reopen();
    assertThat(memories.history("bob", done.id())).extracting(Memory::id).containsExactly(ids.get(0), ids.get(1));
    assertThat(texts(memories.search("bob", SearchQuery.of("Paris", 5)))).containsExactly("Bob likes tea and lives in Paris.");
  }

  @Test
  void compressionSpeaksOpenAiChatCompletionsAndFailsCleanly() throws IOException {
    ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    String endpoint = startLlm("/v1/chat/completions", requests, List.of(),
        "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"  One and two.  \"}}]}");
    memories.putSpace("a", 0);
    memories.setCompressor("a", endpoint, null);
    add("a", "one", "two");
    MemoryService.Compression done = memories.compress("a", null);
    assertThat(done.replaced()).isEqualTo(2);
    assertThat(memories.get("a", done.id()).text()).isEqualTo("One and two.");
    JsonObject request = new JsonObject(requests.poll());
    assertThat(request.getString("model")).isEqualTo("tiny");
    assertThat(request.getJsonArray("messages").getJsonObject(0))
        .isEqualTo(new JsonObject().put("role", "user").put("content", Compressor.prompt(List.of("one", "two"))));

    add("a", "three");
    llm.stop(0);
    llm = null;
    assertThatThrownBy(() -> memories.compress("a", endpoint)).isInstanceOf(CompressionException.class).hasMessageContaining("failed");
    assertThat(newestFirst("a")).containsExactly("three", "One and two."); // nothing replaced
    assertThatThrownBy(() -> memories.compress("a", "ftp://x")).isInstanceOf(IllegalArgumentException.class);
    memories.putSpace("b", 0);
    add("b", "only one");
    assertThat(memories.compress("b", endpoint).replaced()).isZero(); // nothing to compress: no call
  }

  @Test
  void heatSurvivesARestartAndChoosesWhatIsCompressed() throws IOException {
    ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    String endpoint = startLlm("/generate", requests, List.of(), "{\"result\": \"Bob codes and plays chess.\"}");
    memories.putSpace("bob", 0);
    add("bob", "Bob likes green tea", "Bob lives in Paris", "Bob works on compilers", "Bob plays chess");
    for (int i = 0; i < 3; i++) { // the first two memories are the ones searches want
      memories.search("bob", SearchQuery.of("green tea Paris", 2));
    }
    reopen(); // without stored heat every memory would start again at 1, and the oldest two would go
    MemoryService.Compression done = memories.compress("bob", endpoint);
    assertThat(done.replaced()).isEqualTo(2);
    assertThat(new JsonObject(requests.peek()).getString("message"))
        .isEqualTo(Compressor.prompt(List.of("Bob works on compilers", "Bob plays chess")));
  }

  @Test
  void backgroundCompressionRewritesOnlyColdMemoriesOfAColdSpace() throws IOException {
    ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    String endpoint = startLlm("/generate", requests, List.of(), "{\"result\": \"Old news.\"}");
    memories.putSpace("a", 0);
    memories.setCompressor("a", endpoint, null);
    add("a", "weather on monday", "weather on tuesday", "lunch on wednesday", "the project deadline");
    assertThat(memories.compressIfCold("a", 0.5).replaced()).as("new memories are warm").isZero();
    clock.addAndGet(Duration.ofDays(14).toMillis());
    memories.search("a", SearchQuery.of("project deadline", 1)); // keeps one memory warm
    clock.addAndGet(Duration.ofDays(1).toMillis());
    assertThat(memories.compressIfCold("a", 0.9).replaced()).as("three of four are cold: under 0.9").isZero();
    assertThat(requests).isEmpty();
    MemoryService.Compression done = memories.compressIfCold("a", 0.5);
    assertThat(done.replaced()).isEqualTo(3);
    assertThat(newestFirst("a")).containsExactly("the project deadline", "Old news."); // it keeps the newest time it replaced
  }

  @Test
  void aSpaceCompressesWithItsOwnBatchAndPromptKeptAcrossARestart() throws IOException {
    ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    String endpoint = startLlm("/generate", requests, List.of(), "{\"result\": \"Two notes.\"}");
    memories.putSpace("a", 0);
    add("a", "note one", "note two", "note three", "note four", "note five", "note six");
    SpaceInfo info = memories.setCompression("a", new CompressionPolicy(2, 0L, "Summarize these notes:"));
    assertThat(info.toJson().getJsonObject("compression")).isEqualTo(new JsonObject().put("batch", 2).put("minAgeMs", 0L).put("prompt", "Summarize these notes:"));
    reopen();
    assertThat(memories.space("a").orElseThrow().compression()).isEqualTo(new CompressionPolicy(2, 0L, "Summarize these notes:"));
    MemoryService.Compression done = memories.compress("a", endpoint);
    assertThat(done.replaced()).as("the space's batch, not half of six").isEqualTo(2);
    assertThat(new JsonObject(requests.peek()).getString("message"))
        .isEqualTo(Compressor.prompt("Summarize these notes:", List.of("note one", "note two")))
        .startsWith("Summarize these notes:\n\n- note one\n");
    memories.setCompression("a", CompressionPolicy.NONE);
    assertThat(memories.space("a").orElseThrow().toJson().getValue("compression")).isNull();
    assertThatThrownBy(() -> new CompressionPolicy(1, null, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
