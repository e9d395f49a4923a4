package io.comdb.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Model-based: random sequences of put, delete, batch, transaction (committed or discarded, reading its own
 * writes as it goes), write group, merge, close-and-reopen and backup-and-switch, checked after every step
 * against a sorted map. Small data files, so rotation and multi-file merges happen within a few steps. A
 * failure prints the shrunk sequence.
 */
class EngineModelTest {
  sealed interface Step permits Put, Delete, Read, Batch, Txn, Group, Merge, Reopen, BackupAndSwitch {}

  record Put(int key, byte[] value) implements Step {
    @Override
    public String toString() {
      return "put(k" + key + ", " + value.length + " bytes)";
    }
  }

  record Delete(int key) implements Step {}

  record Read(int key) implements Step {}

  record Batch(List<Step> ops) implements Step {}

  /** A transaction: its puts, deletes and reads (which must see its own writes), then commit or discard. */
  record Txn(List<Step> ops, boolean commit) implements Step {}

  /** Puts and deletes through one write group. */
  record Group(List<Step> ops) implements Step {}

  record Merge() implements Step {}

  record Reopen() implements Step {}

  record BackupAndSwitch() implements Step {}

  private static final java.util.Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, 20);
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    Arbitrary<Step> put = Combinators.combine(keys, values).as(Put::new);
    Arbitrary<Step> delete = keys.map(Delete::new);
    Arbitrary<Step> batch = Arbitraries.frequencyOf(Tuple.of(3, put), Tuple.of(1, delete)).list().ofMinSize(1).ofMaxSize(6).map(Batch::new);
    Arbitrary<Step> read = keys.map(Read::new);
    Arbitrary<Step> txn = Combinators.combine(
        Arbitraries.frequencyOf(Tuple.of(3, put), Tuple.of(1, delete), Tuple.of(3, read)).list().ofMaxSize(8),
        Arbitraries.of(true, true, false)).as(Txn::new);
    Arbitrary<Step> group = Arbitraries.frequencyOf(Tuple.of(3, put), Tuple.of(1, delete)).list().ofMinSize(1).ofMaxSize(6).map(Group::new);
    Arbitrary<Step> step = Arbitraries.frequencyOf(
        Tuple.of(12, put),
        Tuple.of(5, delete),
        Tuple.of(3, batch),
        Tuple.of(3, txn),
        Tuple.of(2, group),
        Tuple.of(1, Arbitraries.<Step>just(new Merge())),
        Tuple.of(1, Arbitraries.<Step>just(new Reopen())),
        Tuple.of(1, Arbitraries.<Step>just(new BackupAndSwitch())));
    return step.list().ofMaxSize(80);
  }

  @Property(tries = 200)
  void behavesLikeASortedMap(@ForAll("steps") List<Step> steps, @ForAll IndexKind index, @ForAll boolean grouped) throws IOException {
    Path root = Files.createTempDirectory("comdb-model");
    TreeMap<byte[], byte[]> model = new TreeMap<>(UNSIGNED);
    int generation = 0;
    Path dir = root.resolve("db" + generation);
    Engine db = Engine.open(options(dir, index, grouped));
    try {
      for (Step step : steps) {
        if (step instanceof Put p) {
          db.put(key(p.key()), p.value());
          model.put(key(p.key()), p.value());
        } else if (step instanceof Delete d) {
          assertThat(db.delete(key(d.key()))).isEqualTo(model.remove(key(d.key())) != null);
        } else if (step instanceof Batch b) {
          WriteBatch batch = db.newWriteBatch();
          for (Step op : b.ops()) {
            if (op instanceof Put p) {
              batch.put(key(p.key()), p.value());
              model.put(key(p.key()), p.value());
            } else if (op instanceof Delete d) {
              batch.delete(key(d.key()));
              model.remove(key(d.key()));
            }
          }
          batch.commit();
        } else if (step instanceof Txn t) {
          transaction(db, model, t);
        } else if (step instanceof Group g) {
          try (WriteGroup writes = db.beginGroup()) {
            for (Step op : g.ops()) {
              if (op instanceof Put p) {
                writes.put(key(p.key()), p.value());
                model.put(key(p.key()), p.value());
              } else if (op instanceof Delete d) {
                assertThat(writes.delete(key(d.key())) >= 0).isEqualTo(model.remove(key(d.key())) != null);
              }
            }
          }
        } else if (step instanceof Merge) {
          db.merge();
          assertThat(db.stats().reclaimableBytes()).isZero();
        } else if (step instanceof Reopen) {
          db.close();
          db = Engine.open(options(dir, index, grouped));
        } else if (step instanceof BackupAndSwitch) {
          Path copy = root.resolve("db" + ++generation);
          db.backup(copy);
          db.close();
          dir = copy;
          db = Engine.open(options(dir, index, grouped));
        }
        check(db, model);
      }
    } finally {
      db.close();
      Merger.deleteRecursively(root);
    }
  }

  /** Runs a transaction against the model overlaid with its own writes; applies them if it commits. */
  private static void transaction(Engine db, TreeMap<byte[], byte[]> model, Txn t) throws IOException {
    TreeMap<byte[], byte[]> seen = new TreeMap<>(model);
    try (Transaction txn = db.beginTransaction()) {
      for (Step op : t.ops()) {
        if (op instanceof Put p) {
          txn.put(key(p.key()), p.value());
          seen.put(key(p.key()), p.value());
        } else if (op instanceof Delete d) {
          txn.delete(key(d.key()));
          seen.remove(key(d.key()));
        } else if (op instanceof Read r) {
          assertThat(txn.get(key(r.key()))).as("k%d in the transaction", r.key()).isEqualTo(seen.get(key(r.key())));
          assertThat(txn.contains(key(r.key()))).isEqualTo(seen.containsKey(key(r.key())));
        }
      }
      List<byte[]> keys = new ArrayList<>();
      try (EngineIterator it = txn.iterator(IteratorOptions.all())) {
        for (; it.isValid(); it.next()) {
          keys.add(it.key());
          assertThat(it.value()).isEqualTo(seen.get(it.key()));
        }
      }
      assertThat(keys).usingElementComparator(UNSIGNED).containsExactlyElementsOf(seen.keySet());
      List<byte[]> reversed = new ArrayList<>();
      try (EngineIterator it = txn.iterator(IteratorOptions.prefix(new byte[] {'k', '1'}).reversed())) {
        for (; it.isValid(); it.next()) {
          reversed.add(it.key());
        }
      }
      assertThat(reversed).usingElementComparator(UNSIGNED)
          .containsExactlyElementsOf(seen.subMap(new byte[] {'k', '1'}, true, new byte[] {'k', '2'}, false).descendingKeySet());
      if (t.commit()) {
        txn.commit();
        model.clear();
        model.putAll(seen);
      }
    }
  }

  /** Three groups, by the key's last digit: what a cluster node's slots are to it. */
  private static final KeyGroups BY_LAST_DIGIT = new KeyGroups() {
    @Override
    public int count() {
      return 3;
    }

    @Override
    public int of(byte[] key) {
      return key[key.length - 1] % 3;
    }
  };

  private static EngineOptions options(Path dir, IndexKind index, boolean grouped) {
    return EngineOptions.builder(dir).dataFileSize(4096).indexKind(index).keyGroups(grouped ? BY_LAST_DIGIT : null).build();
  }

  private static void check(Engine db, TreeMap<byte[], byte[]> model) throws IOException {
    assertThat(db.stats().liveKeys()).isEqualTo(model.size());
    for (int k = 0; k <= 20; k++) {
      assertThat(db.get(key(k))).as("k%d", k).isEqualTo(model.get(key(k)));
    }
    List<byte[]> keys = db.listKeys();
    assertThat(keys).usingElementComparator(UNSIGNED).containsExactlyElementsOf(model.keySet());
    List<byte[]> reversed = new ArrayList<>();
    try (EngineIterator it = db.iterator(IteratorOptions.prefix(new byte[] {'k', '1'}).reversed())) {
      for (; it.isValid(); it.next()) {
        reversed.add(it.key());
        assertThat(it.value()).isEqualTo(model.get(it.key()));
      }
    }
    byte[] low = {'k', '1'};
    byte[] high = {'k', '2'};
    assertThat(reversed).usingElementComparator(UNSIGNED)
        .containsExactlyElementsOf(model.subMap(low, true, high, false).descendingKeySet());
    if (db.options().keyGroups() != null) {
      checkGroups(db, model);
    }
  }

  /** Each group's iterator walks exactly the model's keys of that group, in order, from the start or a seek. */
  private static void checkGroups(Engine db, TreeMap<byte[], byte[]> model) throws IOException {
    for (int group = 0; group < BY_LAST_DIGIT.count(); group++) {
      List<byte[]> expected = new ArrayList<>();
      for (byte[] k : model.keySet()) {
        if (BY_LAST_DIGIT.of(k) == group) {
          expected.add(k);
        }
      }
      List<byte[]> walked = new ArrayList<>();
      try (EngineIterator it = db.groupIterator(group)) {
        for (; it.isValid(); it.next()) {
          walked.add(it.key());
          assertThat(it.value()).isEqualTo(model.get(it.key()));
        }
        if (expected.size() > 1) {
          byte[] middle = expected.get(expected.size() / 2);
          it.seek(middle);
          assertThat(it.key()).isEqualTo(middle);
        }
      }
      assertThat(walked).as("group %d", group).usingElementComparator(UNSIGNED).containsExactlyElementsOf(expected);
    }
  }

  private static byte[] key(int k) {
    return ("k" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
