package io.comdb.types;

/** Redis's glob-style patterns ({@code stringmatchlen}): {@code * ? [abc] [^a-z] \x}, on bytes. */
public final class Glob {
  private Glob() {}

  public static boolean matches(byte[] pattern, byte[] string) {
    return match(pattern, 0, string, 0, false);
  }

  static boolean matchesNoCase(byte[] pattern, byte[] string) {
    return match(pattern, 0, string, 0, true);
  }

  private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase) {
    while (pi < p.length && si <= s.length) {
      switch (p[pi]) {
        case '*':
          while (pi + 1 < p.length && p[pi + 1] == '*') {
            pi++;
          }
          if (pi + 1 == p.length) {
            return true;
          }
          for (int k = si; k <= s.length; k++) {
            if (match(p, pi + 1, s, k, nocase)) {
              return true;
            }
          }
          return false;
        case '?':
          if (si == s.length) {
            return false;
          }
          si++;
          break;
        case '[': {
          if (si == s.length) {
            return false;
          }
          pi++;
          boolean not = pi < p.length && p[pi] == '^';
          if (not) {
            pi++;
          }
          boolean matched = false;
          while (pi < p.length && p[pi] != ']') {
            if (p[pi] == '\\' && pi + 1 < p.length) {
              pi++;
              matched |= eq(p[pi], s[si], nocase);
            } else if (pi + 2 < p.length && p[pi + 1] == '-' && p[pi + 2] != ']') {
              int lo = p[pi] & 0xff;
              int hi = p[pi + 2] & 0xff;
              if (lo > hi) {
                int t = lo;
                lo = hi;
                hi = t;
              }
              int c = s[si] & 0xff;
              if (nocase) {
                lo = Character.toLowerCase(lo);
                hi = Character.toLowerCase(hi);
                c = Character.toLowerCase(c);
              }
              matched |= c >= lo && c <= hi;
              pi += 2;
            } else {
              matched |= eq(p[pi], s[si], nocase);
            }
            pi++;
          }
          if (pi >= p.length) {
            pi = p.length - 1; // an unclosed class: Redis treats the end as its close
          }
          if (matched == not) {
            return false;
          }
          si++;
          break;
        }
        case '\\':
          if (pi + 1 < p.length) {
            pi++;
          }
          // fall through: match the escaped byte literally
        default:
          if (si == s.length || !eq(p[pi], s[si], nocase)) {
            return false;
          }
          si++;
          break;
      }
      pi++;
      if (si == s.length) {
        while (pi < p.length && p[pi] == '*') {
          pi++;
        }
        return pi == p.length;
      }
    }
    return pi == p.length && si == s.length;
  }

  private static boolean eq(byte a, byte b, boolean nocase) {
    return nocase ? Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff) : a == b;
  }
}
