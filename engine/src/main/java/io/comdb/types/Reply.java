package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;

/**
 * What a Redis command answers, independent of the protocol version: the RESP server writes it as RESP2
 * or RESP3 (a {@link MapReply} is a flat array in RESP2, a {@link Null} a null bulk string, and so on).
 */
public interface Reply {
  Reply OK = new Simple("OK");
  Reply QUEUED = new Simple("QUEUED");
  Reply PONG = new Simple("PONG");
  Reply NULL = new Null();
  /** A null bulk string in RESP2 ({@code $-1}), null in RESP3. */
  Reply NULL_BULK = new Bulk(null);
  /** A null array in RESP2 ({@code *-1}), null in RESP3. */
  Reply NULL_ARRAY = new Arr(null);
  Reply EMPTY_ARRAY = new Arr(List.of());
  Reply ZERO = new Int(0);
  Reply ONE = new Int(1);

  /** {@code +text}. */
  record Simple(String text) implements Reply {}

  /** {@code -text}; the text starts with the error code, e.g. {@code ERR} or {@code WRONGTYPE}. */
  record Err(String text) implements Reply {}

  /** {@code :n}. */
  record Int(long value) implements Reply {}

  /** {@code $len bytes}; null value: the null bulk string. */
  record Bulk(byte[] value) implements Reply {}

  /** {@code *n ...}; null elements: the null array. */
  record Arr(List<Reply> elements) implements Reply {}

  /** RESP3 map {@code %n}: keys and values alternating; a flat array in RESP2. */
  record MapReply(List<Reply> keysAndValues) implements Reply {}

  /** RESP3 set {@code ~n}; an array in RESP2. */
  record SetReply(List<Reply> elements) implements Reply {}

  /**
   * Member/score or field/value pairs, given flat: a flat array in RESP2, an array of two-element
   * arrays in RESP3 (as Redis 7 answers ZRANGE ... WITHSCORES there).
   */
  record Pairs(List<Reply> flat) implements Reply {}

  /**
   * RESP3 double {@code ,d}; a bulk string in RESP2. {@code text}: how to write it when not Redis's usual
   * form ({@link Numbers#formatDouble}); GEOPOS writes coordinates with 17 decimals, as Redis does.
   */
  record Dbl(double value, String text) implements Reply {
    public Dbl(double value) {
      this(value, null);
    }

    /** The double as written in a reply. */
    public String written() {
      return text != null ? text : Numbers.formatDouble(value);
    }
  }

  /**
   * Keys and values, given flat: a map in RESP3, an array of two-element [key, value] arrays in RESP2 (as
   * Redis answers XREAD and XREADGROUP).
   */
  record KeyedArrays(List<Reply> flat) implements Reply {}

  /** RESP3 null {@code _}; a null bulk string in RESP2. */
  record Null() implements Reply {}

  /** RESP3 boolean; the integer 1 or 0 in RESP2. */
  record Bool(boolean value) implements Reply {}

  /** RESP3 push {@code >n} (pub/sub messages); an array in RESP2. */
  record Push(List<Reply> elements) implements Reply {}

  static Reply bulk(byte[] value) {
    return new Bulk(value);
  }

  static Reply bulk(String value) {
    return new Bulk(value == null ? null : value.getBytes(UTF_8));
  }

  static Reply integer(long value) {
    return value == 0 ? ZERO : value == 1 ? ONE : new Int(value);
  }

  static Reply error(String text) {
    return new Err(text);
  }

  static Reply array(List<Reply> elements) {
    return new Arr(elements);
  }

  static Reply bulks(List<byte[]> values) {
    return new Arr(values.stream().map(v -> (Reply) new Bulk(v)).toList());
  }
}
