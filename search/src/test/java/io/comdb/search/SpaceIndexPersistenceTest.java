package io.comdb.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The persisted memory indexes: reused at a restart, caught up when behind, rebuilt when unusable. */
class SpaceIndexPersistenceTest {
  private static final String[] WORDS = {"tea", "coffee", "paris", "berlin", "chess", "compiler", "garden", "piano",
      "river", "mountain", "dog", "cat", "train", "book", "movie", "recipe"};
  @TempDir Path dir;
  private Engine engine;
  private MemoryService memories;
  private MemoryOptions options = MemoryOptions.builder().clock(() -> 1_000_000L).build();

  @BeforeEach
  void open() throws IOException {
    engine = Engine.open(EngineOptions.builder(dir).build());
    memories = MemoryService.open(engine, options);
  }

  @AfterEach
  void close() throws IOException {
    memories.close();
    engine.close();
  }

  private void restart() throws IOException {
    close();
    open();
  }

  private void fill(String agent, int n) throws IOException {
    memories.putSpace(agent, 0);
    List<NewMemory> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = WORDS[i % WORDS.length] + " and " + WORDS[(i * 7 + 3) % WORDS.length] + " note " + i;
      batch.add(new NewMemory(text, new JsonObject().put("n", i % 3), 1_000L + i));
    }
    memories.add(agent, batch, null);
  }

  /** What searches of every word, a filter and the list answer: what must not change across a restart. */
  private List<String> answers(String agent) throws IOException {
    List<String> answers = new ArrayList<>();
    for (String word : WORDS) {
      for (SearchHit hit : memories.search(agent, SearchQuery.of(word + " note", 10))) {
        answers.add(word + " -> " + hit.memory().id() + " " + hit.memory().text() + " " + (float) hit.score());
      }
    }
    memories.list(agent, 1000, null).memories().forEach(m -> answers.add(m.id() + " " + m.text()));
    return answers;
  }

  @Test
  void aRestartUsesThePersistedIndexAsItIs() throws IOException {
    fill("a", 300);
    List<String> before = answers("a");
    restart();
    assertThat(answers("a")).isEqualTo(before);
    assertThat(memories.indexStats().reindexed()).isZero();
    assertThat(memories.indexStats().rebuilt()).isZero();
  }

  @Test
  void aRestartDeletesTheIndexesOfSpacesThatNoLongerExistAndKeepsTheOthers() throws IOException {
    fill("a", 50);
    List<String> before = answers("a");
    memories.checkpoint();
    // an index left by a space deleted while the service was down, or of a partition given up
    Path stray = dir.resolve("memory-index").resolve("00112233445566778899aabbccddeeff");
    Files.createDirectories(stray);
    Files.writeString(stray.resolve("segments_1"), "old");
    restart();
    assertThat(stray).doesNotExist();
    assertThat(memories.indexDir("a")).isDirectory();
    assertThat(answers("a")).isEqualTo(before);
    assertThat(memories.indexStats().rebuilt()).isZero();
  }

  @Test
  void aMissingIndexIsRebuiltFromTheRecords() throws IOException {
    fill("a", 300);
    List<String> before = answers("a");
    Path index = memories.indexDir("a");
    close();
    SpaceIndex.delete(index);
    open();
    assertThat(answers("a")).isEqualTo(before);
    assertThat(memories.indexStats().reindexed()).isEqualTo(300);
  }

  @Test
  void anUnreadableIndexIsRebuilt() throws IOException {
    fill("a", 100);
    List<String> before = answers("a");
    Path index = memories.indexDir("a");
    close();
    try (Stream<Path> files = Files.list(index)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("segments")).toList()) {
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
      }
    }
    open();
    assertThat(answers("a")).isEqualTo(before);
    assertThat(memories.indexStats().rebuilt()).isEqualTo(1);
  }

  @Test
  void anIndexBehindItsRecordsCatchesUpWithAddsUpdatesAndDeletes() throws IOException {
    fill("a", 200);
    memories.checkpoint();
    Path index = memories.indexDir("a");
    Path old = dir.resolveSibling(dir.getFileName() + "-old-index");
    copy(index, old);
    // what a crash would lose from the index but not from the records
    memories.add("a", List.of(new NewMemory("zebra crossing note", null, 5_000L)), null);
    memories.update("a", "150", "yak shaving note", null);
    memories.delete("a", "170");
    memories.putSpace("a", 150); // evicts the oldest
    List<String> after = answers("a");
    close();
    SpaceIndex.delete(index);
    copy(old, index);
    open();
    assertThat(answers("a")).isEqualTo(after);
    assertThat(memories.search("a", SearchQuery.of("zebra yak", 10))).extracting(h -> h.memory().text())
        .containsExactlyInAnyOrder("zebra crossing note", "yak shaving note");
    assertThat(memories.indexStats().reindexed()).as("only what changed").isEqualTo(2);
    assertThat(memories.space("a").orElseThrow().count()).isEqualTo(150);
    assertThat(memories.get("a", "171").text()).endsWith("note 170");
  }

  @Test
  void onlyTheConfiguredNumberOfSpacesStaysOpen() throws IOException {
    options = MemoryOptions.builder().clock(() -> 1_000_000L).openSpaces(2).build();
    restart();
    List<List<String>> before = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      fill("agent-" + s, 50 + s);
      before.add(answers("agent-" + s));
      assertThat(memories.indexStats().openSpaces()).isLessThanOrEqualTo(2);
    }
    for (int s = 4; s >= 0; s--) {
      assertThat(answers("agent-" + s)).isEqualTo(before.get(s));
      assertThat(memories.indexStats().openSpaces()).isLessThanOrEqualTo(2);
    }
    assertThat(memories.indexStats().reindexed()).as("a space closed and opened again reads its committed index").isZero();
  }

  @Test
  void deletingASpaceDeletesItsIndex() throws IOException {
    fill("a", 10);
    Path index = memories.indexDir("a");
    assertThat(index).isDirectory();
    assertThat(memories.deleteSpace("a")).isTrue();
    assertThat(index).doesNotExist();
    fill("a", 3); // the same agent again starts from nothing
    assertThat(memories.space("a").orElseThrow().count()).isEqualTo(3);
    assertThat(memories.search("a", SearchQuery.of("note", 10))).hasSize(3);
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(p -> !p.getFileName().toString().equals("write.lock")).toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
