package io.comdb.verticles.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.comdb.cluster.Slots;
import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.WriteGroup;
import io.comdb.search.MemoryOptions;
import io.comdb.search.MemoryService;
import io.comdb.search.NewMemory;
import io.comdb.types.RedisStore;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Redis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which slot a request, and a stored record, belongs to. */
class ClusterKeysTest {
  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<byte[]> args(String... words) {
    return Arrays.stream(words).map(ClusterKeysTest::b).toList();
  }

  @Test
  void aRequestsSlotIsItsKeysOrCrossSlot() {
    assertThat(ClusterKeys.slot(new Kv.Put(b("foo"), b("v")))).isEqualTo(12182);
    assertThat(ClusterKeys.slot(new Kv.Batch(List.of(new Kv.Write(b("{u}a"), b("1")), new Kv.Write(b("{u}b"), null)))))
        .isEqualTo(Slots.of(b("u")));
    assertThatThrownBy(() -> ClusterKeys.slot(new Kv.Batch(List.of(new Kv.Write(b("a"), b("1")), new Kv.Write(b("b"), b("2"))))))
        .isInstanceOf(ClusterKeys.CrossSlot.class);
    assertThat(ClusterKeys.slot(new Redis.Exec(0, args("PING")))).isEqualTo(ClusterKeys.NO_SLOT);
    assertThat(ClusterKeys.slot(new Redis.Exec(0, args("MSET", "{t}1", "a", "{t}2", "b")))).isEqualTo(Slots.of(b("t")));
    assertThat(ClusterKeys.slot(new JsonObject().put("agentId", "agent-7"))).isEqualTo(Slots.of(b("agent-7")));
  }

  @Test
  void commandsWithMovingKeysAreCheckedByTheirSyntax() {
    assertThat(ClusterKeys.keys(args("ZUNIONSTORE", "dest", "2", "a", "b", "WEIGHTS", "1", "2")))
        .extracting(k -> new String(k, UTF_8)).containsExactly("dest", "a", "b");
    assertThat(ClusterKeys.keys(args("SINTERCARD", "2", "s1", "s2", "LIMIT", "5"))).extracting(k -> new String(k, UTF_8))
        .containsExactly("s1", "s2");
    assertThat(ClusterKeys.keys(args("EVAL", "return 1", "2", "{s}a", "{s}b", "arg"))).extracting(k -> new String(k, UTF_8))
        .containsExactly("{s}a", "{s}b");
    assertThat(ClusterKeys.slot(new Redis.Exec(0, args("FCALL", "f", "1", "key", "arg")))).isEqualTo(Slots.of(b("key")));
    assertThat(ClusterKeys.slot(new Redis.Exec(0, args("EVALSHA", "0123", "0", "notakey")))).isEqualTo(ClusterKeys.NO_SLOT);
    assertThatThrownBy(() -> ClusterKeys.slotOfCommand(args("ZINTER", "2", "a", "b"))).isInstanceOf(ClusterKeys.CrossSlot.class);
    assertThat(ClusterKeys.keys(args("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s1", "s2", ">", ">")))
        .extracting(k -> new String(k, UTF_8)).containsExactly("s1", "s2");
    assertThat(ClusterKeys.keys(args("GEORADIUS", "places", "15", "37", "200", "km", "STOREDIST", "near")))
        .extracting(k -> new String(k, UTF_8)).containsExactly("places", "near");
    assertThatThrownBy(() -> ClusterKeys.slotOfCommand(args("GEORADIUS", "places", "15", "37", "200", "km", "STORE", "near")))
        .isInstanceOf(ClusterKeys.CrossSlot.class);
    assertThatThrownBy(() -> ClusterKeys.slotOfCommand(args("SORT", "list", "BY", "w_*", "STORE", "sorted")))
        .isInstanceOf(ClusterKeys.CrossSlot.class);
  }

  /** Every record a Redis command or agent memory writes is placed with the key or agent it belongs to. */
  @Test
  void storedRecordsArePlacedByTheirRedisKeyOrAgent() throws Exception {
    try (Engine engine = Engine.open(EngineOptions.builder(dir).build())) {
      RedisStore redis = new RedisStore(engine, System::currentTimeMillis);
      try (WriteGroup group = engine.beginGroup()) {
        redis.execute(group, 0, args("HSET", "user:1", "name", "ana", "city", "porto"));
        redis.execute(group, 3, args("ZADD", "board", "1", "x", "2", "y"));
        redis.execute(group, 0, args("RPUSH", "queue", "a", "b"));
      }
      try (MemoryService memories = MemoryService.open(engine, MemoryOptions.builder().build())) {
        memories.add("agent-9", List.of(new NewMemory("remember the milk", new JsonObject(), null)), 0L);
      }
      engine.put(b("plain"), b("v"));
      Set<Integer> slots = new HashSet<>();
      try (EngineIterator it = engine.iterator(IteratorOptions.all())) {
        for (; it.isValid(); it.next()) {
          slots.add(ClusterKeys.slotOfStored(it.key()));
        }
      }
      assertThat(slots).containsExactlyInAnyOrder(Slots.of(b("user:1")), Slots.of(b("board")), Slots.of(b("queue")),
          Slots.of(b("agent-9")), Slots.of(b("plain")));
    }
  }

  @Test
  void aClusterScanIsTheFirstKeysOfEveryNodesPages() {
    Kv.Scan scan = new Kv.Scan(new byte[0], null, 3, false);
    Kv.Page a = new Kv.Page(List.of(new Kv.Entry(b("a"), b("1")), new Kv.Entry(b("d"), b("4")), new Kv.Entry(b("e"), b("5"))), b("e"));
    Kv.Page b = new Kv.Page(List.of(new Kv.Entry(b("b"), b("2"))), null);
    Kv.Page merged = RouterVerticle.merge(scan, List.of(a, b));
    assertThat(merged.entries()).extracting(e -> new String(e.key(), UTF_8)).containsExactly("a", "b", "d");
    assertThat(merged.next()).isEqualTo(b("d"));
    Kv.Page last = RouterVerticle.merge(scan, List.of(new Kv.Page(List.of(new Kv.Entry(b("x"), b("1"))), null), new Kv.Page(List.of(), null)));
    assertThat(last.next()).isNull();
  }
}
