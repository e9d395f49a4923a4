package io.comdb.engine;

import java.util.Objects;

/**
 * What an {@link EngineIterator} walks: the keys starting with {@code prefix} (empty: all keys), in
 * unsigned byte order, or in reverse.
 */
public record IteratorOptions(byte[] prefix, boolean reverse) {
  private static final IteratorOptions ALL = new IteratorOptions(new byte[0], false);

  public IteratorOptions {
    Objects.requireNonNull(prefix, "prefix");
    prefix = prefix.clone();
  }

  public static IteratorOptions all() {
    return ALL;
  }

  public static IteratorOptions prefix(byte[] prefix) {
    return new IteratorOptions(prefix, false);
  }

  public IteratorOptions reversed() {
    return new IteratorOptions(prefix, !reverse);
  }

  @Override
  public byte[] prefix() {
    return prefix.clone();
  }
}
