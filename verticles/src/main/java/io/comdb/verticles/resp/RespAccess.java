package io.comdb.verticles.resp;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.types.CommandSpec;
import io.comdb.verticles.Users;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a Redis command needs of its user's role: {@code admin} for the server's own commands (Redis's
 * {@code admin} flag: SHUTDOWN, DEBUG, MONITOR, SAVE, SLOWLOG; and CONFIG, FLUSHALL, ACL USERS, CLIENT
 * LIST/KILL/PAUSE/UNPAUSE/NO-EVICT), {@code write} for a command that may change data, {@code read} for the
 * rest. Signing in, ACL WHOAMI and leaving need nothing.
 */
final class RespAccess {
  private static final Set<String> ADMIN = Set.of("config", "flushall");
  private static final Set<String> ADMIN_CLIENT = Set.of("list", "kill", "pause", "unpause", "no-evict");
  private static final Set<String> ANYONE = Set.of("auth", "hello", "quit", "reset", "ping");

  private RespAccess() {}

  static Users.Access of(CommandSpec spec, List<byte[]> args) {
    String name = spec.name();
    if (ANYONE.contains(name)) {
      return Users.Access.READ;
    }
    String sub = args.size() > 1 ? new String(args.get(1), UTF_8).toLowerCase(Locale.ROOT) : "";
    if (spec.flags().contains("admin") || ADMIN.contains(name) || name.equals("client") && ADMIN_CLIENT.contains(sub)
        || name.equals("acl") && sub.equals("users")) {
      return Users.Access.ADMIN;
    }
    return spec.writes(args) ? Users.Access.WRITE : Users.Access.READ;
  }

  /** The command's name as Redis's NOPERM text gives it: {@code set}, {@code config|set}. */
  static String label(CommandSpec spec, List<byte[]> args) {
    boolean container = Set.of("config", "client", "acl", "script", "function", "object", "cluster", "slowlog", "debug").contains(spec.name());
    return container && args.size() > 1 ? spec.name() + "|" + new String(args.get(1), UTF_8).toLowerCase(Locale.ROOT) : spec.name();
  }
}
