package io.comdb.types;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A stream entry's ID: milliseconds and a sequence number, both unsigned 64-bit, ordered as Redis orders
 * them. Stored as 16 big-endian bytes, so that IDs sort as their bytes.
 */
record StreamId(long ms, long seq) implements Comparable<StreamId> {
  static final StreamId MIN = new StreamId(0, 0);
  static final StreamId MAX = new StreamId(-1, -1);
  static final String INVALID = "ERR Invalid stream ID specified as stream command argument";

  /** An ID as XADD reads it: {@code seqGiven} is false for {@code <ms>-*}, whose sequence is generated. */
  record Given(StreamId id, boolean seqGiven) {}

  @Override
  public int compareTo(StreamId o) {
    int c = Long.compareUnsigned(ms, o.ms);
    return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
  }

  boolean isZero() {
    return ms == 0 && seq == 0;
  }

  /** The next ID, or null past the last possible one. */
  StreamId next() {
    if (seq != -1) {
      return new StreamId(ms, seq + 1);
    }
    return ms == -1 ? null : new StreamId(ms + 1, 0);
  }

  /** The previous ID, or null before 0-0. */
  StreamId previous() {
    if (seq != 0) {
      return new StreamId(ms, seq - 1);
    }
    return ms == 0 ? null : new StreamId(ms - 1, -1);
  }

  byte[] bytes() {
    return ByteBuffer.allocate(16).putLong(ms).putLong(seq).array();
  }

  static StreamId of(byte[] b, int offset) {
    ByteBuffer buf = ByteBuffer.wrap(b, offset, 16);
    return new StreamId(buf.getLong(), buf.getLong());
  }

  @Override
  public String toString() {
    return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
  }

  Reply reply() {
    return Reply.bulk(toString());
  }

  /**
   * Parses {@code <ms>-<seq>}, {@code <ms>} (the sequence then {@code missingSeq}), and unless
   * {@code strict}, {@code -} and {@code +}; as Redis's {@code streamGenericParseIDOrReply}.
   */
  static StreamId parse(byte[] arg, long missingSeq, boolean strict) {
    return parse(arg, missingSeq, strict, false).id();
  }

  /** XADD's form: also {@code <ms>-*}. */
  static Given parseForAdd(byte[] arg) {
    return parse(arg, 0, true, true);
  }

  private static Given parse(byte[] arg, long missingSeq, boolean strict, boolean autoSeq) {
    String s = new String(arg, StandardCharsets.ISO_8859_1);
    if (s.length() > 127 || strict && (s.equals("-") || s.equals("+"))) {
      throw new RedisError(INVALID);
    }
    if (s.equals("-")) {
      return new Given(MIN, true);
    }
    if (s.equals("+")) {
      return new Given(MAX, true);
    }
    int dash = s.indexOf('-');
    long ms = unsigned(dash < 0 ? s : s.substring(0, dash));
    if (dash < 0) {
      return new Given(new StreamId(ms, missingSeq), true);
    }
    String rest = s.substring(dash + 1);
    if (autoSeq && rest.equals("*")) {
      return new Given(new StreamId(ms, 0), false);
    }
    return new Given(new StreamId(ms, unsigned(rest)), true);
  }

  /** What Redis's {@code string2ll} reads: a plain decimal, no leading zeros, an optional minus. */
  private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)");

  /**
   * An unsigned 64-bit decimal as Redis's {@code string2ull} reads it: a plain number that is not
   * negative, or what {@code strtoull} takes (leading spaces, a sign; a minus wraps around).
   */
  private static long unsigned(String s) {
    if (s.length() <= 20 && PLAIN.matcher(s).matches()) {
      try {
        long v = Long.parseLong(s);
        if (v < 0) {
          throw new RedisError(INVALID); // a plain negative number
        }
        return v;
      } catch (NumberFormatException e) {
        // beyond a long: strtoull's reading below, as string2ull falls back to it
      }
    }
    String t = s.stripLeading();
    boolean negative = false;
    if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
      negative = t.charAt(0) == '-';
      t = t.substring(1);
    }
    if (t.isEmpty() || !t.chars().allMatch(ch -> ch >= '0' && ch <= '9') || t.length() > 20) {
      throw new RedisError(INVALID);
    }
    java.math.BigInteger v = new java.math.BigInteger(t);
    if (v.bitLength() > 64) {
      throw new RedisError(INVALID);
    }
    return negative ? -v.longValue() : v.longValue();
  }
}
