package io.comdb.verticles.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.cluster.Slots;
import io.comdb.types.CommandSpec;
import io.comdb.search.MemoryKeys;
import io.comdb.types.Commands;
import io.comdb.types.KeySpace;
import io.comdb.verticles.api.Admin;
import io.comdb.verticles.api.Kv;
import io.comdb.verticles.api.Redis;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The slot a request belongs to: the one slot all of its keys hash to ({@link Slots}). A memory space is
 * placed by its agent id, like a key.
 */
public final class ClusterKeys {
  /** A request without keys (DBSIZE, KEYS, PING, a scan): the node it reaches serves it. */
  public static final int NO_SLOT = -1;

  /** The keys of one request hash to different slots. */
  public static final class CrossSlot extends IllegalArgumentException {
    CrossSlot() {
      super("the keys of the request hash to different slots; keys that share a {hash tag} share a slot");
    }
  }

  private ClusterKeys() {}

  /**
   * The slot of an event-bus request of ComDB's API, or {@link #NO_SLOT}.
   *
   * @throws CrossSlot if its keys hash to different slots
   */
  public static int slot(Object body) {
    Slot slot = new Slot();
    if (body instanceof Kv.Get m) {
      slot.add(m.key());
    } else if (body instanceof Kv.Put m) {
      slot.add(m.key());
    } else if (body instanceof Kv.Delete m) {
      slot.add(m.key());
    } else if (body instanceof Kv.Batch m) {
      m.writes().forEach(w -> slot.add(w.key()));
    } else if (body instanceof Kv.Txn m) {
      m.compares().forEach(c -> slot.add(c.key()));
      m.success().forEach(op -> slot.add(op.key()));
      m.failure().forEach(op -> slot.add(op.key()));
    } else if (body instanceof Redis.Exec m) {
      keys(m.args()).forEach(slot::add);
    } else if (body instanceof Redis.Block m) {
      keys(m.args()).forEach(slot::add);
    } else if (body instanceof Redis.Transaction m) {
      m.commands().forEach(c -> keys(c).forEach(slot::add));
      m.watchedKeys().forEach(slot::add);
    } else if (body instanceof JsonObject json && json.getValue("agentId") instanceof String agentId) {
      slot.add(agentId.getBytes(UTF_8));
    }
    return slot.slot;
  }

  /**
   * The slot of a key as the engine stores it: a key of the key-value API by itself, an internal key of a
   * Redis type by its Redis key, one of agent memory by its agent id, a partition's version in that partition.
   */
  public static int slotOfStored(byte[] stored) {
    if (!KeySpace.isReserved(stored)) {
      return Slots.of(stored);
    }
    byte[] redisKey = KeySpace.redisKeyOf(stored);
    if (redisKey != null) {
      return Slots.of(redisKey);
    }
    byte[] agent = MemoryKeys.agentOf(stored);
    if (agent != null) {
      return Slots.of(agent);
    }
    return Math.max(PartitionVersion.slotOf(stored), 0);
  }

  /**
   * Whether a request to a writer may change data: what a side of the cluster without quorum refuses. Agent
   * memory's requests ({@code JsonObject}) reach the writer as {@code Writer.Commit}s when they write.
   */
  public static boolean mayWrite(Object request) {
    if (request instanceof Kv.Get || request instanceof Kv.Scan || request instanceof Admin.StatsRequest || request instanceof JsonObject) {
      return false;
    }
    if (request instanceof Redis.Exec exec) {
      CommandSpec spec = Commands.lookup(exec.args().get(0));
      return spec != null && spec.writes(exec.args());
    }
    return true;
  }

  /** The slot of a Redis command's keys, or {@link #NO_SLOT}; unknown commands have none. */
  public static int slotOfCommand(List<byte[]> args) {
    Slot slot = new Slot();
    keys(args).forEach(slot::add);
    return slot.slot;
  }

  /** The key arguments of a Redis command ({@link CommandSpec#keys}); none for an unknown command or a wrong count of arguments. */
  public static List<byte[]> keys(List<byte[]> args) {
    CommandSpec spec = Commands.lookup(args.get(0));
    return spec == null || !spec.arityMatches(args.size()) ? List.of() : spec.keys(args);
  }

  private static final class Slot {
    int slot = NO_SLOT;

    void add(byte[] key) {
      int s = Slots.of(key);
      if (slot != NO_SLOT && slot != s) {
        throw new CrossSlot();
      }
      slot = s;
    }
  }
}
