package io.comdb.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optimistic transactions: snapshot reads, own writes, atomic commits, conflicts, and update's retries. */
class TransactionTest {
  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static long number(byte[] value) {
    return value == null ? 0 : Long.parseLong(new String(value, UTF_8));
  }

  private Engine open() throws Exception {
    return Engine.open(EngineOptions.builder(dir).build());
  }

  @Test
  void aTransactionReadsItsOwnWritesAndCommitsThemAsOneBatch() throws Exception {
    try (Engine db = open()) {
      db.put(b("a"), b("1"));
      db.put(b("gone"), b("x"));
      try (Transaction t = db.beginTransaction()) {
        t.put(b("b"), b("2")).delete(b("gone")).put(b("a"), b("3"));
        assertThat(t.get(b("a"))).isEqualTo(b("3"));
        assertThat(t.get(b("gone"))).isNull();
        assertThat(t.contains(b("b"))).isTrue();
        assertThat(db.get(b("b"))).as("nobody else sees it before the commit").isNull();
        assertThat(t.commit()).isEqualTo(db.stats().lastSequence());
      }
    }
    try (Engine db = open()) {
      assertThat(db.get(b("a"))).isEqualTo(b("3"));
      assertThat(db.get(b("b"))).isEqualTo(b("2"));
      assertThat(db.get(b("gone"))).isNull();
    }
  }

  @Test
  void aRollbackToAMarkTakesBackOnlyTheWritesAfterIt() throws Exception {
    try (Engine db = open()) {
      db.put(b("kept"), b("0"));
      try (Transaction t = db.beginTransaction()) {
        t.put(b("a"), b("1")).delete(b("kept"));
        int outer = t.mark();
        t.put(b("a"), b("2")).put(b("b"), b("2")).put(b("kept"), b("back"));
        int inner = t.mark();
        t.put(b("c"), b("3"));
        t.release(inner); // c stays with the outer mark's writes
        t.rollback(outer);
        assertThat(t.get(b("a"))).isEqualTo(b("1"));
        assertThat(t.get(b("b"))).isNull();
        assertThat(t.get(b("c"))).isNull();
        assertThat(t.get(b("kept"))).as("the delete before the mark stays").isNull();
        t.put(b("d"), b("4"));
        t.commit();
      }
      assertThat(db.get(b("a"))).isEqualTo(b("1"));
      assertThat(db.get(b("b"))).isNull();
      assertThat(db.get(b("kept"))).isNull();
      assertThat(db.get(b("d"))).isEqualTo(b("4"));
    }
  }

