package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.IteratorOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The types layer on a real engine, with a clock the test moves. */
class RedisStoreTest {
  @TempDir
  Path dir;

  private final AtomicLong clock = new AtomicLong(1_000_000);

  private Engine engine;

  private Reply run(RedisStore store, String... args) throws Exception {
    List<byte[]> argv = new ArrayList<>();
    for (String a : args) {
      argv.add(a.getBytes(UTF_8));
    }
    try (var group = engine.beginGroup()) {
      return store.execute(group, 0, argv);
    }
  }

  private static int subKeys(Engine engine) {
    int n = 0;
    try (EngineIterator it = engine.iterator(IteratorOptions.prefix(new byte[] {KeySpace.RESERVED, KeySpace.SUB}))) {
      for (; it.isValid(); it.next()) {
        n++;
      }
    }
    return n;
  }

  @Test
  void aKeyWrittenOverAnExpiredCollectionLeavesNoneOfItsMembersBehind() throws Exception {
    try (Engine opened = Engine.open(EngineOptions.builder(dir).build())) {
      engine = opened;
      RedisStore store = new RedisStore(engine, clock::get);
      run(store, "SADD", "s", "a", "b", "c");
      run(store, "PEXPIRE", "s", "10");
      assertThat(subKeys(engine)).isEqualTo(3);
      clock.addAndGet(20); // expired, and the active cycle has not run
      assertThat(run(store, "SET", "s", "now a string")).isEqualTo(Reply.OK);
      assertThat(subKeys(engine)).isZero();
      run(store, "RPUSH", "l", "x", "y");
      run(store, "PEXPIRE", "l", "10");
      clock.addAndGet(20);
      assertThat(run(store, "SADD", "l", "fresh")).isEqualTo(Reply.ONE);
      assertThat(subKeys(engine)).isEqualTo(1);
      assertThat(run(store, "SMEMBERS", "l")).usingRecursiveComparison().isEqualTo(new Reply.SetReply(List.of(Reply.bulk("fresh"))));
    }
  }

  /** Clustered, a script may touch only keys of slots its node serves, as Redis Cluster's scripts may. */
  @Test
  void aScriptThatTouchesAKeyAnotherNodeServesFailsAndWritesNothing() throws Exception {
    try (Engine opened = Engine.open(EngineOptions.builder(dir).build())) {
      engine = opened;
      RedisStore store = new RedisStore(engine, clock::get);
      store.serveOnly(key -> !new String(key, UTF_8).equals("theirs"));
      Reply reply = run(store, "EVAL", "redis.call('set', 'mine', '1') return redis.call('set', 'theirs', '1')", "0");
      assertThat(((Reply.Err) reply).text()).startsWith("ERR Script attempted to access a non local key in a cluster node script: ");
      assertThat(run(store, "GET", "theirs")).usingRecursiveComparison().isEqualTo(Reply.NULL_BULK);
      assertThat(run(store, "GET", "mine")).usingRecursiveComparison().isEqualTo(Reply.bulk("1")); // as Redis: kept
    }
  }
}
