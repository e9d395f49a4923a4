package io.comdb.verticles.resp;

/** Strict decimal integers of the protocol's headers: an optional minus and digits, nothing else. */
final class RespNumbers {
  private RespNumbers() {}

  static Long parse(byte[] b) {
    if (b.length == 0) {
      return null;
    }
    int i = b[0] == '-' ? 1 : 0;
    if (i == b.length) {
      return null;
    }
    long v = 0;
    for (; i < b.length; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9 || v > (Long.MAX_VALUE - d) / 10) {
        return null;
      }
      v = v * 10 + d;
    }
    return b[0] == '-' ? -v : v;
  }
}
