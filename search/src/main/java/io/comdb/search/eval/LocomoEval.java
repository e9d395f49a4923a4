package io.comdb.search.eval;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.SyncMode;
import io.comdb.search.Embedder;
import io.comdb.search.MemoryOptions;
import io.comdb.search.MemoryService;
import io.comdb.search.NewMemory;
import io.comdb.search.SearchHit;
import io.comdb.search.SearchMode;
import io.comdb.search.SearchQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The LoCoMo memory-retrieval evaluation: each conversation's turns become one agent's memories (text
 * {@code "<speaker>: <text>"} plus the image caption, metadata {@code {"dia_id"}}, created at the session's
 * date), added one session per request; every question with evidence outside category 5 is a search, and
 * recall@k is the mean fraction of its evidence turns among the top k. p95 search latency is measured in a
 * separate space of 10,000 memories (the turns of every conversation, repeated), with every question.
 */
public final class LocomoEval {
  private static final Pattern SESSION = Pattern.compile("session_(\\d+)");
  private static final Pattern DIA_ID = Pattern.compile("D\\d+:\\d+");
  private static final DateTimeFormatter SESSION_DATE = new DateTimeFormatterBuilder()
      .parseCaseInsensitive().appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);
  static final int LATENCY_SPACE = 10_000;
  static final double NEIGHBOUR_WEIGHT = MemoryOptions.defaults().neighbourWeight();

  /** One conversation: its sessions' turns as memories, and its questions. */
  public record Conversation(String name, List<List<NewMemory>> sessions, List<Question> questions) {}

  public record Question(String text, Set<String> evidence) {}

  /** What one mode measured. */
  public record Result(SearchMode mode, double recallAt5, double recallAt10, double p95SearchMs, double ingestPerSecond) {
    public String line() {
      return String.format(Locale.ROOT, "memory-eval mode=%s recall@5=%.3f recall@10=%.3f p95_search_ms=%.1f ingest_per_s=%.0f",
          mode.name().toLowerCase(Locale.ROOT), recallAt5, recallAt10, p95SearchMs, ingestPerSecond);
    }
  }

  private LocomoEval() {}

  /** Reads every {@code *.json} LoCoMo file of {@code dir}, in name order. */
  public static List<Conversation> read(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no LoCoMo .json files in " + dir);
    }
    List<Conversation> conversations = new ArrayList<>();
    for (Path file : files) {
      conversations.add(parse(file.getFileName().toString().replace(".json", ""), new JsonObject(Files.readString(file))));
    }
    return conversations;
  }

  static Conversation parse(String name, JsonObject json) {
    JsonObject conversation = json.containsKey("conversation") ? json.getJsonObject("conversation") : json;
    List<Integer> numbers = new ArrayList<>();
    for (String field : conversation.fieldNames()) {
      Matcher m = SESSION.matcher(field);
      if (m.matches() && conversation.getValue(field) instanceof JsonArray) {
        numbers.add(Integer.parseInt(m.group(1)));
      }
    }
    numbers.sort(Comparator.naturalOrder());
    List<List<NewMemory>> sessions = new ArrayList<>();
    long clock = 0;
    for (int n : numbers) {
      long start = sessionTime(conversation.getString("session_" + n + "_date_time"), clock);
      List<NewMemory> turns = new ArrayList<>();
      JsonArray session = conversation.getJsonArray("session_" + n);
      for (int i = 0; i < session.size(); i++) {
        JsonObject turn = session.getJsonObject(i);
        String text = turn.getString("speaker") + ": " + turn.getString("text", "");
        String caption = turn.getString("blip_caption");
        if (caption != null && !caption.isBlank()) {
          text += " [image: " + caption + "]";
        }
        turns.add(new NewMemory(text, new JsonObject().put("dia_id", turn.getString("dia_id")), start + i * 1000L));
      }
      clock = start + session.size() * 1000L;
      sessions.add(turns);
    }
    List<Question> questions = new ArrayList<>();
    for (Object o : json.getJsonArray("qa", new JsonArray())) {
      JsonObject qa = (JsonObject) o;
      JsonArray evidence = qa.getJsonArray("evidence", new JsonArray());
      if (Integer.valueOf(5).equals(qa.getInteger("category")) || evidence.isEmpty()) {
        continue;
      }
      Set<String> ids = new HashSet<>();
      for (Object e : evidence) {
        for (String token : String.valueOf(e).split("[;,\\s]+")) {
          if (!token.isEmpty()) {
            ids.add(token); // a malformed id ("D") stays: evidence the search cannot find
          }
        }
      }
      questions.add(new Question(qa.getString("question"), ids));
    }
    return new Conversation(name, sessions, questions);
  }

  /** The session's date ("1:56 pm on 8 May, 2023") in epoch ms; past {@code previous} if it has none. */
  private static long sessionTime(String date, long previous) {
    if (date != null) {
      try {
        return LocalDateTime.parse(date.trim(), SESSION_DATE).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e) {
        // falls through
      }
    }
    return previous + 3_600_000;
  }

  /**
   * Runs the evaluation in {@code mode} (with {@code embedder} unless bm25) in a scratch data directory under
   * {@code work}, with the search option {@code neighbourWeight}.
   */
  public static Result run(List<Conversation> conversations, SearchMode mode, Embedder embedder, Path work, double neighbourWeight) throws IOException {
    Path dir = Files.createTempDirectory(work, "locomo-" + mode.name().toLowerCase(Locale.ROOT));
    MemoryOptions options = MemoryOptions.builder().embedder(mode == SearchMode.BM25 ? null : embedder).neighbourWeight(neighbourWeight).build();
    try (Engine engine = Engine.open(EngineOptions.builder(dir).syncMode(SyncMode.NONE).build());
         MemoryService memories = MemoryService.open(engine, options)) {
      int count = 0;
      long ingestNanos = 0;
      for (Conversation c : conversations) {
        memories.putSpace(c.name(), 0);
        for (List<NewMemory> session : c.sessions()) {
          long t0 = System.nanoTime();
          memories.add(c.name(), session, null);
          ingestNanos += System.nanoTime() - t0;
          count += session.size();
        }
      }
      double sum5 = 0;
      double sum10 = 0;
      int questions = 0;
      for (Conversation c : conversations) {
        for (Question q : c.questions()) {
          List<SearchHit> hits = memories.search(c.name(), SearchQuery.of(q.text(), 10).withMode(mode));
          sum5 += recall(hits, q.evidence(), 5);
          sum10 += recall(hits, q.evidence(), 10);
          questions++;
        }
      }
      double p95 = latencyP95(memories, conversations, mode);
      return new Result(mode, sum5 / questions, sum10 / questions, p95, count / (ingestNanos / 1e9));
    } finally {
      deleteTree(dir);
    }
  }

  static double recall(List<SearchHit> hits, Set<String> evidence, int k) {
    Set<String> found = new HashSet<>();
    for (SearchHit hit : hits.subList(0, Math.min(k, hits.size()))) {
      found.add(hit.memory().metadata().getString("dia_id"));
    }
    long n = evidence.stream().filter(found::contains).count();
    return (double) n / evidence.size();
  }

  /** The 95th percentile of search latency over every question, in a space of {@link #LATENCY_SPACE} memories. */
  private static double latencyP95(MemoryService memories, List<Conversation> conversations, SearchMode mode) throws IOException {
    String agent = "latency";
    memories.putSpace(agent, 0);
    List<NewMemory> all = new ArrayList<>();
    for (Conversation c : conversations) {
      c.sessions().forEach(all::addAll);
    }
    for (int added = 0; added < LATENCY_SPACE; ) {
      int n = Math.min(500, LATENCY_SPACE - added);
      List<NewMemory> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(all.get((added + i) % all.size()));
      }
      memories.add(agent, batch, null);
      added += n;
    }
    List<Question> questions = conversations.stream().flatMap(c -> c.questions().stream()).toList();
    for (int i = 0; i < Math.min(50, questions.size()); i++) { // warm-up
      memories.search(agent, SearchQuery.of(questions.get(i).text(), 10).withMode(mode));
    }
    double[] ms = new double[questions.size()];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      memories.search(agent, SearchQuery.of(questions.get(i).text(), 10).withMode(mode));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[(int) Math.ceil(ms.length * 0.95) - 1];
  }

  /** Prints one {@code memory-eval} line per mode: bm25, then hybrid with {@code model}. */
  public static void evaluate(Path dir, String model, PrintStream out) throws IOException {
    List<Conversation> conversations = read(dir);
    Path work = Files.createTempDirectory("comdb-eval");
    try {
      out.println(run(conversations, SearchMode.BM25, null, work, NEIGHBOUR_WEIGHT).line());
      out.println(run(conversations, SearchMode.HYBRID, Embedder.load(model), work, NEIGHBOUR_WEIGHT).line());
    } finally {
      deleteTree(work);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
