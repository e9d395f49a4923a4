package io.comdb.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only view, whole batches for readers, versions, and write groups' durability. */
class ReadViewTest {
  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void theReadViewHasNoWayToWrite() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
      ReadView view = db.readView();
      assertThat(view).isNotInstanceOf(Engine.class);
      List<String> methods = Arrays.stream(view.getClass().getMethods()).map(Method::getName).toList();
      assertThat(methods).doesNotContain("put", "delete", "write", "newWriteBatch", "beginGroup", "beginTransaction", "merge", "engine");
      assertThat(db.maintenance()).isNotInstanceOf(Engine.class);
    }
  }

  @Test
  void readersSeeEveryBatchWholeNeverHalfOfIt() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).dataFileSize(64 << 10).build())) {
      ReadView view = db.readView();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      Future<Long> writer = pool.submit(() -> {
        long i = 0;
        while (!stop.get()) {
          i++;
          db.write(new WriteBatch().put(b("a"), b(Long.toString(i))).put(b("b"), b(Long.toString(i))));
        }
        return i;
      });
      List<Future<Long>> readers = List.of(pool.submit(() -> readPairs(view, stop)), pool.submit(() -> readPairs(view, stop)));
      Thread.sleep(1500);
      stop.set(true);
      assertThat(writer.get()).isGreaterThan(100);
      for (Future<Long> r : readers) {
        assertThat(r.get()).as("pairs read").isGreaterThan(100);
      }
      pool.shutdown();
    }
  }

  /** Reads a and b together until told to stop; fails if they ever differ. Returns how many pairs it read. */
  private static long readPairs(ReadView view, AtomicBoolean stop) throws Exception {
    long pairs = 0;
    while (!stop.get()) {
      byte[][] pair = view.atomically(() -> new byte[][] {view.get(b("a")), view.get(b("b"))});
      assertThat(pair[0]).isEqualTo(pair[1]);
      pairs++;
    }
    return pairs;
  }

  /** The key's version as {@link ReadView#versioned} gives it, 0 when the key has no value. */
  private static long version(ReadView view, byte[] key) throws Exception {
    Versioned v = view.versioned(key);
    return v == null ? 0 : v.version();
  }

  @Test
  void aKeysVersionIsTheSequenceOfItsRecord() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
      assertThat(db.readView().versioned(b("k"))).isNull();
      db.put(b("k"), b("1"));
      long first = version(db.readView(), b("k"));
      assertThat(db.readView().versioned(b("k")).value()).isEqualTo(b("1"));
      db.put(b("other"), b("x"));
      assertThat(version(db.readView(), b("k"))).isEqualTo(first);
      db.put(b("k"), b("2"));
      assertThat(version(db.readView(), b("k"))).isEqualTo(db.stats().lastSequence()).isGreaterThan(first);
      db.delete(b("k"));
      assertThat(version(db.readView(), b("k"))).isZero();
    }
  }

  @Test
  void underSyncAlwaysAGroupsWritesBecomeDurableTogetherWhenItCloses() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).syncMode(SyncMode.ALWAYS).build())) {
      db.put(b("before"), b("x"));
      assertThat(db.stats().durableSequence()).as("a single put returns durable").isEqualTo(db.stats().lastSequence());
      long syncs = db.groupCommitSyncs();
      WriteGroup group = db.beginGroup();
      group.put(b("a"), b("1"));
      group.write(new WriteBatch().put(b("b"), b("2")).delete(b("before")));
      group.delete(b("missing"));
      assertThat(db.get(b("a"))).as("applied at once").isEqualTo(b("1"));
      assertThat(db.stats().durableSequence()).as("but not yet durable").isLessThan(db.stats().lastSequence());
      group.close();
      assertThat(db.stats().durableSequence()).isEqualTo(db.stats().lastSequence()).isEqualTo(group.lastSequence());
      assertThat(db.groupCommitSyncs() - syncs).as("one fsync for the group").isEqualTo(1);
    }
  }

  @Test
  void aGroupRecordsTheChangesItAppliedWhenAsked() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).build())) {
      db.put(b("old"), b("x"));
      try (WriteGroup group = db.beginGroup()) {
        group.put(b("before"), b("not recorded"));
        group.recordChanges();
        group.put(b("a"), b("1"));
        group.delete(b("missing")); // changed nothing: not a change
        group.delete(b("old"));
        group.write(new WriteBatch().put(b("b"), b("2")).delete(b("a")));
        Transaction txn = db.beginTransaction();
        txn.put(b("c"), b("3"));
        group.commit(txn);
        group.pauseChanges();
        group.put(b("copied"), b("from another node"));
        group.recordChanges();
        assertThat(group.changes()).extracting(c -> new String(c.key(), UTF_8) + "=" + (c.value() == null ? null : new String(c.value(), UTF_8)))
            .containsExactly("a=1", "old=null", "b=2", "a=null", "c=3");
      }
    }
  }
}
