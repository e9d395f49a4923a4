package io.comdb.engine;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/** {@link IndexKind#ORDERED}: a {@link ConcurrentSkipListMap} in unsigned byte order. */
final class OrderedKeydir implements Keydir {
  private final ConcurrentSkipListMap<byte[], Long> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  /** The skip list's own size() walks every node; the single writer keeps count instead. */
  private final AtomicLong size = new AtomicLong();

  @Override
  public long get(byte[] key) {
    Long location = map.get(key);
    return location == null ? Location.NONE : location;
  }

  @Override
  public long put(byte[] key, long location) {
    Long previous = map.put(key, location);
    if (previous == null) {
      size.incrementAndGet();
      return Location.NONE;
    }
    return previous;
  }

  @Override
  public long remove(byte[] key) {
    Long previous = map.remove(key);
    if (previous == null) {
      return Location.NONE;
    }
    size.decrementAndGet();
    return previous;
  }

  @Override
  public boolean replace(byte[] key, long expected, long location) {
    return map.replace(key, expected, location);
  }

  @Override
  public void removeIf(LongPredicate location) {
    for (Iterator<Map.Entry<byte[], Long>> it = map.entrySet().iterator(); it.hasNext(); ) {
      if (location.test(it.next().getValue())) {
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
    return KeyRange.iterate(KeyRange.of(prefix, start, reverse).of(map), reverse);
  }

  @Override
  public String describe() {
    return "ordered skip list, " + size() + " keys";
  }
}
