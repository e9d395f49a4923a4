package io.comdb.types;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO: the elements of a list, set or sorted set, sorted as numbers or (ALPHA) as bytes,
 * optionally by other keys (BY pattern, {@code nosort} to keep the stored order), fetching other keys
 * (GET), sliced (LIMIT), and stored as a list (STORE, SORT only). As Redis: equal weights fall back to
 * the elements' bytes so that the order is defined, a missing BY key weighs 0 (or sorts first with
 * ALPHA), and an element that is not a number fails a numeric sort. Clustered, a BY or GET key of a
 * slot this node does not serve is refused, as Redis Cluster refuses patterns.
 */
final class SortCommands {
  private SortCommands() {}

  static void register() {
    Commands.add("sort", -2, "write denyoom movablekeys", 1, 1, 1, c -> sort(c, false));
    Commands.add("sort_ro", -2, "readonly movablekeys", 1, 1, 1, c -> sort(c, true));
  }

  /** An element and what it sorts by. */
  private record Item(byte[] element, double score, byte[] by) {}

  private static Reply sort(Call c, boolean readOnly) throws IOException {
    boolean desc = false;
    boolean alpha = false;
    long offset = 0;
    long count = -1;
    byte[] by = null;
    byte[] store = null;
    List<byte[]> gets = new ArrayList<>();
    for (int i = 2; i < c.argc(); i++) {
      String opt = c.keyword(i);
      int left = c.argc() - i - 1;
      if (opt.equals("ASC")) {
        desc = false;
      } else if (opt.equals("DESC")) {
        desc = true;
      } else if (opt.equals("ALPHA")) {
        alpha = true;
      } else if (opt.equals("LIMIT") && left >= 2) {
        offset = c.longArg(i + 1);
        count = c.longArg(i + 2);
        i += 2;
      } else if (opt.equals("STORE") && left >= 1 && !readOnly) {
        store = c.arg(++i);
      } else if (opt.equals("BY") && left >= 1) {
        by = c.arg(++i);
      } else if (opt.equals("GET") && left >= 1) {
        gets.add(c.arg(++i));
      } else {
        throw Call.syntax();
      }
    }
    boolean dontSort = by != null && indexOf(by, (byte) '*') < 0;
    Meta m = c.meta(c.arg(1));
    List<byte[]> elements = m == null ? List.of() : switch (m.type()) {
      case LIST -> ListCommands.all(c, c.arg(1), m);
      case SET -> SetCommands.members(c, c.arg(1)).stream().map(ByteBuffer::array).toList();
      case ZSET -> ZSets.all(c, c.arg(1)).stream().map(ZSets.Entry::member).toList();
      default -> throw RedisError.wrongType();
    };
    List<Item> items = new ArrayList<>(elements.size());
    for (byte[] e : elements) {
      byte[] weight = by == null || dontSort ? null : lookup(c, by, e, "BY");
      double score = 0;
      if (!alpha) {
        byte[] text = by == null ? e : weight;
        score = text == null || text.length == 0 ? 0 : Numbers.parseDouble(text, "ERR One or more scores can't be converted into double");
      }
      items.add(new Item(e, score, weight));
    }
    if (!dontSort) {
      Comparator<Item> order = alpha ? alphaOrder(by != null) : Comparator.comparingDouble(Item::score).thenComparing(Item::element, Arrays::compareUnsigned);
      items.sort(desc ? order.reversed() : order);
    } else if (desc && m != null && m.type() != RedisType.SET) {
      Collections.reverse(items); // BY nosort DESC: a list or sorted set from its other end, as Redis reads it
    }
    int size = items.size();
    int start = (int) Math.min(Math.max(offset, 0), size);
    int end = count < 0 ? size : (int) Math.min(size, start + count);
    List<byte[]> out = new ArrayList<>();
    for (Item item : items.subList(start, end)) {
      if (gets.isEmpty()) {
        out.add(item.element());
      }
      for (byte[] get : gets) {
        out.add(get.length == 1 && get[0] == '#' ? item.element() : lookup(c, get, item.element(), "GET"));
      }
    }
    return store == null ? Reply.bulks(out) : store(c, store, out);
  }

  /** ALPHA: by the BY values (a missing one first), or by the elements themselves; bytes compared. */
  private static Comparator<Item> alphaOrder(boolean byPattern) {
    if (!byPattern) {
      return Comparator.comparing(Item::element, Arrays::compareUnsigned);
    }
    return (a, b) -> a.by() == null || b.by() == null
        ? (a.by() == b.by() ? 0 : a.by() == null ? -1 : 1)
        : Arrays.compareUnsigned(a.by(), b.by());
  }

  /**
   * Redis's lookupKeyByPattern: the first {@code *} of the pattern replaced by the element names a string
   * key, or with {@code ->field} after the {@code *} a hash's field; null when missing or another type.
   */
  private static byte[] lookup(Call c, byte[] pattern, byte[] element, String option) throws IOException {
    int star = indexOf(pattern, (byte) '*');
    if (star < 0) {
      return null;
    }
    int arrow = -1;
    for (int i = star + 1; i + 2 < pattern.length; i++) {
      if (pattern[i] == '-' && pattern[i + 1] == '>') {
        arrow = i;
        break;
      }
    }
    int keyEnd = arrow < 0 ? pattern.length : arrow;
    byte[] key = new byte[keyEnd - 1 + element.length];
    System.arraycopy(pattern, 0, key, 0, star);
    System.arraycopy(element, 0, key, star, element.length);
    System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
    if (!c.serves(key)) {
      throw new RedisError("ERR " + option + " option of SORT denied in Cluster mode.");
    }
    Meta m = c.meta(key);
    if (m == null) {
      return null;
    }
    if (arrow < 0) {
      return m.type() == RedisType.STRING ? m.value() : null;
    }
    return m.type() == RedisType.HASH ? c.sub(c.db, key, m, Arrays.copyOfRange(pattern, arrow + 2, pattern.length)) : null;
  }

  /** STORE: the result as a list at {@code dest} (deleted when empty); answers its length. */
  private static Reply store(Call c, byte[] dest, List<byte[]> values) throws IOException {
    Meta old = c.meta(dest);
    if (old != null) {
      c.batch().deleteKey(c.db, dest, old);
    }
    if (!values.isEmpty()) {
      Meta list = Meta.collection(RedisType.LIST, c.newVersion(), 0, 0).withHead(0, values.size());
      for (int i = 0; i < values.size(); i++) {
        // a missing GET value is stored as an empty string, as Redis stores it
        c.batch().putSub(c.db, dest, list, ListCommands.index(i), values.get(i) == null ? new byte[0] : values.get(i));
      }
      c.batch().putMeta(c.db, dest, list);
    }
    return Reply.integer(values.size());
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