  @Test
  void aCommitWhoseReadsChangedSinceTheSnapshotConflictsAndWritesNothing() throws Exception {
    try (Engine db = open()) {
      db.put(b("balance"), b("100"));
      Transaction t = db.beginTransaction();
      long balance = number(t.get(b("balance")));
      t.put(b("balance"), b(Long.toString(balance - 30)));
      t.put(b("audit"), b("withdrew 30"));
      db.put(b("balance"), b("50")); // another writer, after the snapshot
      assertThatThrownBy(t::commit).isInstanceOf(TransactionConflictException.class);
      assertThat(db.get(b("balance"))).isEqualTo(b("50"));
      assertThat(db.get(b("audit"))).isNull();
      assertThatThrownBy(() -> t.put(b("x"), b("y"))).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aReadOfAKeyWrittenAfterTheSnapshotFailsAtOnceInsteadOfSeeingTheNewValue() throws Exception {
    try (Engine db = open(); Transaction t = db.beginTransaction()) {
      db.put(b("k"), b("new"));
      assertThatThrownBy(() -> t.get(b("k"))).isInstanceOf(TransactionConflictException.class);
      assertThatThrownBy(() -> t.contains(b("k"))).isInstanceOf(TransactionConflictException.class);
      assertThat(t.get(b("other"))).isNull(); // untouched keys read as they were
    }
  }

  @Test
  void blindWritesDoNotConflictAndTheLastCommitWins() throws Exception {
    try (Engine db = open()) {
      Transaction first = db.beginTransaction();
      Transaction second = db.beginTransaction();
      first.put(b("k"), b("first"));
      second.put(b("k"), b("second"));
      second.commit();
      first.commit();
      assertThat(db.get(b("k"))).isEqualTo(b("first"));
    }
  }

  @Test
  void aDiscardedTransactionWritesNothingAndStopsTheConflictTracking() throws Exception {
    try (Engine db = open()) {
      try (Transaction t = db.beginTransaction()) {
        t.put(b("k"), b("v"));
        db.put(b("tracked"), b("while a transaction is open"));
        assertThat(db.conflicts().tracked()).isEqualTo(1);
      }
      assertThat(db.get(b("k"))).isNull();
      assertThat(db.conflicts().tracked()).as("no transaction open: nothing kept").isZero();
      db.put(b("untracked"), b("v"));
      assertThat(db.conflicts().tracked()).isZero();
    }
  }

  @Test
  void aCommitThatFailsWritesNothingAndStillClosesTheTransaction() throws Exception {
    try (Engine db = Engine.open(EngineOptions.builder(dir).dataFileSize(4096).build())) {
      Transaction t = db.beginTransaction();
      t.put(b("big"), new byte[3000]).put(b("bigger"), new byte[3000]);
      assertThatThrownBy(t::commit).isInstanceOf(LimitExceededException.class).hasMessageContaining("does not fit in one data file");
      assertThat(db.get(b("big"))).isNull();
      db.put(b("after"), b("v"));
      assertThat(db.conflicts().tracked()).as("no transaction is open any more").isZero();
    }
  }

  @Test
  void anIteratorWalksTheEngineAndTheTransactionsWritesInOneOrder() throws Exception {
    try (Engine db = open()) {
      for (String k : List.of("p1", "p3", "p5", "q1")) {
        db.put(b(k), b(k));
      }
      try (Transaction t = db.beginTransaction()) {
        t.put(b("p2"), b("new")).delete(b("p3")).put(b("p5"), b("changed")).put(b("p9"), b("last"));
        List<String> seen = new ArrayList<>();
        try (EngineIterator it = t.iterator(IteratorOptions.prefix(b("p")))) {
          for (; it.isValid(); it.next()) {
            seen.add(new String(it.key(), UTF_8) + "=" + new String(it.value(), UTF_8));
          }
        }
        assertThat(seen).containsExactly("p1=p1", "p2=new", "p5=changed", "p9=last");
        List<String> reversed = new ArrayList<>();
        try (EngineIterator it = t.iterator(IteratorOptions.prefix(b("p")).reversed())) {
          it.seek(b("p4"));
          for (; it.isValid(); it.next()) {
            reversed.add(new String(it.key(), UTF_8));
          }
        }
        assertThat(reversed).containsExactly("p2", "p1");
      }
    }
  }

  @Test
  void concurrentUpdatesOfOneCounterRetryOnConflictsAndLoseNoIncrement() throws Exception {
    int threads = 4;
    int increments = 300;
    AtomicInteger runs = new AtomicInteger();
    try (Engine db = open()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(pool.submit(() -> {
          for (int n = 0; n < increments; n++) {
            db.update(t -> {
              runs.incrementAndGet();
              long value = number(t.get(b("counter")));
              Thread.yield(); // widen the window between the read and the commit
              t.put(b("counter"), b(Long.toString(value + 1)));
              return null;
            });
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      assertThat(number(db.get(b("counter")))).isEqualTo((long) threads * increments);
      assertThat(runs.get()).as("some runs conflicted and ran again").isGreaterThan(threads * increments);
      assertThat(db.conflicts().tracked()).isZero();
    }
  }

  @Test
  void updateGivesUpAfterItsAttemptsWhenEveryOneConflicts() throws Exception {
    try (Engine db = open()) {
      AtomicInteger runs = new AtomicInteger();
      assertThatThrownBy(() -> db.update(t -> {
        runs.incrementAndGet();
        t.get(b("hot"));
        db.put(b("hot"), b("changed under it")); // every run's read is stale by its commit
        t.put(b("hot"), b("mine"));
        return null;
      })).isInstanceOf(TransactionConflictException.class);
      assertThat(runs.get()).isEqualTo(Engine.UPDATE_ATTEMPTS);
    }
  }
}
