package io.comdb.types;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Redis's number parsing and formatting: strict integers, and doubles as {@code %.17g} prints them. */
public final class Numbers {
  private Numbers() {}

  /** A strict 64-bit integer: optional minus, digits, no spaces, no plus, no leading zeros. */
  static long parseLong(byte[] b, String error) {
    Long v = tryParseLong(b);
    if (v == null) {
      throw new RedisError(error);
    }
    return v;
  }

  static Long tryParseLong(byte[] b) {
    int n = b.length;
    if (n == 0 || n > 20) {
      return null;
    }
    int i = 0;
    boolean negative = b[0] == '-';
    if (negative) {
      i = 1;
      if (n == 1) {
        return null;
      }
    }
    if (b[i] == '0' && n > i + 1) {
      return null;
    }
    long v = 0;
    for (; i < n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      // accumulate negatively so that Long.MIN_VALUE parses
      if (v < (Long.MIN_VALUE + d) / 10) {
        return null;
      }
      v = v * 10 - d;
    }
    if (!negative) {
      if (v == Long.MIN_VALUE) {
        return null;
      }
      v = -v;
    }
    if (negative && v == 0) {
      return null; // "-0"
    }
    return v;
  }

  /** A double as Redis accepts it: also "inf", "+inf", "-inf"; never NaN; no spaces. */
  static double parseDouble(byte[] b, String error) {
    String s = new String(b, US_ASCII);
    if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
      throw new RedisError(error);
    }
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        throw new RedisError(error); // no hex floats, no "NaN", no trailing 'd'
      }
    }
    try {
      double d = Double.parseDouble(s);
      if (Double.isNaN(d)) {
        throw new RedisError(error);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new RedisError(error);
    }
  }

  /** As Redis 7.0 replies a double (d2string): integral values as integers, otherwise C's {@code %.17g}. */
  public static String formatDouble(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1.0 / d < 0 ? "-0" : "0";
    }
    if (d > -4503599627370495.0 && d < 4503599627370496.0 && d == (double) (long) d) {
      return Long.toString((long) d);
    }
    return percentG17(d);
  }

  /** C's {@code printf("%.17g", d)}: 17 significant digits, trailing zeros dropped, exponent form outside 1e-4 .. 1e17. */
  static String percentG17(double d) {
    BigDecimal rounded = new BigDecimal(d).round(new MathContext(17, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent < -4 || exponent >= 17) {
      BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
      String m = mantissa.scale() <= 0 ? mantissa.toBigInteger().toString() : mantissa.toPlainString();
      return m + (exponent < 0 ? "e-" : "e+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
    BigDecimal plain = rounded.stripTrailingZeros();
    return plain.scale() <= 0 ? plain.toBigInteger().toString() : plain.toPlainString();
  }

  /**
   * INCRBYFLOAT's sum: Redis adds in long double and prints {@code %.17Lf} without trailing zeros; exact
   * decimal arithmetic on the two texts gives the same digits for the values people add.
   */
  static String incrByFloat(byte[] current, double increment, byte[] incrementText) {
    BigDecimal sum = new BigDecimal(new String(current, US_ASCII).trim()).add(new BigDecimal(new String(incrementText, US_ASCII).trim()));
    BigDecimal rounded = sum.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return rounded.scale() <= 0 ? rounded.toBigInteger().toString() : rounded.toPlainString();
  }
}
