package io.comdb.engine;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.StampedLock;

/**
 * {@link IndexKind#ORDERED}: a B+tree in unsigned key order. Nodes hold sorted arrays, and every entry
 * carries 7 bytes of its key and how long it goes on as a {@code long} ({@link #inline}), so nearly every
 * comparison is a primitive compare within one array, and a key that ends within those bytes is found
 * without reading its array: a lookup costs a few cache misses per level instead of one per skip-list
 * hop, and a key costs about 12 array bytes at the typical 70% fill, plus its {@code byte[]}.
 *
 * <p>Which 7 bytes: those after the start every key of the node shares ({@code Node.shared}). Keys that
 * share long starts are the rule here (a Redis key's metadata record starts {@code 00 01 db}, a hash's
 * fields share the hash's key and version), and an inline copy of their first 8 bytes would never decide a
 * comparison: every probe would follow a pointer to a key array, a cache miss each. A probe is first
 * checked against the node's shared start (node-local bytes), then compared on the bytes after it. The
 * shared start is kept a lower bound of the true one: an insert that does not share it shortens it (and
 * recomputes the node's inline bytes, rare: only a key beyond both ends of the node can); a split, and
 * in an inner node a new child, lengthen it only when that gains 4 bytes or more, so random keys, whose
 * nodes share little, pay nothing for it.
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

  private static final byte[] NOTHING = new byte[0];
  /** A split lengthens a node's shared start only by this much or more: recomputing costs a key read per entry. */
  private static final int MIN_GAIN = 4;

  private abstract static class Node {
    /** For each entry, its key after {@link #shared} as {@link #inline} packs it. */
    final long[] prefixes;
    final byte[][] keys;
    int count;
    /** A start every searched key of this node has (entries from {@link #firstSearched()} on). */
    byte[] shared = NOTHING;
    /**
     * The first 16 bytes of {@link #shared} as two big-endian words, zero-padded: the check of a probe
     * against the shared start reads the node, not another array (one cache miss less per level).
     */
    long shared0;
    long shared1;

    Node(int fanout) {
      prefixes = new long[fanout];
      keys = new byte[fanout][];
    }

    /** The first entry searches look at: 0 in a leaf; 1 in an inner node, whose entry 0 has no separator. */
    abstract int firstSearched();

    /** Compares the probe, which starts with {@link #shared} and has {@code prefix} after it, with entry {@code i}. */
    final int compare(long prefix, byte[] key, int i) {
      int c = Long.compareUnsigned(prefix, prefixes[i]);
      if (c != 0) {
        return c;
      }
      if ((prefix & 0xFF) < INLINE_BYTES + 1) {
        return 0; // both keys end within the inline bytes, which are equal, and so are their lengths
      }
      // Both keys go on past the inline bytes, which are equal: the rest decides (one cache miss).
      int rest = shared.length + INLINE_BYTES;
      return Arrays.compareUnsigned(key, rest, key.length, keys[i], rest, keys[i].length);
    }

    /** Binary search of the searched entries: the key's index, or {@code -(insertion point) - 1}. */
    final int search(byte[] key) {
      int lo = firstSearched();
      int skip = shared.length;
      if (skip > 0) {
        int order = compareStart(key, skip);
        if (order != 0) { // the probe lies before or after every key of the node
          return -((order < 0 ? lo : count) + 1);
        }
      }
      long prefix = inline(key, skip);
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

    /** How the probe's first {@code skip} bytes order against the shared start: 0 if the probe has it. */
    private int compareStart(byte[] key, int skip) {
      if (key.length >= skip && skip <= 16) {
        int c = Long.compareUnsigned(word(key, 0, Math.min(8, skip)), shared0);
        return c != 0 || skip <= 8 ? c : Long.compareUnsigned(word(key, 8, skip - 8), shared1);
      }
      int m = Arrays.mismatch(key, 0, Math.min(key.length, skip), shared, 0, skip);
      return m < 0 ? 0 : m == key.length || (key[m] & 0xFF) < (shared[m] & 0xFF) ? -1 : 1;
    }

    /** Stores {@code key} at {@code at}, a gap just opened, keeping {@link #shared} a start of every searched key. */
    final void place(int at, byte[] key) {
      keys[at] = key;
      count++;
      if (at < firstSearched()) {
        return;
      }
      int skip = shared.length;
      int m = skip == 0 ? -1 : Arrays.mismatch(key, 0, Math.min(key.length, skip), shared, 0, skip);
      if (m >= 0) {
        share(Arrays.copyOf(shared, m)); // a key beyond both ends of the node: the shared start shrinks
      } else {
        prefixes[at] = inline(key, skip);
      }
    }

    /** After a split: lengthens the shared start to what the node's keys now share, if that gains enough. */
    final void tighten() {
      int first = firstSearched();
      if (count - first < 2) {
        return;
      }
      byte[] low = keys[first];
      byte[] high = keys[count - 1];
      int common = Arrays.mismatch(low, high); // sorted: what the first and last share, all share
      if (common < 0) {
        common = low.length;
      }
      if (common >= shared.length + MIN_GAIN) {
        share(Arrays.copyOf(low, common));
      }
    }

    private void share(byte[] start) {
      shared = start;
      shared0 = word(start, 0, Math.min(8, start.length));
      shared1 = start.length > 8 ? word(start, 8, Math.min(8, start.length - 8)) : 0;
      for (int i = firstSearched(); i < count; i++) {
        prefixes[i] = inline(keys[i], start.length);
      }
    }
  }

  /** Keys and their locations, sorted. */
  private static final class Leaf extends Node {
    final long[] locations;

    Leaf(int fanout) {
      super(fanout);
      locations = new long[fanout];
    }

    @Override
    int firstSearched() {
      return 0;
    }
  }

  /** Children and, for each child but the first, a key no greater than any key in it (its separator). */
  private static final class Inner extends Node {
    final Node[] children;

    Inner(int fanout) {
      super(fanout);
      children = new Node[fanout];
    }

    @Override
    int firstSearched() {
      return 1; // separators start at entry 1
    }

    /** The child whose key range holds the probe: the last child whose separator is not greater. */
    int childFor(byte[] key) {
      int i = search(key);
      return i >= 0 ? i : -i - 2;
    }
  }

  private final int fanout;
  private final StampedLock lock = new StampedLock();
  private Node root;
  private volatile long size;
  private volatile long keyBytes;
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

  /** Key bytes packed in an entry's inline {@code long}. */
  private static final int INLINE_BYTES = 7;

  /**
   * The key from {@code offset}, packed to compare (unsigned) like the key: its next 7 bytes, big-endian and
   * zero-padded, then in the low byte how many bytes the key has from {@code offset}, at most 8. Unequal
   * inline values order their keys; equal ones with a count under 8 mean equal keys (both end within the
   * 7 bytes); equal ones with count 8 tie, and the rest of the keys decides.
   */
  static long inline(byte[] key, int offset) {
    int left = key.length - offset;
    return word(key, offset, Math.min(INLINE_BYTES, left)) | Math.min(left, INLINE_BYTES + 1);
  }

  /** {@code n} (at most 8) bytes of the key from {@code offset}, big-endian, zero-padded. */
  private static long word(byte[] key, int offset, int n) {
    long p = 0;
    for (int i = 0; i < n; i++) {
      p |= (key[offset + i] & 0xFFL) << (56 - 8 * i);
    }
    return p;
  }

  @Override
  public long get(byte[] key) {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      try {
        long location = find(key);
        if (lock.validate(stamp)) {
          return location;
        }
      } catch (RuntimeException tornRead) {
        // a write changed the nodes under us; retry under the read lock
      }
    }
    stamp = lock.readLock();
    try {
      return find(key);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private long find(byte[] key) {
    Node node = root;
    for (int depth = 0; node instanceof Inner inner; depth++) {
      if (depth > MAX_DEPTH) {
        throw new IllegalStateException("torn read"); // only possible in an optimistic read
      }
      node = inner.children[inner.childFor(key)];
    }
    Leaf leaf = (Leaf) node;
    int i = leaf.search(key);
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
    long stamp = lock.writeLock();
    try {
      int depth = 0;
      Node node = root;
      while (node instanceof Inner inner) {
        int c = inner.childFor(key);
        path[depth] = inner;
        slots[depth++] = c;
        node = inner.children[c];
      }
      Leaf leaf = (Leaf) node;
      int i = leaf.search(key);
      if (i >= 0) {
        long previous = leaf.locations[i];
        if (replace) {
          leaf.locations[i] = location;
        }
        return previous;
      }
      insertIntoLeaf(leaf, -i - 1, key, location, path, slots, depth);
      size = size + 1;
      keyBytes = keyBytes + key.length;
      return Location.NONE;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private void insertIntoLeaf(Leaf leaf, int at, byte[] key, long location, Inner[] path, int[] slots, int depth) {
    if (leaf.count < fanout) {
      shiftRight(leaf, at);
      leaf.locations[at] = location;
      leaf.place(at, key);
      return;
    }
    Leaf right = new Leaf(fanout);
    // A key past the end of a full leaf starts a new one and leaves this one full: keys that come in order
    // (a partition's index built at open, ascending IDs) then fill their leaves, where halving would leave
    // every leaf half empty. A key anywhere else splits the leaf in two halves.
    int half = at == fanout ? fanout : fanout / 2;
    moveUpperHalf(leaf, right, half);
    System.arraycopy(leaf.locations, half, right.locations, 0, fanout - half);
    if (at <= half && half < fanout) {
      insertIntoLeaf(leaf, at, key, location, path, slots, depth);
    } else {
      insertIntoLeaf(right, at - half, key, location, path, slots, depth);
    }
    leaf.tighten();
    right.tighten();
    addChild(right, path, slots, depth);
  }

  /** Links {@code right}, split off the node at {@code path[depth-1].children[slots[depth-1]]}, into the parent. */
  private void addChild(Node right, Inner[] path, int[] slots, int depth) {
    if (depth == 0) {
      Inner newRoot = new Inner(fanout);
      newRoot.children[0] = root;
      newRoot.count = 1;
      newRoot.children[1] = right;
      newRoot.place(1, right.keys[0]);
      root = newRoot;
      return;
    }
    Inner parent = path[depth - 1];
    int at = slots[depth - 1] + 1;
    if (parent.count < fanout) {
      shiftRight(parent, at);
      parent.children[at] = right;
      parent.place(at, right.keys[0]);
      // An inner node near the root may never split: it learns what its separators share here, at the
      // cost of two key reads per child split.
      parent.tighten();
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
    target.place(pos, right.keys[0]);
    parent.tighten();
    sibling.tighten();
    // The sibling's first separator came along from the parent: a lower bound of everything under it,
    // which is what the grandparent needs.
    addChild(sibling, path, slots, depth - 1);
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
    to.shared = from.shared; // the inline bytes moved along are relative to it
    to.shared0 = from.shared0;
    to.shared1 = from.shared1;
    to.count = moved;
    from.count = half;
  }

  @Override
  public long remove(byte[] key) {
    long stamp = lock.writeLock();
    try {
      return removeLocked(key);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private long removeLocked(byte[] key) {
    int depth = 0;
    Node node = root;
    while (node instanceof Inner inner) {
      int c = inner.childFor(key);
      path[depth] = inner;
      slots[depth++] = c;
      node = inner.children[c];
    }
    Leaf leaf = (Leaf) node;
    int i = leaf.search(key);
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
    keyBytes = keyBytes - key.length;
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
    long stamp = lock.writeLock();
    try {
      Node node = root;
      while (node instanceof Inner inner) {
        node = inner.children[inner.childFor(key)];
      }
      Leaf leaf = (Leaf) node;
      int i = leaf.search(key);
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
  public long keyBytes() {
    return keyBytes;
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
        int first = from == null ? (reverse ? inner.count - 1 : 0) : inner.childFor(from);
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
        int found = leaf.search(from);
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
