package io.comdb.verticles.cluster;

import io.vertx.core.Context;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Requests out to other nodes, and what to do for each if its node leaves the cluster (or is declared
 * dead) before it answers: the event bus would otherwise leave the sender waiting until its timeout.
 * Used on one context, the one given.
 */
public final class Outstanding {
  private final Context context;
  private final Map<String, Map<Long, Runnable>> byNode = new HashMap<>();
  /**
   * The nodes that have left: a request sent to one after its leaving was told here (the partition table
   * may name it a moment longer) gets no answer either. A node's id is new at each start, so none comes back.
   */
  private final Set<String> left = new HashSet<>();
  private long next;

  public Outstanding(ClusterNode node, Context context) {
    this.context = context;
    node.onLeft(gone -> context.runOnContext(v -> {
      left.add(gone);
      Map<Long, Runnable> out = byNode.remove(gone);
      if (out != null) {
        out.values().forEach(Runnable::run);
      }
    }));
  }

  /** A request is out to {@code node}; {@code ifLeft} runs if the node leaves (or has left) before {@link #answered}. Returns its id. */
  public long sent(String node, Runnable ifLeft) {
    long id = next++;
    if (left.contains(node)) {
      context.runOnContext(v -> ifLeft.run());
    } else {
      byNode.computeIfAbsent(node, k -> new HashMap<>()).put(id, ifLeft);
    }
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
