package io.comdb.config;

import io.vertx.core.json.JsonObject;

/**
 * Clustering over Hazelcast. This build runs one node: {@code enabled: true} is refused at start-up
 * until the cluster module lands.
 *
 * <pre>
 * enabled  true | false                                        default false
 * backups  copies of each write on other nodes, 0 .. 6         default 1
 * </pre>
 */
public record ClusterSection(boolean enabled, int backups) {
  public static ClusterSection fromJson(JsonObject json) {
    JsonFields f = new JsonFields("cluster", json);
    ClusterSection section = new ClusterSection(f.bool("enabled", false), (int) f.integer("backups", 1, 0, 6));
    f.rejectUnknown();
    if (section.enabled) {
      throw new ConfigException(f.path("enabled"), "clustering is not available in this build; allowed: false");
    }
    return section;
  }

  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("backups", backups);
  }
}
