package io.comdb.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * {@link IndexKind#ORDERED}: a {@link ConcurrentSkipListMap} in unsigned byte order whose entries map to
 * themselves. Each {@link Slot} holds the key and its location in a mutable field, so a key costs one
 * skip-list node, its share of index nodes, one slot and the key array (no boxed {@code Long}), and an
 * overwrite updates the slot in place without touching the list.
 */
final class OrderedKeydir implements Keydir {
  /** A key and where its newest record is; the location changes in place (single writer, volatile for readers). */
  static final class Slot {
    private static final VarHandle LOCATION;

    static {
      try {
        LOCATION = MethodHandles.lookup().findVarHandle(Slot.class, "location", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final byte[] key;
    private volatile long location;

    Slot(byte[] key, long location) {
      this.key = key;
      this.location = location;
    }

    long location() {
      return location;
    }

    boolean compareAndSet(long expected, long update) {
      return LOCATION.compareAndSet(this, expected, update);
    }
  }

  private static final Comparator<Slot> ORDER = (a, b) -> Arrays.compareUnsigned(a.key, b.key);

  private final ConcurrentSkipListMap<Slot, Slot> map = new ConcurrentSkipListMap<>(ORDER);
  /** The skip list's own size() walks every node; the single writer keeps count instead. */
  private final AtomicLong size = new AtomicLong();

  private static Slot probe(byte[] key) {
    return new Slot(key, Location.NONE);
  }

  @Override
  public long get(byte[] key) {
    Slot slot = map.get(probe(key));
    return slot == null ? Location.NONE : slot.location();
  }

  @Override
  public long put(byte[] key, long location) {
    Slot fresh = new Slot(key, location);
    Slot existing = map.putIfAbsent(fresh, fresh);
    if (existing == null) {
      size.incrementAndGet();
      return Location.NONE;
    }
    long previous = existing.location();
    existing.location = location;
    return previous;
  }

  @Override
  public long putIfAbsent(byte[] key, long location) {
    Slot fresh = new Slot(key, location);
    Slot existing = map.putIfAbsent(fresh, fresh);
    if (existing == null) {
      size.incrementAndGet();
      return Location.NONE;
    }
    return existing.location();
  }

  @Override
  public long remove(byte[] key) {
    Slot removed = map.remove(probe(key));
    if (removed == null) {
      return Location.NONE;
    }
    size.decrementAndGet();
    return removed.location();
  }

  @Override
  public boolean replace(byte[] key, long expected, long location) {
    Slot slot = map.get(probe(key));
    return slot != null && slot.compareAndSet(expected, location);
  }

  @Override
  public void removeIf(LongPredicate location) {
    for (Iterator<Slot> it = map.keySet().iterator(); it.hasNext(); ) {
      if (location.test(it.next().location())) {
        it.remove();
        size.decrementAndGet();
      }
    }
  }

  @Override
  public long size() {
    return size.get();
  }

  @Override
  public Iterator<Map.Entry<byte[], Long>> entries(byte[] prefix, byte[] start, boolean reverse) {
    KeyRange range = KeyRange.of(prefix, start, reverse);
    NavigableMap<Slot, Slot> view = range.of(map, OrderedKeydir::probe);
    Iterator<Slot> slots = (reverse ? view.descendingKeySet() : view.navigableKeySet()).iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return slots.hasNext();
      }

      @Override
      public Map.Entry<byte[], Long> next() {
        Slot s = slots.next();
        return Map.entry(s.key, s.location());
      }
    };
  }

  @Override
  public String describe() {
    return "ordered skip list, " + size() + " keys";
  }
}
