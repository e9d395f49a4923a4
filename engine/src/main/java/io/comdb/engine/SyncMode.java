package io.comdb.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * When written records are forced to stable storage.
 *
 * <ul>
 *   <li>{@link #ALWAYS}: a write returns only after an fsync covers it. Concurrent writers share fsyncs
 *       (group commit). An acknowledged write survives a process crash and a power loss.</li>
 *   <li>{@link #interval(Duration)}: a background thread fsyncs this often. An acknowledged write survives
 *       a process crash (it is in the OS page cache when the call returns); a power loss can take the
 *       writes of the last interval.</li>
 *   <li>{@link #NONE}: the OS writes back when it likes; same as interval, with no bound on the loss at
 *       power failure. {@link Engine#sync()} and {@link Engine#close()} still fsync.</li>
 * </ul>
 */
public record SyncMode(Kind kind, Duration interval) {
  public enum Kind { ALWAYS, INTERVAL, NONE }

  public static final SyncMode ALWAYS = new SyncMode(Kind.ALWAYS, Duration.ZERO);
  public static final SyncMode NONE = new SyncMode(Kind.NONE, Duration.ZERO);

  public SyncMode {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(interval, "interval");
    if (kind == Kind.INTERVAL && (interval.isNegative() || interval.isZero())) {
      throw new IllegalArgumentException("sync interval must be positive, got " + interval);
    }
  }

  public static SyncMode interval(Duration interval) {
    return new SyncMode(Kind.INTERVAL, interval);
  }

  /** Parses {@code always}, {@code none}, {@code interval} (1000 ms) or {@code interval:<ms>}. */
  public static SyncMode parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("always")) {
      return ALWAYS;
    }
    if (t.equals("none")) {
      return NONE;
    }
    if (t.equals("interval")) {
      return interval(Duration.ofSeconds(1));
    }
    if (t.startsWith("interval:")) {
      try {
        return interval(Duration.ofMillis(Long.parseLong(t.substring("interval:".length()))));
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException("sync mode must be always, interval, interval:<ms> or none, got '" + text + "'");
  }

  @Override
  public String toString() {
    return kind == Kind.INTERVAL ? "interval:" + interval.toMillis() : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
