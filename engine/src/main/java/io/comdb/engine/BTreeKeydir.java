package io.comdb.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongPredicate;

/**
 * {@link IndexKind#ORDERED}: a B+tree in unsigned key order. Nodes hold sorted arrays, and every entry
 * carries the first 8 bytes of its key as a {@code long}, so nearly every comparison is a primitive compare
 * within one array: a lookup costs a few cache misses per level instead of one per skip-list hop, and a
 * key costs about 12 array bytes at the typical 70% fill, plus its {@code byte[]}.
 *
 * <p>Concurrency: one writer at a time (the engine's write lock), which takes the tree's write lock for
 * each change. Point reads are optimistic: they read without locking and {@link StampedLock#validate}
 * afterwards, falling back to the read lock if a write intervened (a torn read may throw inside the
 * optimistic section; that is caught and counts as a failed validation). Iterators copy entries out in
 * chunks under the read lock and resume after the last key they returned, so they never hold a lock
 * between calls and are weakly consistent.
 *
 * <p>Deletion removes empty nodes but does not rebalance: underfull nodes are allowed (lookups stay
 * logarithmic in the number of keys ever held; the tree is rebuilt at each open).
 */
final class BTreeKeydir implements Keydir {
  static final int DEFAULT_FANOUT = 64;
  private static final int CHUNK = 128;
  private static final int MAX_DEPTH = 32;

  private abstract static class Node {
    final long[] prefixes;
    final byte[][] keys;
    int count;

    Node(int fanout) {
      prefixes = new long[fanout];
      keys = new byte[fanout][];
    }

    /** Compares the probe with entry {@code i}. */
    final int compare(long prefix, byte[] key, int i) {
      int c = Long.compareUnsigned(prefix, prefixes[i]);
      if (c != 0) {
        return c;
      }
      byte[] other = keys[i];
      // Equal prefixes: the first 8 bytes are equal (or both keys are shorter and zero-padded alike).
      return key.length >= 8 && other.length >= 8
          ? Arrays.compareUnsigned(key, 8, key.length, other, 8, other.length)
          : Arrays.compareUnsigned(key, other);
    }

