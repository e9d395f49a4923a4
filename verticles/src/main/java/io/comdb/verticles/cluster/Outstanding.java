package io.comdb.verticles.cluster;

import io.vertx.core.Context;
import java.util.HashMap;
import java.util.Map;

/**
 * Requests out to other nodes, and what to do for each if its node leaves the cluster (or is declared
 * dead) before it answers: the event bus would otherwise leave the sender waiting until its timeout.
 * Used on one context, the one given.
 */
public final class Outstanding {
  private final Map<String, Map<Long, Runnable>> byNode = new HashMap<>();
  private long next;

  public Outstanding(ClusterNode node, Context context) {
    node.onLeft(left -> context.runOnContext(v -> {
      Map<Long, Runnable> out = byNode.remove(left);
      if (out != null) {
        out.values().forEach(Runnable::run);
      }
    }));
  }

  /** A request is out to {@code node}; {@code ifLeft} runs if the node leaves before {@link #answered}. Returns its id. */
  public long sent(String node, Runnable ifLeft) {
    long id = next++;
    byNode.computeIfAbsent(node, k -> new HashMap<>()).put(id, ifLeft);
    return id;
  }

  /** The request {@code id} to {@code node} was answered (or failed). */
  public void answered(String node, long id) {
    Map<Long, Runnable> out = byNode.get(node);
    if (out != null && out.remove(id) != null && out.isEmpty()) {
      byNode.remove(node);
    }
  }
}
