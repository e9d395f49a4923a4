package io.comdb.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryCodecTest {
  @Test
  void memoriesRoundTripWithUnicodeAndMetadata() {
    Memory m = new Memory("42", "Bob 喜欢喝绿茶 🍵", new JsonObject().put("dia_id", "D1:3").put("n", 3).put("tags", new JsonArray().add("a")), 1234);
    assertThat(MemoryCodec.decodeMemory(42, MemoryCodec.encodeMemory(m))).isEqualTo(m);
    Memory bare = new Memory("7", "x", null, 0);
    assertThat(MemoryCodec.decodeMemory(7, MemoryCodec.encodeMemory(bare))).isEqualTo(bare);
  }

  @Test
  void spacesHistoryAndVectorsRoundTrip() {
    MemoryCodec.SpaceRecord space = new MemoryCodec.SpaceRecord(10, 99, 5, "http://llm/v1/chat/completions", new CompressionPolicy(20, 60_000L, "Summarize:"));
    assertThat(MemoryCodec.decodeSpace(MemoryCodec.encodeSpace(space))).isEqualTo(space);
    MemoryCodec.SpaceRecord none = new MemoryCodec.SpaceRecord(0, 1, 1, null, CompressionPolicy.NONE);
    assertThat(MemoryCodec.decodeSpace(MemoryCodec.encodeSpace(none))).isEqualTo(none);

    List<Memory> originals = List.of(new Memory("1", "one", null, 1), new Memory("2", "two", new JsonObject().put("k", true), 2));
    assertThat(MemoryCodec.decodeHistory(MemoryCodec.encodeHistory(originals))).isEqualTo(originals);

    float[] v = {0.5f, -0.25f, 1f};
    assertThat(MemoryCodec.decodeVector("m", MemoryCodec.encodeVector("m", v))).containsExactly(v);
    assertThat(MemoryCodec.decodeVector("other", MemoryCodec.encodeVector("m", v))).isNull();
  }

  @Test
  void truncatedOrForeignRecordsAreReportedNotServed() {
    byte[] value = MemoryCodec.encodeMemory(new Memory("1", "some text", null, 5));
    assertThatThrownBy(() -> MemoryCodec.decodeMemory(1, Arrays.copyOf(value, value.length - 3)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("corrupt memory record");
    byte[] wrongFormat = value.clone();
    wrongFormat[0] = 9;
    assertThatThrownBy(() -> MemoryCodec.decodeMemory(1, wrongFormat)).hasMessageContaining("format 9");
  }

  @Test
  void keysKeepOneAgentsRecordsApartFromAnAgentWhoseIdExtendsIt() {
    byte[] ab = MemoryKeys.prefix(MemoryKeys.MEMORY, MemoryKeys.agentBytes("ab"));
    byte[] abcRecord = MemoryKeys.record(MemoryKeys.MEMORY, MemoryKeys.agentBytes("abc"), 1);
    assertThat(Arrays.mismatch(ab, abcRecord)).isLessThan(ab.length);
    assertThat(MemoryKeys.seqOf(MemoryKeys.record(MemoryKeys.MEMORY, MemoryKeys.agentBytes("ab"), 77))).isEqualTo(77);
    assertThat(MemoryKeys.seq("12")).isEqualTo(12);
    assertThat(MemoryKeys.seq("-1")).isEqualTo(-1);
    assertThat(MemoryKeys.seq("99999999999999999999")).isEqualTo(-1);
    assertThatThrownBy(() -> MemoryKeys.agentBytes("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void metadataTermsAreCanonicalForNumbers() {
    assertThat(MetadataTerms.term("n", 3)).isEqualTo(MetadataTerms.term("n", 3.0));
    assertThat(MetadataTerms.term("n", 3)).isNotEqualTo(MetadataTerms.term("n", "3"));
    assertThat(MetadataTerms.terms(new JsonObject().put("tags", new JsonArray().add("x").add(2)).put("o", new JsonObject())))
        .containsExactly(MetadataTerms.term("tags", "x"), MetadataTerms.term("tags", 2));
  }
}
