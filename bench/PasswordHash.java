// What verifying one of security.users' password hashes costs (docs/benchmarks.md):
//   mvn -q -B package -DskipTests && java -cp verticles/target/comdb.jar bench/PasswordHash.java
// A single-file program (Java's source launcher): it needs the server's jar, which the bench module does not.
public class PasswordHash {
  public static void main(String[] args) {
    String hash = io.comdb.verticles.Users.hash("a password");
    var hashing = io.vertx.ext.auth.hashing.HashingStrategy.load();
    for (int i = 0; i < 3; i++) {
      hashing.verify(hash, "a password"); // warm-up
    }
    int rounds = 10;
    long start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      hashing.verify(hash, "a password");
    }
    System.out.printf("pbkdf2-bench ms_per_verification=%.0f%n", (System.nanoTime() - start) / 1e6 / rounds);
  }
}
