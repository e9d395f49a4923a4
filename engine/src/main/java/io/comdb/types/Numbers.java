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

  /**
   * A double as Redis's {@code getDoubleFromObject} accepts it: also "inf", "+inf", "-inf"; never NaN; no
   * spaces; nothing out of range ({@code strtod}'s ERANGE: "1e400" overflows and "1e-400" underflows).
   */
  static double parseDouble(byte[] b, String error) {
    double d = strtod(b, error);
    if (Double.isInfinite(d) && !isInfinityWord(b) || d == 0 && outOfRangeZero(b)) {
      throw new RedisError(error);
    }
    return d;
  }

  /**
   * A score range's bound as Redis's {@code zslParseRange} reads it, with bare {@code strtod}: an empty text
   * is 0, and a number out of range is infinity or 0 rather than an error; still never NaN.
   */
  static double parseRangeDouble(byte[] b, String error) {
    return b.length == 0 ? 0 : strtod(b, error);
  }

  /** The syntax of a C double (no hex, no NaN, no spaces around it), its value rounded to infinity or 0. */
  private static double strtod(byte[] b, String error) {
    String s = new String(b, US_ASCII);
    if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
      throw new RedisError(error);
    }
    if (isInfinityWord(b)) {
      return s.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        throw new RedisError(error); // no hex floats, no "NaN", no trailing 'd'
      }
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new RedisError(error);
    }
  }

  private static boolean isInfinityWord(byte[] b) {
    return switch (new String(b, US_ASCII).toLowerCase(java.util.Locale.ROOT)) {
      case "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity" -> true;
      default -> false;
    };
  }

  /** Whether a number that parsed as zero has a non-zero digit before its exponent (it underflowed). */
  private static boolean outOfRangeZero(byte[] s) {
    for (byte c : s) {
      if (c == 'e' || c == 'E') {
        return false;
      }
      if (c >= '1' && c <= '9') {
        return true;
      }
    }
    return false;
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
    return percentG(d, 17);
  }

  /** C's {@code printf("%.<precision>g", d)} of a finite, non-zero {@code d}. */
  static String percentG(double d, int precision) {
    BigDecimal rounded = new BigDecimal(d).round(new MathContext(precision, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent < -4 || exponent >= precision) {
      BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
      String m = mantissa.scale() <= 0 ? mantissa.toBigInteger().toString() : mantissa.toPlainString();
      return m + (exponent < 0 ? "e-" : "e+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
    BigDecimal plain = rounded.stripTrailingZeros();
    return plain.scale() <= 0 ? plain.toBigInteger().toString() : plain.toPlainString();
  }

  /** The largest finite x87 long double. */
  private static final BigDecimal LDBL_MAX = new BigDecimal("1.18973149535723176502e4932");

  /**
   * A number as Redis's {@code getLongDoubleFromObject} reads it ({@code strtold}): no spaces, no NaN,
   * nothing beyond the long double range; null for infinity.
   */
  static BigDecimal parseLongDouble(byte[] b, String error) {
    if (b.length == 0 || b.length > 5 * 1024) {
      throw new RedisError(error);
    }
    double d = strtod(b, error); // syntax, spaces, NaN
    if (Double.isInfinite(d) && !isInfinityWord(b)) {
      d = 0; // beyond double but maybe not beyond long double: decided below
    } else if (Double.isInfinite(d)) {
      return null;
    }
    BigDecimal x;
    try {
      x = new BigDecimal(decimalText(b));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new RedisError(error);
    }
    if (x.abs().compareTo(LDBL_MAX) > 0 || x.signum() != 0 && x.abs().compareTo(new BigDecimal("3.6e-4951")) < 0) {
      throw new RedisError(error); // strtold's ERANGE
    }
    return x;
  }

  /**
   * INCRBYFLOAT's sum as Redis makes it: both numbers read as x87 long doubles (64-bit mantissa), added
   * in long double, printed with {@code %.17Lf} and trailing zeros dropped. Emulated with decimal
   * arithmetic rounded to 64 significant bits at each step.
   *
   * @param notFloat the error for a current value that is not a number (strings and hash fields differ)
   */
  static String incrByFloat(byte[] current, byte[] incrementText, String notFloat) {
    BigDecimal value = parseLongDouble(current, notFloat);
    BigDecimal by = parseLongDouble(incrementText, Errors.NOT_FLOAT);
    if (value == null || by == null) {
      throw new RedisError(Errors.NAN_OR_INFINITY);
    }
    BigDecimal sum = longDouble(longDouble(value).add(longDouble(by)));
    if (sum.abs().compareTo(LDBL_MAX) > 0) {
      throw new RedisError(Errors.NAN_OR_INFINITY);
    }
    BigDecimal rounded = sum.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return rounded.scale() <= 0 ? rounded.toBigInteger().toString() : rounded.toPlainString();
  }

  private static String decimalText(byte[] b) {
    return new String(b, US_ASCII).trim();
  }

  /** The nearest value with a 64-bit binary mantissa (an x87 long double), ties to even. */
  static BigDecimal longDouble(BigDecimal x) {
    if (x.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal abs = x.abs();
    // exponent e with 2^e <= |x| < 2^(e+1)
    int e = abs.toBigInteger().bitLength() - 1;
    if (abs.compareTo(BigDecimal.ONE) < 0) {
      e = -1;
      while (abs.multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(-e))).compareTo(BigDecimal.ONE) < 0) {
        e--;
      }
    }
    int shift = 63 - e; // mantissa = |x| * 2^shift, in [2^63, 2^64)
    BigDecimal scale = shift >= 0 ? new BigDecimal(java.math.BigInteger.ONE.shiftLeft(shift))
        : BigDecimal.ONE.divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(-shift)));
    java.math.BigInteger mantissa = abs.multiply(scale).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
    BigDecimal value = shift >= 0
        ? new BigDecimal(mantissa).divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(shift)))
        : new BigDecimal(mantissa.shiftLeft(-shift));
    return x.signum() < 0 ? value.negate() : value;
  }
}
