package io.comdb.search;

/** A memory's place in its space's order: oldest first, by creation time and then sequence number. */
record Age(long createdAt, long seq) implements Comparable<Age> {
  static Age of(Memory m) {
    return new Age(m.createdAt(), MemoryKeys.seq(m.id()));
  }

  @Override
  public int compareTo(Age o) {
    return createdAt != o.createdAt ? Long.compare(createdAt, o.createdAt) : Long.compare(seq, o.seq);
  }

  /** The form {@link #parse} reads: a list cursor. */
  String cursor() {
    return createdAt + "." + seq;
  }

  static Age parse(String cursor) {
    int dot = cursor.indexOf('.');
    try {
      Age age = new Age(Long.parseLong(cursor.substring(0, dot)), Long.parseLong(cursor.substring(dot + 1)));
      if (age.seq() >= 0) {
        return age;
      }
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      // answered below
    }
    throw new IllegalArgumentException("cursor is not one this API gave: '" + cursor + "'");
  }
}
