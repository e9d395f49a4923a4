package io.comdb.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Both keydirs against a sorted map: point operations, compare-and-swap, and ranged iteration. */
class KeydirTest {
  @Provide
  Arbitrary<byte[]> keys() {
    // Few distinct bytes, so prefixes and collisions are common; 0xFF exercises prefix ends.
    return Arbitraries.of((byte) 0, (byte) 1, (byte) 'a', (byte) 0xFF).array(byte[].class).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<byte[]>> keyLists() {
    return keys().list().ofMaxSize(200);
  }

  @Property(tries = 300)
  void agreesWithASortedMap(@ForAll("keyLists") List<byte[]> ops, @ForAll IndexKind kind,
      @ForAll("keys") byte[] prefix, @ForAll("keys") byte[] start, @ForAll boolean reverse) {
    Keydir keydir = Keydir.create(kind);
    TreeMap<byte[], Long> model = new TreeMap<>(Arrays::compareUnsigned);
    long location = 0;
    for (byte[] key : ops) {
      location++;
      if (location % 3 == 0) {
        Long removed = model.remove(key);
        assertThat(keydir.remove(key)).isEqualTo(removed == null ? Location.NONE : removed);
      } else if (location % 7 == 0) {
        Long current = model.get(key);
        boolean swapped = current != null && keydir.replace(key, current, location);
        if (swapped) {
          model.put(key, location);
        }
        assertThat(keydir.replace(key, -2, location)).isFalse();
      } else {
        Long previous = model.put(key.clone(), location);
        assertThat(keydir.put(key.clone(), location)).isEqualTo(previous == null ? Location.NONE : previous);
      }
      assertThat(keydir.get(key)).isEqualTo(model.getOrDefault(key, Location.NONE));
      assertThat(keydir.size()).isEqualTo(model.size());
    }
    List<String> expected = new ArrayList<>();
    NavigableMap<byte[], Long> view = KeyRange.of(prefix, start, reverse).of(model, k -> k);
    for (Map.Entry<byte[], Long> e : (reverse ? view.descendingMap() : view).entrySet()) {
      expected.add(Arrays.toString(e.getKey()) + "=" + e.getValue());
    }
    for (Map.Entry<byte[], Long> e : model.entrySet()) {
      boolean inPrefix = Arrays.equals(e.getKey(), 0, Math.min(prefix.length, e.getKey().length), prefix, 0, prefix.length);
      boolean pastStart = !reverse ? Arrays.compareUnsigned(e.getKey(), start) >= 0 : Arrays.compareUnsigned(e.getKey(), start) <= 0;
      assertThat(expected.contains(Arrays.toString(e.getKey()) + "=" + e.getValue())).isEqualTo(inPrefix && pastStart);
    }
    List<String> actual = new ArrayList<>();
    for (Iterator<Map.Entry<byte[], Long>> it = keydir.entries(prefix, start, reverse); it.hasNext(); ) {
      Map.Entry<byte[], Long> e = it.next();
      actual.add(Arrays.toString(e.getKey()) + "=" + e.getValue());
    }
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  @Property(tries = 50)
  void removeIfDropsExactlyTheMatchingEntries(@ForAll("keyLists") List<byte[]> keys, @ForAll IndexKind kind) {
    Keydir keydir = Keydir.create(kind);
    TreeMap<byte[], Long> model = new TreeMap<>(Arrays::compareUnsigned);
    long n = 0;
    for (byte[] k : keys) {
      long location = ++n % 2 == 0 ? Location.tombstone(1, n) : Location.of(1, n);
      keydir.put(k, location);
      model.put(k, location);
    }
    keydir.removeIf(Location::isTombstone);
    model.values().removeIf(Location::isTombstone);
    assertThat(keydir.size()).isEqualTo(model.size());
    for (byte[] k : keys) {
      assertThat(keydir.get(k)).isEqualTo(model.getOrDefault(k, Location.NONE));
    }
  }
}
