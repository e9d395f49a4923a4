package io.comdb.types;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.luaj.vm2.Prototype;

/**
 * The scripts of one keyspace: the EVAL cache (by SHA1, as Redis's, in memory only) and the script now
 * running, so that SCRIPT KILL and FUNCTION KILL from another connection can stop it. Thread-safe: the
 * writer runs scripts, readers run read-only ones, and any connection may kill.
 */
public final class Scripts {
  /** A compiled script body and its Redis 7 flags (from a {@code #!lua flags=...} first line). */
  record Script(String sha, Prototype body, boolean noWrites) {}

  /** A script being run: whether it wrote yet, and whether a kill has been asked for. */
  static final class Running {
    final boolean function;
    /** Run by the writer (the other scripts are read-only ones on readers, which hold nobody up). */
    final boolean onWriter;
    final long startedNanos = System.nanoTime();
    volatile boolean wrote;
    volatile boolean killed;

    Running(boolean function, boolean onWriter) {
      this.function = function;
      this.onWriter = onWriter;
    }
  }

  /** What a kill request found. */
  public enum KillResult { KILLED, NOT_BUSY, UNKILLABLE, WRONG_KIND }

  private final Map<String, Script> cache = new ConcurrentHashMap<>();
  /** Scripts running now: at most one on the writer, and read-only ones on readers. */
  private final java.util.Set<Running> running = ConcurrentHashMap.newKeySet();
  private volatile boolean aborting;

  Script cached(String sha) {
    return cache.get(sha.toLowerCase(java.util.Locale.ROOT));
  }

  void cache(Script script) {
    cache.put(script.sha(), script);
  }

  public boolean exists(String sha) {
    return cache.containsKey(sha.toLowerCase(java.util.Locale.ROOT));
  }

  /** SCRIPT FLUSH. */
  public void flush() {
    cache.clear();
  }

  /**
   * SCRIPT KILL ({@code function} false) or FUNCTION KILL (true): stops the script running now, unless it
   * has written already (then stopping it would leave half of it applied, as Redis refuses too).
   */
  public KillResult kill(boolean function) {
    java.util.List<Running> now = java.util.List.copyOf(running); // one look: scripts start and end meanwhile
    java.util.List<Running> targets = now.stream().filter(r -> r.function == function).toList();
    if (targets.isEmpty()) {
      return now.isEmpty() ? KillResult.NOT_BUSY : KillResult.WRONG_KIND;
    }
    if (targets.stream().anyMatch(r -> r.wrote)) {
      return KillResult.UNKILLABLE;
    }
    targets.forEach(r -> r.killed = true);
    return KillResult.KILLED;
  }

  /**
   * The server is stopping: every running script stops at its next check, and none that ran commits
   * anything from now on (its client gets no answer, so dropping its writes loses nothing acknowledged).
   */
  public void abortAll() {
    aborting = true;
    running.forEach(r -> r.killed = true);
  }

  boolean aborting() {
    return aborting;
  }

  void started(Running run) {
    if (aborting) {
      run.killed = true;
    }
    running.add(run);
  }

  void finished(Running run) {
    running.remove(run);
  }

  /**
   * {@code "SCRIPT"} or {@code "FUNCTION"} while a script or function has run on the writer for longer
   * than {@code millis} (busy-reply-threshold), else null: what Redis's {@code -BUSY} names.
   */
  public String busy(long millis) {
    long now = System.nanoTime();
    for (Running r : running) {
      if (r.onWriter && now - r.startedNanos > millis * 1_000_000) {
        return r.function ? "FUNCTION" : "SCRIPT";
      }
    }
    return null;
  }

  /** Redis's SHA1 of a script body, in lower-case hex. */
  public static String sha1(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  static String sha1(String body) {
    return sha1(body.getBytes(StandardCharsets.UTF_8));
  }
}
