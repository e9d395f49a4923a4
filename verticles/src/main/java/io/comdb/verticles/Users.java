package io.comdb.verticles;

import io.comdb.config.SecuritySection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.hashing.HashingStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may connect and what each may do, the same on every listener ({@code security} in the
 * configuration). Passwords of named users are PBKDF2 hashes (Vert.x auth's {@link HashingStrategy}); the
 * {@code default} user's is {@code security.password}. With neither, the server is open: anyone is the
 * {@code default} user, an admin.
 *
 * <p>Verifying a PBKDF2 hash costs a quarter to a third of a second of CPU by design (245 to 323 ms
 * measured on the project's 2-core machine, bench/PasswordHash.java); HTTP sends credentials with every
 * request, so a password that verified is remembered as its SHA-256 digest, in memory, one per user, and
 * compared in constant time.
 */
public final class Users {
  public static final String DEFAULT_USER = "default";
  /** PBKDF2-HMAC-SHA512 iterations of new hashes (OWASP's 2023 figure). */
  static final int ITERATIONS = 210_000;
  private static final HashingStrategy HASHING = HashingStrategy.load();

  /** What a request needs: to read, to write, or to administer the server. */
  public enum Access { READ, WRITE, ADMIN }

  /** What a user may do: {@code read} reads; {@code write} reads and writes; {@code admin} everything. */
  public enum Role {
    READ, WRITE, ADMIN;

    public boolean permits(Access access) {
      return access.ordinal() <= ordinal();
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A signed-in user. */
  public record User(String name, Role role) {}

  private final byte[] password;
  private final Map<String, SecuritySection.User> named;
  /** Per user, the SHA-256 of the password that last verified against its hash. */
  private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

  private Users(SecuritySection security) {
    this.password = security.password() == null ? null : security.password().getBytes(StandardCharsets.UTF_8);
    this.named = security.users();
  }

  public static Users of(SecuritySection security) {
    return new Users(security);
  }

  /** Whether anyone may connect without credentials: then everyone is {@link #anyone()}. */
  public boolean open() {
    return password == null && named.isEmpty();
  }

  /** The user of a client that has not signed in, on an open server. */
  public User anyone() {
    return new User(DEFAULT_USER, Role.ADMIN);
  }

  /** Whether the {@code default} user has a password ({@code security.password}): AUTH with a password alone names it. */
  public boolean hasDefaultPassword() {
    return password != null;
  }

  /**
   * The user these credentials sign in, or null when they are wrong. An open server takes any. Timing-safe
   * in the password; a slow PBKDF2 verification happens once per user and password.
   */
  public User authenticate(String user, String given) {
    if (open()) {
      return anyone();
    }
    byte[] attempt = given.getBytes(StandardCharsets.UTF_8);
    if (DEFAULT_USER.equals(user) && password != null) {
      return MessageDigest.isEqual(attempt, password) ? new User(DEFAULT_USER, Role.ADMIN) : null;
    }
    SecuritySection.User entry = named.get(user);
    if (entry == null) {
      return null;
    }
    byte[] digest = sha256(attempt);
    byte[] known = verified.get(user);
    boolean matches = known != null && MessageDigest.isEqual(known, digest);
    if (!matches && verify(entry.passwordHash(), given)) {
      verified.put(user, digest);
      matches = true;
    }
    return matches ? new User(user, Role.valueOf(entry.role().toUpperCase(Locale.ROOT))) : null;
  }

  /**
   * {@link #authenticate(String, String)}, on a worker thread when it has to verify a PBKDF2 hash (a third of a
   * second of CPU, which must not hold an event loop: every client of that loop would wait, and a
   * client guessing passwords would stall them all); at once otherwise.
   */
  public Future<User> authenticate(Vertx vertx, String user, String given) {
    SecuritySection.User entry = open() ? null : named.get(user);
    boolean hashing = entry != null && !(DEFAULT_USER.equals(user) && password != null)
        && !MessageDigest.isEqual(verified.get(user), sha256(given.getBytes(StandardCharsets.UTF_8)));
    return hashing ? vertx.executeBlocking(() -> authenticate(user, given), false) : Future.succeededFuture(authenticate(user, given));
  }

  private static boolean verify(String hash, String given) {
    try {
      return HASHING.verify(hash, given);
    } catch (RuntimeException e) { // a hash of another shape: no password matches it
      return false;
    }
  }

  /** Whether {@code name} is one of {@code security.users}. */
  public boolean named(String name) {
    return named.containsKey(name);
  }

  /** The users there are, {@code default} included when it exists: ACL USERS. */
  public List<String> names() {
    Set<String> names = new TreeSet<>(named.keySet());
    if (password != null || open()) {
      names.add(DEFAULT_USER);
    }
    return List.copyOf(names);
  }

  /** A new PBKDF2 hash of {@code password}, with a random salt, in the form {@code security.users} keeps. */
  public static String hash(String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    String encoded = Base64.getEncoder().withoutPadding().encodeToString(salt);
    return HASHING.hash("pbkdf2", Map.of("it", Integer.toString(ITERATIONS)), encoded, password);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }
}
