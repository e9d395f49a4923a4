package io.comdb.verticles;

import io.comdb.config.SecuritySection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may connect, the same on every listener. With no {@code security.password} the server is open (it
 * then binds loopback only): anyone is the {@code default} user. With one, the {@code default} user has
 * that password.
 */
public final class Users {
  public static final String DEFAULT_USER = "default";

  private final byte[] password;

  private Users(String password) {
    this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
  }

  public static Users of(SecuritySection security) {
    return new Users(security.password());
  }

  /** Whether anyone may connect without a password. */
  public boolean open() {
    return password == null;
  }

  /** The user these credentials name, or null when they are wrong. Timing-safe in the password. */
  public String authenticate(String user, String given) {
    if (password == null) {
      return DEFAULT_USER;
    }
    boolean matches = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), password);
    return matches && DEFAULT_USER.equals(user) ? DEFAULT_USER : null;
  }
}
