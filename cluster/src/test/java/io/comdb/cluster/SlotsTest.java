package io.comdb.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlotsTest {
  private static int slot(String key) {
    return Slots.of(key.getBytes(UTF_8));
  }

  @Test
  void slotsAreRedisClusters() {
    // Figures from Redis Cluster's specification and redis-cli's CLUSTER KEYSLOT.
    assertThat(Slots.crc16("123456789".getBytes(UTF_8), 0, 9)).isEqualTo(0x31C3);
    assertThat(slot("foo")).isEqualTo(12182);
    assertThat(slot("bar")).isEqualTo(5061);
    assertThat(slot("somekey")).isEqualTo(11058);
    assertThat(slot("")).isZero();
  }

  @Test
  void hashTagsPlaceKeysTogether() {
    assertThat(slot("{user1000}.following")).isEqualTo(slot("user1000")).isEqualTo(slot("{user1000}.followers"));
    assertThat(slot("foo{}{bar}")).isEqualTo(slot("foo{}{bar}")).isNotEqualTo(slot("bar")); // an empty tag: the whole key
    assertThat(slot("foo{{bar}}zap")).isEqualTo(slot("{bar"));
    assertThat(slot("foo{bar}{zap}")).isEqualTo(slot("bar"));
  }

  @Test
  void aPartitionsFirstSlotMapsToItAndTheSlotBeforeItDoesNot() {
    for (int count : new int[] {1, 7, 271, 16384}) {
      for (int p = 0; p < count; p++) {
        int first = PartitionTable.firstSlot(p, count);
        assertThat(PartitionTable.partitionOf(first, count)).as("partition %d of %d", p, count).isEqualTo(p);
        if (first > 0) {
          assertThat(PartitionTable.partitionOf(first - 1, count)).isEqualTo(p - 1);
        }
      }
    }
  }
}
