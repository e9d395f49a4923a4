package io.comdb.verticles.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.cluster.PartitionTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A partition's version record, and which copy of a partition a restarted cluster keeps. */
class PartitionVersionTest {
  @Test
  void theRecordIsPlacedInItsPartitionAndReadsBackAsWritten() {
    for (int p : new int[] {0, 1, 135, 270}) {
      byte[] key = PartitionVersion.key(p, 271);
      assertThat(PartitionTable.partitionOf(ClusterKeys.slotOfStored(key), 271)).isEqualTo(p);
    }
    PartitionVersion v = PartitionVersion.NONE.next("node-a").next("node-b");
    assertThat(v).isEqualTo(new PartitionVersion(2, "node-b"));
    assertThat(PartitionVersion.decode(v.encode())).isEqualTo(v);
    assertThat(PartitionVersion.decode(null)).isEqualTo(PartitionVersion.NONE);
    assertThat(PartitionVersion.slotOf(new byte[] {0, 0x20, 1})).isEqualTo(-1); // not one: too short
  }

  @Test
  void theNewestOfferComesFirstAndOnATieTheWritersCopy() {
    Holdings.Offer stale = new Holdings.Offer("c", 7, true);
    Holdings.Offer backup = new Holdings.Offer("b", 8, false);
    Holdings.Offer owner = new Holdings.Offer("a", 8, true);
    List<Holdings.Offer> offers = new ArrayList<>(List.of(stale, backup, owner));
    Collections.shuffle(offers);
    Collections.sort(offers);
    assertThat(offers).containsExactly(owner, backup, stale);
    assertThat(Holdings.Offer.decode(owner.encode())).isEqualTo(owner);
  }
}
