package io.comdb.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * {@link IndexKind#HASH}: open addressing with linear probing over a key array and a location array, so
 * a key costs two array slots (12 bytes with compressed references, over a load factor of 1/2 to 3/4)
 * plus its {@code byte[]}.
 *
 * <p>Concurrency: one writer, lock-free readers. The writer publishes a slot's location before its key
 * (release stores) and clears a key by first clearing its location; a reader reads key, location, then
 * the key again (acquire loads) and retries the slot if the key changed, so it never pairs one key with
 * another's location. Deleted slots keep a {@link #DELETED} marker (moving entries back would hide them
 * from readers mid-probe) and are reclaimed when the table is rebuilt. A rebuild fills a new table and
 * publishes it with one volatile write; readers still on the old table see a state that was current
 * when they started.
 */
final class HashKeydir implements Keydir {
  private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(byte[][].class);
  private static final VarHandle LOCATIONS = MethodHandles.arrayElementVarHandle(long[].class);
  /** Marks a slot whose key was removed; compared by identity. */
  private static final byte[] DELETED = new byte[0];
  private static final int MIN_CAPACITY = 16;

  private static final class Table {
    final byte[][] keys;
    final long[] locations;
    final int mask;

    Table(int capacity) {
      keys = new byte[capacity][];
      locations = new long[capacity];
      mask = capacity - 1;
    }
  }

  private volatile Table table = new Table(MIN_CAPACITY);
  private volatile long size;
  private volatile long keyBytes;
  /** Live plus deleted slots: what decides when to rebuild. Writer only. */
  private int used;

  private static int slot(byte[] key, int mask) {
    int h = Arrays.hashCode(key) * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  @Override
  public long get(byte[] key) {
    Table t = table;
    int i = slot(key, t.mask);
    while (true) {
      byte[] k = (byte[]) KEYS.getAcquire(t.keys, i);
      if (k == null) {
        return Location.NONE;
      }
      if (k != DELETED && Arrays.equals(k, key)) {
        long location = (long) LOCATIONS.getAcquire(t.locations, i);
        if (KEYS.getAcquire(t.keys, i) == k) {
          return location;
        }
        continue; // the slot changed while we read it: look at it again
      }
      i = (i + 1) & t.mask;
    }
  }

  /** The slot holding {@code key} in {@code t}, or -1. Writer only (plain reads see the writer's own stores). */
  private static int find(Table t, byte[] key) {
    int i = slot(key, t.mask);
    for (byte[] k; (k = t.keys[i]) != null; i = (i + 1) & t.mask) {
      if (k != DELETED && Arrays.equals(k, key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public long put(byte[] key, long location) {
    Table t = table;
    int i = find(t, key);
    if (i >= 0) {
      long previous = t.locations[i];
      LOCATIONS.setRelease(t.locations, i, location);
      return previous;
    }
    insert(key, location);
    return Location.NONE;
  }

  @Override
  public long putIfAbsent(byte[] key, long location) {
    int i = find(table, key);
    if (i >= 0) {
      return table.locations[i];
    }
    insert(key, location);
    return Location.NONE;
  }

  /** Adds a key known to be absent. */
  private void insert(byte[] key, long location) {
    Table t = table;
    if (used + 1 > (t.mask + 1) / 4 * 3) {
      t = rebuild(size + 1);
    }
    int i = slot(key, t.mask);
    while (t.keys[i] != null && t.keys[i] != DELETED) {
      i = (i + 1) & t.mask;
    }
    if (t.keys[i] == null) {
      used++;
    }
    LOCATIONS.setRelease(t.locations, i, location);
    KEYS.setRelease(t.keys, i, key);
    size = size + 1;
    keyBytes = keyBytes + key.length;
  }

  @Override
  public long remove(byte[] key) {
    Table t = table;
    int i = find(t, key);
    if (i < 0) {
      return Location.NONE;
    }
    long previous = t.locations[i];
    clear(t, i);
    return previous;
  }

  private void clear(Table t, int i) {
    keyBytes = keyBytes - t.keys[i].length;
    LOCATIONS.setRelease(t.locations, i, Location.NONE);
    KEYS.setRelease(t.keys, i, DELETED);
    size = size - 1;
  }

  @Override
  public boolean replace(byte[] key, long expected, long location) {
    Table t = table;
    int i = find(t, key);
    if (i < 0 || t.locations[i] != expected) {
      return false;
    }
    LOCATIONS.setRelease(t.locations, i, location);
    return true;
  }

  @Override
  public void removeIf(LongPredicate location) {
    Table t = table;
    for (int i = 0; i <= t.mask; i++) {
      byte[] k = t.keys[i];
      if (k != null && k != DELETED && location.test(t.locations[i])) {
        clear(t, i);
      }
    }
  }

  /** Builds a table sized for {@code live} keys at a load of at most 1/2 and publishes it. */
  private Table rebuild(long live) {
    Table old = table;
    int capacity = MIN_CAPACITY;
    while (capacity < live * 2) {
      capacity <<= 1;
    }
    Table t = new Table(capacity);
    for (int j = 0; j <= old.mask; j++) {
      byte[] k = old.keys[j];
      if (k != null && k != DELETED) {
        int i = slot(k, t.mask);
        while (t.keys[i] != null) {
          i = (i + 1) & t.mask;
        }
        t.keys[i] = k;
        t.locations[i] = old.locations[j];
      }
    }
    used = (int) size;
    table = t; // volatile: publishes the filled arrays
    return t;
  }

  @Override
  public long keyBytes() {
    return keyBytes;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Iterator<Map.Entry<byte[], Long>> entries(byte[] prefix, byte[] start, boolean reverse) {
    KeyRange range = KeyRange.of(prefix, start, reverse);
    List<Map.Entry<byte[], Long>> matches = new ArrayList<>();
    if (!range.isEmpty()) {
      Table t = table;
      for (int i = 0; i <= t.mask; i++) {
        byte[] k = (byte[]) KEYS.getAcquire(t.keys, i);
        if (k != null && k != DELETED && range.contains(k)) {
          long location = (long) LOCATIONS.getAcquire(t.locations, i);
          if (location != Location.NONE && KEYS.getAcquire(t.keys, i) == k) {
            matches.add(Map.entry(k, location));
          }
        }
      }
    }
    matches.sort(reverse ? (a, b) -> Arrays.compareUnsigned(b.getKey(), a.getKey()) : (a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
    return matches.iterator();
  }

  @Override
  public String describe() {
    return "hash table, " + size + " keys in " + (table.mask + 1) + " slots";
  }
}
