package io.comdb.types;

/**
 * Redis's glob-style patterns ({@code stringmatchlen}): {@code * ? [abc] [^a-z] \x}, on bytes.
 *
 * <p>Every token but {@code *} matches exactly one byte, so one backtracking point is enough: when a token
 * fails, the last {@code *} takes one more byte and the match resumes after it. That is at most
 * (pattern length + 1) × (string length + 1) steps, where Redis's recursive matcher was exponential before
 * its fix for CVE-2022-36021 (KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET all share this class). As
 * Redis since that fix, a pattern nests at most {@value #MAX_STARS} {@code *} groups: a match that needs
 * one more fails.
 */
public final class Glob {
  static final int MAX_STARS = 1000;

  private Glob() {}

  public static boolean matches(byte[] pattern, byte[] string) {
    return match(pattern, string, false, null);
  }

  /** As {@link #matches}, ignoring ASCII case (CONFIG GET's parameter names). */
  public static boolean matchesNoCase(byte[] pattern, byte[] string) {
    return match(pattern, string, true, null);
  }

  /** As {@link #matches}, adding the steps taken to {@code steps[0]}: tests bound them. */
  static boolean matchesCounting(byte[] pattern, byte[] string, long[] steps) {
    return match(pattern, string, false, steps);
  }

  private static boolean match(byte[] p, byte[] s, boolean nocase, long[] steps) {
    int pi = 0;
    int si = 0;
    int starP = -1; // the pattern index after the last * group, or -1
    int starS = 0; // where the string stood when that * took nothing
    int stars = 0;
    while (si < s.length) {
      if (steps != null) {
        steps[0]++;
      }
      if (pi < p.length && p[pi] == '*') {
        while (pi < p.length && p[pi] == '*') {
          pi++;
        }
        if (pi == p.length) {
          return true;
        }
        if (++stars > MAX_STARS) {
          return false;
        }
        starP = pi;
        starS = si;
        continue;
      }
      int next = pi < p.length ? token(p, pi, s[si], nocase) : -1;
      if (next >= 0) {
        pi = next;
        si++;
      } else if (starP >= 0) {
        pi = starP;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < p.length && p[pi] == '*') {
      pi++;
    }
    return pi == p.length;
  }

  /** The pattern index after the token at {@code pi} if it matches {@code c}, else -1. */
  private static int token(byte[] p, int pi, byte c, boolean nocase) {
    switch (p[pi]) {
      case '?':
        return pi + 1;
      case '[':
        return charClass(p, pi + 1, c, nocase);
      case '\\':
        if (pi + 1 < p.length) {
          pi++; // a trailing backslash matches itself
        }
        return eq(p[pi], c, nocase) ? pi + 1 : -1;
      default:
        return eq(p[pi], c, nocase) ? pi + 1 : -1;
    }
  }

  /** {@code [abc]}, {@code [^a-z]}, {@code [\]]}; an unclosed class ends with the pattern, as in Redis. */
  private static int charClass(byte[] p, int pi, byte c, boolean nocase) {
    boolean not = pi < p.length && p[pi] == '^';
    if (not) {
      pi++;
    }
    boolean matched = false;
    while (pi < p.length && p[pi] != ']') {
      if (p[pi] == '\\' && pi + 1 < p.length) {
        pi++;
        matched |= eq(p[pi], c, nocase);
      } else if (pi + 2 < p.length && p[pi + 1] == '-' && p[pi + 2] != ']') {
        int lo = p[pi] & 0xff;
        int hi = p[pi + 2] & 0xff;
        if (lo > hi) {
          int t = lo;
          lo = hi;
          hi = t;
        }
        int ch = c & 0xff;
        if (nocase) {
          lo = Character.toLowerCase(lo);
          hi = Character.toLowerCase(hi);
          ch = Character.toLowerCase(ch);
        }
        matched |= ch >= lo && ch <= hi;
        pi += 2;
      } else {
        matched |= eq(p[pi], c, nocase);
      }
      pi++;
    }
    return matched != not ? Math.min(pi + 1, p.length) : -1;
  }

  private static boolean eq(byte a, byte b, boolean nocase) {
    return nocase ? Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff) : a == b;
  }
}
