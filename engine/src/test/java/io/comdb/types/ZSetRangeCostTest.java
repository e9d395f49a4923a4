package io.comdb.types;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.EngineOptions;
import io.comdb.engine.IteratorOptions;
import io.comdb.engine.Reads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What sorted-set ranges cost in a 100,000-member set, counted in keys read (seeks, steps and gets), not
 * timed: score and lex ranges cost a seek plus what they return, ranks the distance to the nearer end.
 */
class ZSetRangeCostTest {
  private static final int MEMBERS = 100_000;

  @TempDir
  static Path dir;

  private static Engine engine;
  private static RedisState state;

  @BeforeAll
  static void fill() throws Exception {
    engine = Engine.open(EngineOptions.builder(dir).build());
    RedisStore store = new RedisStore(engine, () -> 1_000_000L);
    for (int from = 0; from < MEMBERS; from += 1000) {
      List<String> scored = new ArrayList<>(List.of("ZADD", "z"));
      List<String> lex = new ArrayList<>(List.of("ZADD", "lex"));
      for (int i = from; i < from + 1000; i++) {
        scored.add(Integer.toString(i));
        scored.add(member(i));
        lex.add("0");
        lex.add(member(i));
      }
      try (var group = engine.beginGroup()) {
        store.execute(group, 0, bytes(scored));
        store.execute(group, 0, bytes(lex));
      }
    }
    state = new RedisState(() -> 1_000_000L);
  }

  @AfterAll
  static void close() throws IOException {
    engine.close();
  }

  private static String member(int i) {
    return String.format("m%06d", i);
  }

  private static List<byte[]> bytes(List<String> args) {
    List<byte[]> out = new ArrayList<>();
    args.forEach(a -> out.add(a.getBytes(UTF_8)));
    return out;
  }

  /** Runs a read-only command, counting every key it reads. */
  private static Counted read(String... args) {
    CountingReads reads = new CountingReads(engine.readView());
    List<byte[]> argv = bytes(List.of(args));
    CommandSpec spec = Commands.lookup(argv.get(0));
    Reply reply = Commands.run(new Call(state, reads, null, null, 0, argv, spec.name()), spec);
    return new Counted(reply, reads.keys);
  }

  private record Counted(Reply reply, long keys) {
    List<String> members() {
      List<String> out = new ArrayList<>();
      for (Reply r : ((Reply.Arr) reply).elements()) {
        out.add(new String(((Reply.Bulk) r).value(), UTF_8));
      }
      return out;
    }
  }

  @Test
  void aScoreRangeWithALimitReadsWhatItReturns() {
    Counted forward = read("ZRANGEBYSCORE", "z", "(50000", "+inf", "LIMIT", "0", "10");
    assertThat(forward.members()).containsExactly(member(50001), member(50002), member(50003), member(50004), member(50005),
        member(50006), member(50007), member(50008), member(50009), member(50010));
    assertThat(forward.keys()).isLessThan(40);
    Counted reverse = read("ZREVRANGEBYSCORE", "z", "70000", "-inf", "LIMIT", "2", "3");
    assertThat(reverse.members()).containsExactly(member(69998), member(69997), member(69996));
    assertThat(reverse.keys()).isLessThan(40);
  }

  @Test
  void aCountReadsTheMembersItCounts() {
    Counted count = read("ZCOUNT", "z", "30000", "(30100");
    assertThat(count.reply()).isEqualTo(Reply.integer(100));
    assertThat(count.keys()).isLessThan(130);
  }

  @Test
  void aLexRangeOverOneScoreSeeks() {
    Counted range = read("ZRANGEBYLEX", "lex", "[m040000", "(m040003");
    assertThat(range.members()).containsExactly(member(40000), member(40001), member(40002));
    assertThat(range.keys()).isLessThan(40);
    Counted count = read("ZLEXCOUNT", "lex", "(m090000", "+");
    assertThat(count.reply()).isEqualTo(Reply.integer(9_999));
    assertThat(count.keys()).isLessThan(10_040);
  }

  @Test
  void ranksWalkFromTheNearerEnd() {
    Counted top = read("ZREVRANGE", "z", "0", "2");
    assertThat(top.members()).containsExactly(member(99_999), member(99_998), member(99_997));
    assertThat(top.keys()).isLessThan(40);
    Counted nearHigh = read("ZRANGE", "z", "99990", "99991");
    assertThat(nearHigh.members()).containsExactly(member(99_990), member(99_991));
    assertThat(nearHigh.keys()).isLessThan(60);
    Counted rank = read("ZRANK", "z", member(99_900));
    assertThat(rank.reply()).isEqualTo(Reply.integer(99_900));
    assertThat(rank.keys()).isLessThan(2 * 100 + 40);
    Counted revRank = read("ZREVRANK", "z", member(30));
    assertThat(revRank.reply()).isEqualTo(Reply.integer(MEMBERS - 1 - 30));
    assertThat(revRank.keys()).isLessThan(2 * 30 + 40);
  }

  /** Reads through another, counting keys: each get, each iterator position and each step. */
  private static final class CountingReads implements Reads {
    private final Reads reads;
    long keys;

    CountingReads(Reads reads) {
      this.reads = reads;
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
      keys++;
      return reads.get(key);
    }

    @Override
    public boolean contains(byte[] key) throws IOException {
      keys++;
      return reads.contains(key);
    }

    @Override
    public EngineIterator iterator(IteratorOptions options) {
      keys++;
      EngineIterator it = reads.iterator(options);
      return new EngineIterator() {
        @Override
        public void seekToFirst() {
          keys++;
          it.seekToFirst();
        }

        @Override
        public void seek(byte[] key) {
          keys++;
          it.seek(key);
        }

        @Override
        public boolean isValid() {
          return it.isValid();
        }

        @Override
        public void next() {
          keys++;
          it.next();
        }

        @Override
        public byte[] key() {
          return it.key();
        }

        @Override
        public byte[] value() throws IOException {
          return it.value();
        }

        @Override
        public void close() {
          it.close();
        }
      };
    }
  }
}
