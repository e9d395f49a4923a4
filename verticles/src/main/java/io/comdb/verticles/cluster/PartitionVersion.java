package io.comdb.verticles.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.cluster.PartitionTable;
import io.comdb.types.KeySpace;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How new a node's copy of a partition is, kept in the partition itself as one record: the owner's writer
 * counts up, in the write group of a drain that writes to the partition, whenever the partition's replicas
 * (owner and backups) are not those it last counted with ({@link Replication#stampVersions}). The record is
 * one of the partition's entries, so replication copies it to the backups with the drain's other writes,
 * a fill streams it, and a drop deletes it.
 *
 * <p>What it orders: every copy that took all of a partition's acknowledged writes has the highest counter.
 * A node that stops being a replica misses the next drain of the partition, which counts up because the
 * replicas changed; so its copy, offered after a restart of the whole cluster, has a lower counter and loses.
 * The drain in flight when a backup died may be acknowledged without it, before the table shows the change:
 * the two copies then have the same counter, and the tie goes to the copy of the node that wrote the record
 * (the owner), which applies every write before any backup does.
 *
 * <table>
 *   <caption>The record</caption>
 *   <tr><th>part</th><th>bytes</th></tr>
 *   <tr><td>key</td><td>{@code 00 20}, then the partition's first slot as 2 bytes, big-endian: placed in the partition</td></tr>
 *   <tr><td>value</td><td>the counter (8 bytes, big-endian), then the writer's node id (UTF-8)</td></tr>
 * </table>
 */
record PartitionVersion(long counter, String writer) {
  /** The kind byte after {@link KeySpace#RESERVED}: the cluster's own records. */
  static final byte KIND = 0x20;
  /** A partition that has no record yet: older than any that has one. */
  static final PartitionVersion NONE = new PartitionVersion(0, "");

  /** The record's key for {@code partition}, of {@code partitionCount}. */
  static byte[] key(int partition, int partitionCount) {
    int slot = PartitionTable.firstSlot(partition, partitionCount);
    return new byte[] {KeySpace.RESERVED, KIND, (byte) (slot >>> 8), (byte) slot};
  }

  /** The slot a stored key of this kind is placed in, or -1 if it is not one. */
  static int slotOf(byte[] stored) {
    return stored.length == 4 && stored[0] == KeySpace.RESERVED && stored[1] == KIND ? (stored[2] & 0xFF) << 8 | stored[3] & 0xFF : -1;
  }

  /** Reads a record's value; null reads as {@link #NONE}. */
  static PartitionVersion decode(byte[] value) {
    if (value == null) {
      return NONE;
    }
    if (value.length < Long.BYTES) {
      throw new IllegalArgumentException("a partition version of " + value.length + " bytes");
    }
    return new PartitionVersion(ByteBuffer.wrap(value).getLong(), new String(value, Long.BYTES, value.length - Long.BYTES, UTF_8));
  }

  byte[] encode() {
    byte[] id = writer.getBytes(UTF_8);
    byte[] value = Arrays.copyOf(ByteBuffer.allocate(Long.BYTES).putLong(counter).array(), Long.BYTES + id.length);
    System.arraycopy(id, 0, value, Long.BYTES, id.length);
    return value;
  }

  /** The version after this one, written by {@code node}. */
  PartitionVersion next(String node) {
    return new PartitionVersion(counter + 1, node);
  }
}
