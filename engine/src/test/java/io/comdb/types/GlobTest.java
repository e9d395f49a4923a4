package io.comdb.types;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void matchesRedisExamples() {
    assertThat(matches("h?llo", "hello")).isTrue();
    assertThat(matches("h*llo", "heeeello")).isTrue();
    assertThat(matches("h[ae]llo", "hallo")).isTrue();
    assertThat(matches("h[^e]llo", "hello")).isFalse();
    assertThat(matches("h[a-b]llo", "hbllo")).isTrue();
    assertThat(matches("h\\*llo", "h*llo")).isTrue();
    assertThat(matches("h\\*llo", "hello")).isFalse();
    assertThat(matches("*", "")).isTrue();
    assertThat(matches("", "")).isTrue();
    assertThat(matches("", "a")).isFalse();
    assertThat(matches("a[bc", "ab")).isTrue(); // an unclosed class ends with the pattern
    assertThat(matches("a\\", "a\\")).isTrue(); // a trailing backslash matches itself
    assertThat(Glob.matchesNoCase("MAXMEMORY*".getBytes(ISO_8859_1), "maxmemory-policy".getBytes(ISO_8859_1))).isTrue();
  }

  /** The pattern of CVE-2022-36021: exponential in Redis's old matcher, a few thousand steps here. */
  @Test
  void manyStarsAgainstALongKeyTakeFewSteps() {
    byte[] key = "a".repeat(60).getBytes(ISO_8859_1);
    byte[] pattern = "*a".repeat(30).concat("*b").getBytes(ISO_8859_1);
    long[] steps = {0};
    assertThat(Glob.matchesCounting(pattern, key, steps)).isFalse();
    assertThat(steps[0]).isLessThanOrEqualTo((long) (pattern.length + 1) * (key.length + 1));
  }

  @Property(tries = 200)
  void stepsGrowWithTheProductOfTheLengthsAtMost(@ForAll @IntRange(min = 1, max = 200) int keyLength,
      @ForAll @IntRange(min = 1, max = 100) int stars) {
    byte[] key = "a".repeat(keyLength).getBytes(ISO_8859_1);
    byte[] pattern = "*a".repeat(stars).concat("*b").getBytes(ISO_8859_1);
    long[] steps = {0};
    Glob.matchesCounting(pattern, key, steps);
    assertThat(steps[0]).isLessThanOrEqualTo((long) (pattern.length + 1) * (keyLength + 1));
  }

  @Test
  void moreThanAThousandStarGroupsMatchNothing() {
    assertThat(matches("a*".repeat(1000), "a".repeat(1000))).isTrue();
    assertThat(matches("a*".repeat(1001) + "a", "a".repeat(1002))).isFalse();
  }

  @Property(tries = 3000)
  void agreesWithTheRecursiveDefinition(@ForAll("patterns") String pattern, @ForAll("strings") String string) {
    assertThat(matches(pattern, string)).as("%s ~ %s", pattern, string)
        .isEqualTo(recursive(pattern.getBytes(ISO_8859_1), 0, string.getBytes(ISO_8859_1), 0));
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.of("a", "b", "*", "?", "[ab]", "[^a]", "[a-b]", "\\*", "\\a").list().ofMaxSize(6)
        .map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> strings() {
    return Arbitraries.strings().withChars("ab*c").ofMaxLength(7);
  }

  private static boolean matches(String pattern, String string) {
    return Glob.matches(pattern.getBytes(ISO_8859_1), string.getBytes(ISO_8859_1));
  }

  /** Redis's recursive stringmatchlen before CVE-2022-36021, for closed classes: the meaning to keep. */
  private static boolean recursive(byte[] p, int pi, byte[] s, int si) {
    if (pi == p.length) {
      return si == s.length;
    }
    if (p[pi] == '*') {
      for (int k = si; k <= s.length; k++) {
        if (recursive(p, pi + 1, s, k)) {
          return true;
        }
      }
      return false;
    }
    if (si == s.length) {
      return false;
    }
    int next;
    boolean ok;
    if (p[pi] == '?') {
      ok = true;
      next = pi + 1;
    } else if (p[pi] == '[') {
      int close = pi + 1;
      while (p[close] != ']') {
        close++;
      }
      String body = new String(p, pi + 1, close - pi - 1, ISO_8859_1);
      boolean not = body.startsWith("^");
      String set = not ? body.substring(1) : body;
      char c = (char) s[si];
      boolean in = set.length() == 3 && set.charAt(1) == '-' ? c >= set.charAt(0) && c <= set.charAt(2) : set.indexOf(c) >= 0;
      ok = in != not;
      next = close + 1;
    } else if (p[pi] == '\\') {
      ok = p[pi + 1] == s[si];
      next = pi + 2;
    } else {
      ok = p[pi] == s[si];
      next = pi + 1;
    }
    return ok && recursive(p, next, s, si + 1);
  }
}
