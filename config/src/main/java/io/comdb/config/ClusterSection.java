package io.comdb.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Clustering over Hazelcast (see docs/cluster.md).
 *
 * <pre>
 * enabled          true | false: join a cluster                               default false
 * host             the address Hazelcast binds and announces                  default 127.0.0.1
 * port             Hazelcast's port; the next free one up to port + 100        default 5701
 * members          host[:port],... to join over TCP (no multicast)             default 127.0.0.1
 *                  (without a port, 5701 to 5710 are tried)
 * minMembers       a side with fewer members refuses writes, 1 .. 100          default 1
 * backups          copies of each partition on other nodes, 0 .. 6             default 1
 * failureMillis    a member silent this long is declared dead, 2000 .. 300000  default 5000
 * </pre>
 */
public record ClusterSection(boolean enabled, String host, int port, String members, int minMembers, int backups, int failureMillis) {
  public static ClusterSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("cluster", json);
    ClusterSection section = new ClusterSection(
        f.bool("enabled", false),
        f.string("host", "127.0.0.1"),
        (int) f.integer("port", 5701, 1, 65535),
        f.string("members", "127.0.0.1"),
        (int) f.integer("minMembers", 1, 1, 100),
        (int) f.integer("backups", 1, 0, 6),
        (int) f.integer("failureMillis", 5000, 2000, 300_000));
    f.rejectUnknown();
    if (section.host.isBlank()) {
      throw new ConfigException(f.path("host"), "must name an address, e.g. 127.0.0.1");
    }
    for (String member : section.memberList()) {
      int colon = member.lastIndexOf(':');
      if (member.isEmpty() || colon == 0 || (colon > 0 && !validPort(member.substring(colon + 1)))) {
        throw new ConfigException(f.path("members"), "must be host[:port] separated by commas; got '" + section.members + "'");
      }
    }
    return section;
  }

  /** The members to join, as Hazelcast's TCP-IP join takes them ({@code host} or {@code host:port}). */
  public List<String> memberList() {
    List<String> list = new ArrayList<>();
    for (String m : members.split(",")) {
      list.add(m.strip());
    }
    return list;
  }

  private static boolean validPort(String text) {
    try {
      int port = Integer.parseInt(text);
      return port >= 1 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("host", host)
        .put("port", port)
        .put("members", members)
        .put("minMembers", minMembers)
        .put("backups", backups)
        .put("failureMillis", failureMillis);
  }
}
