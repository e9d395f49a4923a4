package io.comdb.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RecordTest {
  private static ByteBuffer encode(RecordType type, long seq, byte[] key, byte[] value) {
    ByteBuffer b = ByteBuffer.allocate(Record.encodedSize(seq, key.length, value.length) + 16);
    b.position(16); // not at 0: offsets are absolute
    Record.encode(b, type, seq, key, value);
    return b;
  }

  @Property(tries = 300)
  void decodesWhatItEncodes(@ForAll @Size(max = 300) byte[] key, @ForAll @Size(max = 3000) byte[] value, @ForAll long seq) {
    seq = seq & Long.MAX_VALUE;
    ByteBuffer b = encode(RecordType.VALUE, seq, key, value);
    Record.Decoded d = Record.decode(b, 16, b.position());
    assertThat(d.status()).isEqualTo(Record.Status.OK);
    assertThat(d.record().seq()).isEqualTo(seq);
    assertThat(d.record().key(b)).isEqualTo(key);
    assertThat(d.record().value(b)).isEqualTo(value);
    assertThat(d.record().size()).isEqualTo(Record.encodedSize(seq, key.length, value.length));
  }

  @Property(tries = 200)
  void everyFlippedByteIsCaught(@ForAll @Size(min = 1, max = 40) byte[] key, @ForAll @Size(max = 200) byte[] value,
      @ForAll int where, @ForAll byte mask) {
    if (mask == 0) {
      return;
    }
    ByteBuffer b = encode(RecordType.VALUE, 12345, key, value);
    int i = 16 + Math.floorMod(where, b.position() - 16);
    b.put(i, (byte) (b.get(i) ^ mask));
    assertThat(Record.decode(b, 16, b.position()).status()).isNotEqualTo(Record.Status.OK);
  }

  @Test
  void aRecordCutShortIsTruncatedNotCorrupt() {
    ByteBuffer b = encode(RecordType.TOMBSTONE, 7, new byte[] {1, 2}, Record.varintBytes(42));
    for (int cut = 16; cut < b.position(); cut++) {
      assertThat(Record.decode(b, 16, cut).status()).isIn(Record.Status.TRUNCATED, Record.Status.CORRUPT);
    }
    assertThat(Record.decode(b, 16, b.position() - 1).status()).isEqualTo(Record.Status.TRUNCATED);
  }

  @Test
  void zeroBytesReadAsTheEndOfWhatWasWritten() {
    assertThat(Record.decode(ByteBuffer.allocate(64), 0, 64).status()).isEqualTo(Record.Status.ZERO);
  }

  @Test
  void tombstoneValueNamesTheFileItDeletesFrom() {
    ByteBuffer b = encode(RecordType.TOMBSTONE, 1, new byte[] {9}, Record.varintBytes(300));
    Record r = Record.decode(b, 16, b.position()).record();
    assertThat(r.type()).isEqualTo(RecordType.TOMBSTONE);
    assertThat(r.varintValue(b)).isEqualTo(300);
  }

  @Test
  void varintSizesAtTheirBoundaries() {
    assertThat(Varint.size(0)).isEqualTo(1);
    assertThat(Varint.size(127)).isEqualTo(1);
    assertThat(Varint.size(128)).isEqualTo(2);
    assertThat(Varint.size(Long.MAX_VALUE)).isEqualTo(9);
    assertThat(Varint.size(-1L)).isEqualTo(Varint.MAX_LONG_BYTES);
    for (long v : new long[] {0, 1, 127, 128, 16383, 16384, Integer.MAX_VALUE, Long.MAX_VALUE, -1L}) {
      ByteBuffer b = ByteBuffer.allocate(10);
      Varint.put(b, v);
      assertThat(b.position()).isEqualTo(Varint.size(v));
      assertThat(Varint.get(b, 0, b.position(), Varint.MAX_LONG_BYTES)).isEqualTo(v);
    }
  }
}
