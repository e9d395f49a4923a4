package io.comdb.search;

import io.comdb.types.KeySpace;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Where memory spaces live among the engine's keys, in the internal namespace (first byte 0x00) next to
 * the Redis types' ({@link KeySpace}):
 *
 * <pre>
 * space     00 10 agent                      → space record (capacity, creation time, next sequence, compressor)
 * memory    00 11 len(agent):2 agent seq:8    → memory record (creation time, text, metadata)
 * history   00 12 len(agent):2 agent seq:8    → the memories a compressed memory replaced
 * vector    00 13 len(agent):2 agent seq:8    → the memory's embedding, tagged with its model
 * heat      00 14 len(agent):2 agent seq:8    → the memory's search heat ({@link Heat}), once a search found it
 * </pre>
 *
 * A memory's id is its sequence number in decimal. The length prefix keeps one agent's records contiguous
 * and apart from an agent whose id extends this one's.
 */
public final class MemoryKeys {
  static final byte SPACE = 0x10;
  static final byte MEMORY = 0x11;
  static final byte HISTORY = 0x12;
  static final byte VECTOR = 0x13;
  static final byte HEAT = 0x14;
  /** The kinds of record a memory may have, one of each at most. */
  static final byte[] PER_MEMORY = {MEMORY, HISTORY, VECTOR, HEAT};
  /** Agent ids are 1 to this many bytes of UTF-8. */
  static final int MAX_AGENT_BYTES = 512;

  private MemoryKeys() {}

  static byte[] agentBytes(String agentId) {
    byte[] bytes = agentId == null ? new byte[0] : agentId.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > MAX_AGENT_BYTES) {
      throw new IllegalArgumentException("agentId must be 1 to " + MAX_AGENT_BYTES + " bytes of UTF-8");
    }
    return bytes;
  }

  static byte[] spacePrefix() {
    return new byte[] {KeySpace.RESERVED, SPACE};
  }

  static byte[] space(byte[] agent) {
    return ByteBuffer.allocate(2 + agent.length).put(KeySpace.RESERVED).put(SPACE).put(agent).array();
  }

  /**
   * The agent id bytes a stored key of agent memory belongs to (a space, memory, history, vector or heat key),
   * or null for a key of another namespace: what a cluster places the stored key by.
   */
  public static byte[] agentOf(byte[] stored) {
    if (stored.length < 2 || stored[0] != KeySpace.RESERVED) {
      return null;
    }
    if (stored[1] == SPACE) {
      return java.util.Arrays.copyOfRange(stored, 2, stored.length);
    }
    if (stored[1] >= MEMORY && stored[1] <= HEAT && stored.length >= 4) {
      int length = ByteBuffer.wrap(stored, 2, 2).getShort() & 0xffff;
      return 4 + length <= stored.length ? java.util.Arrays.copyOfRange(stored, 4, 4 + length) : null;
    }
    return null;
  }

  static String agentOfSpace(byte[] spaceKey) {
    return new String(spaceKey, 2, spaceKey.length - 2, StandardCharsets.UTF_8);
  }

  /** The prefix of every record of {@code kind} (one of {@link #PER_MEMORY}) of the agent. */
  static byte[] prefix(byte kind, byte[] agent) {
    return header(kind, agent, 0).array();
  }

  static byte[] record(byte kind, byte[] agent, long seq) {
    return header(kind, agent, 8).putLong(seq).array();
  }

  static long seqOf(byte[] recordKey) {
    return ByteBuffer.wrap(recordKey, recordKey.length - 8, 8).getLong();
  }

  private static ByteBuffer header(byte kind, byte[] agent, int extra) {
    return ByteBuffer.allocate(4 + agent.length + extra)
        .put(KeySpace.RESERVED).put(kind).putShort((short) agent.length).put(agent);
  }

  static String id(long seq) {
    return Long.toString(seq);
  }

  /** The sequence number of a memory id, or -1 if it is not one. */
  static long seq(String id) {
    if (id == null || id.isEmpty() || id.length() > 19) {
      return -1;
    }
    for (int i = 0; i < id.length(); i++) {
      if (id.charAt(i) < '0' || id.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