    /** Binary search of entries {@code from..count-1}: the key's index, or {@code -(insertion point) - 1}. */
    final int search(int from, long prefix, byte[] key) {
      int lo = from;
      int hi = count - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = compare(prefix, key, mid);
        if (c > 0) {
          lo = mid + 1;
        } else if (c < 0) {
          hi = mid - 1;
        } else {
          return mid;
        }
      }
      return -(lo + 1);
    }
  }

  /** Keys and their locations, sorted. */
  private static final class Leaf extends Node {
    final long[] locations;

    Leaf(int fanout) {
      super(fanout);
      locations = new long[fanout];
    }

    /** Index of the key, or {@code -(insertion point) - 1}. */
    int search(long prefix, byte[] key) {
      return search(0, prefix, key);
    }
  }

  /** Children and, for each child but the first, a key no greater than any key in it (its separator). */
  private static final class Inner extends Node {
    final Node[] children;

    Inner(int fanout) {
      super(fanout);
      children = new Node[fanout];
    }

    /** The child whose key range holds the probe: the last child whose separator is not greater. */
    int childFor(long prefix, byte[] key) {
      int i = search(1, prefix, key); // separators start at entry 1
      return i >= 0 ? i : -i - 2;
    }
  }

  private final int fanout;
  private final StampedLock lock = new StampedLock();
  private Node root;
  private volatile long size;
  /** The writer's descent path, reused: only the holder of the write lock touches them. */
  private final Inner[] path = new Inner[MAX_DEPTH];
  private final int[] slots = new int[MAX_DEPTH];

  BTreeKeydir() {
    this(DEFAULT_FANOUT);
  }

  /** {@code fanout}: entries per node; small ones make deep trees for tests. */
  BTreeKeydir(int fanout) {
    if (fanout < 4) {
      throw new IllegalArgumentException("fanout must be at least 4");
    }
    this.fanout = fanout;
    this.root = new Leaf(fanout);
  }

  /** The first 8 bytes of the key, big-endian, zero-padded: compares like the key, or ties. */
  static long prefix(byte[] key) {
    long p = 0;
    int n = Math.min(8, key.length);
    for (int i = 0; i < n; i++) {
      p |= (key[i] & 0xFFL) << (56 - 8 * i);
    }
    return p;
  }

  @Override
  public long get(byte[] key) {
    long prefix = prefix(key);
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      try {
        long location = find(prefix, key);
        if (lock.validate(stamp)) {
          return location;
        }
      } catch (RuntimeException tornRead) {
        // a write changed the nodes under us; retry under the read lock
      }
    }
    stamp = lock.readLock();
    try {
      return find(prefix, key);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private long find(long prefix, byte[] key) {
    Node node = root;
    for (int depth = 0; node instanceof Inner inner; depth++) {
      if (depth > MAX_DEPTH) {
        throw new IllegalStateException("torn read"); // only possible in an optimistic read
      }
      node = inner.children[inner.childFor(prefix, key)];
    }
    Leaf leaf = (Leaf) node;
    int i = leaf.search(prefix, key);
    return i >= 0 ? leaf.locations[i] : Location.NONE;
  }

  @Override
  public long put(byte[] key, long location) {
    return upsert(key, location, true);
  }

  @Override
  public long putIfAbsent(byte[] key, long location) {
    return upsert(key, location, false);
  }

  private long upsert(byte[] key, long location, boolean replace) {
    long prefix = prefix(key);
    long stamp = lock.writeLock();
    try {
      int depth = 0;
      Node node = root;
      while (node instanceof Inner inner) {
        int c = inner.childFor(prefix, key);
        path[depth] = inner;
        slots[depth++] = c;
        node = inner.children[c];
      }
      Leaf leaf = (Leaf) node;
      int i = leaf.search(prefix, key);
      if (i >= 0) {
        long previous = leaf.locations[i];
        if (replace) {
          leaf.locations[i] = location;
        }
        return previous;
      }
      insertIntoLeaf(leaf, -i - 1, prefix, key, location, path, slots, depth);
      size = size + 1;
      return Location.NONE;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private void insertIntoLeaf(Leaf leaf, int at, long prefix, byte[] key, long location, Inner[] path, int[] slots, int depth) {
    if (leaf.count < fanout) {
      shiftRight(leaf, at);
      leaf.locations[at] = location;
      place(leaf, at, prefix, key);
      return;
    }
    Leaf right = new Leaf(fanout);
    int half = fanout / 2;
    moveUpperHalf(leaf, right, half);
    System.arraycopy(leaf.locations, half, right.locations, 0, fanout - half);
    if (at <= half) {
      insertIntoLeaf(leaf, at, prefix, key, location, path, slots, depth);
    } else {
      insertIntoLeaf(right, at - half, prefix, key, location, path, slots, depth);
    }
    addChild(right, path, slots, depth);
  }

  /** Links {@code right}, split off the node at {@code path[depth-1].children[slots[depth-1]]}, into the parent. */
  private void addChild(Node right, Inner[] path, int[] slots, int depth) {
    if (depth == 0) {
      Inner newRoot = new Inner(fanout);
      newRoot.children[0] = root;
      newRoot.children[1] = right;
      newRoot.prefixes[1] = right.prefixes[0];
      newRoot.keys[1] = right.keys[0];
      newRoot.count = 2;
      root = newRoot;
      return;
    }
    Inner parent = path[depth - 1];
    int at = slots[depth - 1] + 1;
    if (parent.count < fanout) {
      shiftRight(parent, at);
      parent.children[at] = right;
      place(parent, at, right.prefixes[0], right.keys[0]);
      return;
    }
    Inner sibling = new Inner(fanout);
    int half = fanout / 2;
    moveUpperHalf(parent, sibling, half);
    System.arraycopy(parent.children, half, sibling.children, 0, fanout - half);
    Arrays.fill(parent.children, half, fanout, null);
    Inner target = at <= half ? parent : sibling;
    int pos = at <= half ? at : at - half;
    shiftRight(target, pos);
    target.children[pos] = right;
    place(target, pos, right.prefixes[0], right.keys[0]);
    // The sibling's first separator came along from the parent: a lower bound of everything under it,
    // which is what the grandparent needs.
    addChild(sibling, path, slots, depth - 1);
  }

  private static void place(Node n, int at, long prefix, byte[] key) {
    n.prefixes[at] = prefix;
    n.keys[at] = key;
    n.count++;
  }

  /** Opens a gap at {@code at} in every array of {@code n}. */
  private static void shiftRight(Node n, int at) {
    int tail = n.count - at;
    System.arraycopy(n.prefixes, at, n.prefixes, at + 1, tail);
    System.arraycopy(n.keys, at, n.keys, at + 1, tail);
    if (n instanceof Leaf leaf) {
      System.arraycopy(leaf.locations, at, leaf.locations, at + 1, tail);
    } else {
      Inner inner = (Inner) n;
      System.arraycopy(inner.children, at, inner.children, at + 1, tail);
    }
  }

  private static void moveUpperHalf(Node from, Node to, int half) {
    int moved = from.count - half;
    System.arraycopy(from.prefixes, half, to.prefixes, 0, moved);
    System.arraycopy(from.keys, half, to.keys, 0, moved);
    Arrays.fill(from.keys, half, from.count, null);
    to.count = moved;
    from.count = half;
  }

  @Override
  public long remove(byte[] key) {
    long prefix = prefix(key);
    long stamp = lock.writeLock();
    try {
      return removeLocked(prefix, key);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private long removeLocked(long prefix, byte[] key) {
    int depth = 0;
    Node node = root;
    while (node instanceof Inner inner) {
      int c = inner.childFor(prefix, key);
      path[depth] = inner;
      slots[depth++] = c;
      node = inner.children[c];
    }
    Leaf leaf = (Leaf) node;
    int i = leaf.search(prefix, key);
    if (i < 0) {
      return Location.NONE;
    }
    long previous = leaf.locations[i];
    removeAt(leaf, i);
    // Unlink emptied nodes upwards; separators stay valid lower bounds, so nothing else changes.
    Node emptied = leaf;
    while (emptied.count == 0 && depth > 0) {
      Inner parent = path[--depth];
      removeAt(parent, slots[depth]);
      emptied = parent;
    }
    while (root instanceof Inner inner && inner.count == 1) {
      root = inner.children[0];
    }
    if (root instanceof Inner inner && inner.count == 0) {
      root = new Leaf(fanout);
    }
    size = size - 1;
    return previous;
  }

  private static void removeAt(Node n, int at) {
    int tail = n.count - at - 1;
    System.arraycopy(n.prefixes, at + 1, n.prefixes, at, tail);
    System.arraycopy(n.keys, at + 1, n.keys, at, tail);
    if (n instanceof Leaf leaf) {
      System.arraycopy(leaf.locations, at + 1, leaf.locations, at, tail);
    } else {
      Inner inner = (Inner) n;
      System.arraycopy(inner.children, at + 1, inner.children, at, tail);
      inner.children[n.count - 1] = null;
    }
    n.count--;
    n.keys[n.count] = null;
  }

  @Override
  public boolean replace(byte[] key, long expected, long location) {
    long prefix = prefix(key);
    long stamp = lock.writeLock();
    try {
      Node node = root;
      while (node instanceof Inner inner) {
        node = inner.children[inner.childFor(prefix, key)];
      }
      Leaf leaf = (Leaf) node;
      int i = leaf.search(prefix, key);
      if (i < 0 || leaf.locations[i] != expected) {
        return false;
      }
      leaf.locations[i] = location;
      return true;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  @Override
  public void removeIf(LongPredicate location) {
    List<byte[]> doomed = new ArrayList<>();
    for (Iterator<Map.Entry<byte[], Long>> it = entries(new byte[0], null, false); it.hasNext(); ) {
      Map.Entry<byte[], Long> e = it.next();
      if (location.test(e.getValue())) {
        doomed.add(e.getKey());
      }
    }
    for (byte[] key : doomed) {
      remove(key);
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Iterator<Map.Entry<byte[], Long>> entries(byte[] prefix, byte[] start, boolean reverse) {
    return new ChunkIterator(KeyRange.of(prefix, start, reverse), reverse);
  }

  @Override
  public String describe() {
    return "ordered B+tree, " + size + " keys";
  }

  /** Copies up to {@link #CHUNK} entries at a time under the read lock, resuming after the last one. */
  private final class ChunkIterator implements Iterator<Map.Entry<byte[], Long>> {
    private final KeyRange range;
    private final boolean reverse;
    private final ArrayDeque<Map.Entry<byte[], Long>> chunk = new ArrayDeque<>();
    /** The last key returned; the next chunk starts strictly after it (before it, reversed). */
    private byte[] last;
    private boolean exhausted;

    ChunkIterator(KeyRange range, boolean reverse) {
      this.range = range;
      this.reverse = reverse;
      this.exhausted = range.isEmpty();
    }

    @Override
    public boolean hasNext() {
      if (chunk.isEmpty() && !exhausted) {
        fill();
      }
      return !chunk.isEmpty();
    }

    @Override
    public Map.Entry<byte[], Long> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<byte[], Long> e = chunk.poll();
      last = e.getKey();
      return e;
    }

    private void fill() {
      long stamp = lock.readLock();
      try {
        collect(root);
      } finally {
        lock.unlockRead(stamp);
      }
      if (chunk.size() < CHUNK) {
        exhausted = true;
      }
    }

    /** In-order (or reverse-order) walk of {@code n}, skipping keys before the cursor; false once the chunk is full or the range ends. */
    private boolean collect(Node n) {
      byte[] from = last != null ? last : (reverse ? range.high() : range.low());
      if (n instanceof Inner inner) {
        int first = from == null ? (reverse ? inner.count - 1 : 0) : inner.childFor(prefix(from), from);
        if (!reverse) {
          for (int c = first; c < inner.count; c++) {
            if (!collect(inner.children[c])) {
              return false;
            }
          }
        } else {
          for (int c = first; c >= 0; c--) {
            if (!collect(inner.children[c])) {
              return false;
            }
          }
        }
        return true;
      }
      Leaf leaf = (Leaf) n;
      int i;
      if (from == null) {
        i = reverse ? leaf.count - 1 : 0;
      } else {
        int found = leaf.search(prefix(from), from);
        boolean inclusive = last == null && (!reverse || range.highInclusive());
        if (found >= 0) {
          i = inclusive ? found : (reverse ? found - 1 : found + 1);
        } else {
          i = reverse ? -found - 2 : -found - 1;
        }
      }
      for (; reverse ? i >= 0 : i < leaf.count; i += reverse ? -1 : 1) {
        byte[] key = leaf.keys[i];
        if (!range.contains(key)) {
          return false; // past the far end (the near end was the starting point)
        }
        chunk.add(Map.entry(key, leaf.locations[i]));
        if (chunk.size() == CHUNK) {
          return false;
        }
      }
      return true;
    }
  }
}
