package io.comdb.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Adding to sparse runs gives the bytes that decoding every register and encoding them again gives. */
class HyperLogLogSparseTest {
  /** The old way: all 16,384 registers, raised, encoded again (sparse while it fits, else dense). */
  private static byte[] byRegisters(byte[] stored, long[] hashes) {
    int[] registers = stored == null ? new int[HyperLogLogCommands.REGISTERS] : HyperLogLogCommands.registers(stored);
    boolean grew = stored == null;
    for (long hash : hashes) {
      int index = (int) (hash & (HyperLogLogCommands.REGISTERS - 1));
      int run = Long.numberOfTrailingZeros((hash >>> HyperLogLogCommands.P) | (1L << (64 - HyperLogLogCommands.P))) + 1;
      if (run > registers[index]) {
        registers[index] = run;
        grew = true;
      }
    }
    if (!grew) {
      return null;
    }
    byte[] sparse = HyperLogLogCommands.sparse(registers);
    return sparse != null ? sparse : HyperLogLogCommands.dense(registers);
  }

  @Test
  void sparseAddsMatchAFullDecodeAndEncodeUntilTheValueTurnsDense() {
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      byte[] value = null;
      boolean first = true;
      int adds = 1 + random.nextInt(600);
      for (int a = 0; a < adds; a++) {
        long[] hashes = new long[random.nextInt(6)];
        for (int h = 0; h < hashes.length; h++) {
          // few registers in some trials (long runs of equal values), the whole range in others
          hashes[h] = trial % 3 == 0 ? (random.nextLong() & ~0x3fffL) | random.nextInt(40) : random.nextLong();
        }
        byte[] expected = byRegisters(value, hashes);
        byte[] actual = HyperLogLogCommands.addSparse(value, hashes);
        assertThat(actual).as("trial %d, add %d", trial, a).isEqualTo(expected);
        if (first) {
          assertThat(actual).as("a new HyperLogLog is stored even with no element").isNotNull();
          first = false;
        }
        if (actual != null) {
          value = actual;
        }
        if (value[4] == 0) {
          break; // dense: PFADD edits those in place, not through the runs
        }
      }
    }
  }

  @Test
  void aRegisterAbove32TurnsTheValueDense() {
    long hash = 5L; // register 5; the rest of the hash all zero bits: the longest run, 51
    byte[] value = HyperLogLogCommands.addSparse(null, new long[] {hash});
    assertThat(value[4]).isEqualTo((byte) 0);
    assertThat(HyperLogLogCommands.registers(value)[5]).isEqualTo(51);
  }
}
