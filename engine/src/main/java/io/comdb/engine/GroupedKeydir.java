package io.comdb.engine;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A {@link Keydir} that also keeps the keys of each of its {@link KeyGroups} in an ordered index of that
 * group's own, so that a group is walked without visiting any other key. The group indexes hold keys only
 * (the arrays the keydir holds, not copies): a group's entries take their locations from the keydir as they
 * are read, so an overwrite, or a merge moving a key, changes the keydir alone.
 *
 * <p>Concurrency is the keydir's: one writer at a time (every mutating call, under the engine's write lock)
 * and any number of readers. A group's index is created by the writer on its first key and published
 * through an {@link AtomicReferenceArray}; a reader that walks a group while the writer changes it sees
 * some of the changes (weakly consistent, as {@link Keydir#entries} is), and skips a key the keydir no
 * longer has.
 */
final class GroupedKeydir implements Keydir {
  private static final byte[] NOTHING = new byte[0];

  private final Keydir keydir;
  private final KeyGroups groups;
  private final AtomicReferenceArray<BTreeKeydir> members;

  /** Groups the keys {@code keydir} holds now, and from then on every key it gains. */
  GroupedKeydir(Keydir keydir, KeyGroups groups) {
    this.keydir = keydir;
    this.groups = groups;
    this.members = new AtomicReferenceArray<>(groups.count());
    for (Iterator<Map.Entry<byte[], Long>> it = keydir.entries(NOTHING, null, false); it.hasNext(); ) {
      added(it.next().getKey());
    }
  }

  @Override
  public long get(byte[] key) {
    return keydir.get(key);
  }

  @Override
  public long put(byte[] key, long location) {
    long previous = keydir.put(key, location);
    if (previous == Location.NONE) {
      added(key);
    }
    return previous;
  }

  @Override
  public long putIfAbsent(byte[] key, long location) {
    long existing = keydir.putIfAbsent(key, location);
    if (existing == Location.NONE) {
      added(key);
    }
    return existing;
  }

  @Override
  public long remove(byte[] key) {
    long previous = keydir.remove(key);
    if (previous != Location.NONE) {
      members.get(group(key)).remove(key);
    }
    return previous;
  }

  @Override
  public boolean replace(byte[] key, long expected, long location) {
    return keydir.replace(key, expected, location); // the key stays, and so does its group's entry
  }

  @Override
  public long size() {
    return keydir.size();
  }

  @Override
  public long keyBytes() {
    return keydir.keyBytes();
  }

  @Override
  public Iterator<Map.Entry<byte[], Long>> entries(byte[] prefix, byte[] start, boolean reverse) {
    return keydir.entries(prefix, start, reverse);
  }

  /**
   * The entries of one group in unsigned key order, from the first key at or after {@code start} (null: the
   * first), each with the location the keydir has for it when it is read.
   */
  Iterator<Map.Entry<byte[], Long>> groupEntries(int group, byte[] start) {
    BTreeKeydir index = members.get(group);
    if (index == null) {
      return java.util.Collections.emptyIterator();
    }
    Iterator<Map.Entry<byte[], Long>> keys = index.entries(NOTHING, start, false);
    return new Iterator<>() {
      private Map.Entry<byte[], Long> next;

      @Override
      public boolean hasNext() {
        while (next == null && keys.hasNext()) {
          byte[] key = keys.next().getKey();
          long location = keydir.get(key);
          if (location != Location.NONE) { // else removed since the group's chunk was read
            next = Map.entry(key, location);
          }
        }
        return next != null;
      }

      @Override
      public Map.Entry<byte[], Long> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<byte[], Long> e = next;
        next = null;
        return e;
      }
    };
  }

  @Override
  public String describe() {
    int used = 0;
    for (int g = 0; g < members.length(); g++) {
      used += members.get(g) != null ? 1 : 0;
    }
    return keydir.describe() + ", in " + used + " of " + members.length() + " key groups";
  }

  private void added(byte[] key) {
    int group = group(key);
    BTreeKeydir index = members.get(group);
    if (index == null) {
      index = new BTreeKeydir();
      members.set(group, index);
    }
    index.put(key, 0);
  }

  private int group(byte[] key) {
    int group = groups.of(key);
    if (group < 0 || group >= members.length()) {
      throw new IllegalStateException("KeyGroups.of answered " + group + ", outside [0, " + members.length() + ")");
    }
    return group;
  }
}
