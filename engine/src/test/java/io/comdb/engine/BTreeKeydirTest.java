package io.comdb.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The B+tree against a sorted map, with small fanouts so that few keys make deep trees. */
class BTreeKeydirTest {
  private static byte[] randomKey(SplittableRandom random, int alphabet, int maxLength) {
    byte[] key = new byte[random.nextInt(maxLength + 1)];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (random.nextInt(alphabet) * (256 / alphabet));
    }
    return key;
  }

  /** Inserts, overwrites, removes and compare-and-swaps, then checks every key and some ranges. */
  @Property(tries = 200)
  void agreesWithASortedMapThroughSplitsAndUnlinks(@ForAll @IntRange(min = 4, max = 9) int fanout,
      @ForAll @IntRange(min = 0, max = 3000) int operations, @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    agreesWithASortedMap(fanout, operations, random, () -> randomKey(random, 8, 12));
  }

  /**
   * Keys that share long starts of different lengths (as Redis sub-keys and {@code user:...} keys do),
   * mixed with keys that are prefixes of those starts: nodes narrow and widen their shared start.
   */
  @Property(tries = 200)
  void agreesWithASortedMapWhenKeysShareLongStarts(@ForAll @IntRange(min = 4, max = 9) int fanout,
      @ForAll @IntRange(min = 0, max = 3000) int operations, @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] starts = {new byte[0], "\0\2\0\0\0\0\6myhash".getBytes(), "\0\2\0\0\0\0\6myhash\1\2\3\4\5\6\7".getBytes(),
        "user:000000000".getBytes(), "user:0000".getBytes()};
    agreesWithASortedMap(fanout, operations, random, () -> {
      byte[] start = starts[random.nextInt(starts.length)];
      if (random.nextInt(10) == 0) {
        return Arrays.copyOf(start, random.nextInt(start.length + 1)); // a prefix of a shared start
      }
      byte[] suffix = randomKey(random, 4, 6);
      byte[] key = Arrays.copyOf(start, start.length + suffix.length);
      System.arraycopy(suffix, 0, key, start.length, suffix.length);
      return key;
    });
  }

  /**
   * Short keys of zero bytes and little else, of every length around the 7 inline bytes: "a", "a\0",
   * "a\0\0" ... order by length where their bytes tie, and equal inline values must mean equal keys.
   */
  @Property(tries = 200)
  void agreesWithASortedMapOnShortKeysThatDifferInTrailingZeros(@ForAll @IntRange(min = 4, max = 9) int fanout,
      @ForAll @IntRange(min = 0, max = 2000) int operations, @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    agreesWithASortedMap(fanout, operations, random, () -> {
      byte[] key = new byte[random.nextInt(20)];
      for (int i = 0; i < key.length; i++) {
        key[i] = (byte) (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
      }
      return key;
    });
  }

  private static void agreesWithASortedMap(int fanout, int operations, SplittableRandom random, java.util.function.Supplier<byte[]> keys) {
    BTreeKeydir tree = new BTreeKeydir(fanout);
    TreeMap<byte[], Long> model = new TreeMap<>(Arrays::compareUnsigned);
    for (int op = 1; op <= operations; op++) {
      byte[] key = keys.get();
      int kind = random.nextInt(10);
      if (kind < 5) {
        Long previous = model.put(key, (long) op);
        assertThat(tree.put(key, op)).isEqualTo(previous == null ? Location.NONE : previous);
      } else if (kind < 8) {
        Long previous = model.remove(key);
        assertThat(tree.remove(key)).isEqualTo(previous == null ? Location.NONE : previous);
      } else if (kind < 9) {
        Long current = model.get(key);
        if (current != null && tree.replace(key, current, -op)) {
          model.put(key, (long) -op);
        }
        assertThat(current == null || model.get(key) == -op).isTrue();
      } else {
        Long current = model.putIfAbsent(key, (long) op);
        assertThat(tree.putIfAbsent(key, op)).isEqualTo(current == null ? Location.NONE : current);
      }
    }
    assertThat(tree.size()).isEqualTo(model.size());
    for (Map.Entry<byte[], Long> e : model.entrySet()) {
      assertThat(tree.get(e.getKey())).isEqualTo(e.getValue());
    }
    for (int r = 0; r < 20; r++) {
      byte[] prefix = random.nextBoolean() ? randomKey(random, 8, 2) : Arrays.copyOf(keys.get(), random.nextInt(12));
      byte[] start = random.nextBoolean() ? null : random.nextBoolean() ? randomKey(random, 8, 4) : keys.get();
      boolean reverse = random.nextBoolean();
      assertThat(entries(tree, prefix, start, reverse)).containsExactlyElementsOf(expected(model, prefix, start, reverse));
    }
  }

  @Test
  void manyRandomKeysAtTheDefaultFanout() {
    SplittableRandom random = new SplittableRandom(7);
    BTreeKeydir tree = new BTreeKeydir();
    TreeMap<byte[], Long> model = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < 300_000; i++) {
      byte[] key = new byte[16];
      random.nextBytes(key);
      tree.put(key, i);
      model.put(key, (long) i);
    }
    int removed = 0;
    for (Iterator<byte[]> it = model.keySet().iterator(); it.hasNext(); ) {
      byte[] key = it.next();
      if (random.nextInt(3) == 0) {
        assertThat(tree.remove(key)).isNotEqualTo(Location.NONE);
        it.remove();
        removed++;
      }
    }
    assertThat(removed).isPositive();
    assertThat(tree.size()).isEqualTo(model.size());
    assertThat(entries(tree, new byte[0], null, false)).containsExactlyElementsOf(expected(model, new byte[0], null, false));
    assertThat(entries(tree, new byte[] {(byte) 0x80}, null, true))
        .containsExactlyElementsOf(expected(model, new byte[] {(byte) 0x80}, null, true));
    for (byte[] key : model.keySet()) {
      tree.remove(key);
    }
    assertThat(tree.size()).isZero();
    assertThat(tree.entries(new byte[0], null, false).hasNext()).isFalse();
    tree.put(new byte[] {1}, 1);
    assertThat(tree.get(new byte[] {1})).isEqualTo(1);
  }

  private static List<String> entries(Keydir keydir, byte[] prefix, byte[] start, boolean reverse) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<byte[], Long>> it = keydir.entries(prefix, start, reverse); it.hasNext(); ) {
      Map.Entry<byte[], Long> e = it.next();
      out.add(Arrays.toString(e.getKey()) + "=" + e.getValue());
    }
    return out;
  }

  private static List<String> expected(TreeMap<byte[], Long> model, byte[] prefix, byte[] start, boolean reverse) {
    NavigableMap<byte[], Long> view = KeyRange.of(prefix, start, reverse).of(model, k -> k);
    List<String> out = new ArrayList<>();
    for (Map.Entry<byte[], Long> e : (reverse ? view.descendingMap() : view).entrySet()) {
      out.add(Arrays.toString(e.getKey()) + "=" + e.getValue());
    }
    return out;
  }
}
