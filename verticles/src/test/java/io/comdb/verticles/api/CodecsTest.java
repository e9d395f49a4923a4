package io.comdb.verticles.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every message survives its wire form; local delivery does not copy. */
class CodecsTest {
  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T message) {
    WireCodec<T> codec = (WireCodec<T>) Codecs.all().stream().filter(c -> c.type() == message.getClass()).findFirst().orElseThrow();
    assertThat(codec.transform(message)).isSameAs(message);
    Buffer buffer = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(buffer, message);
    buffer.appendString("suffix");
    return codec.decodeFromWire("prefix".length(), buffer);
  }

  @Test
  void everyMessageTypeHasACodec() {
    List<Class<?>> messages = new java.util.ArrayList<>();
    for (Class<?> holder : List.of(Kv.class, Admin.class, Redis.class, Writer.class, Replica.class)) {
      for (Class<?> nested : holder.getDeclaredClasses()) {
        // the parts of messages, not messages
        if (nested.isRecord() && !List.of(Kv.Write.class, Kv.Entry.class, Kv.Compare.class, Kv.TxnOp.class, Kv.TxnResponse.class).contains(nested)) {
          messages.add(nested);
        }
      }
    }
    List<Class<?>> withCodecs = Codecs.all().stream().<Class<?>>map(WireCodec::type).toList();
    assertThat(withCodecs).containsExactlyInAnyOrderElementsOf(messages);
    assertThat(Codecs.all()).extracting(WireCodec::name).doesNotHaveDuplicates().contains("comdb.Kv.Get", "comdb.Admin.Stats");
  }

  @Test
  void aClustersCopiesSurvive() {
    Replica.Apply apply = roundTrip(new Replica.Apply(List.of(new Kv.Write(new byte[] {0, 1, 2}, "v".getBytes()), new Kv.Write("gone".getBytes(), null))));
    assertThat(apply.writes()).hasSize(2);
    assertThat(apply.writes().get(0).key()).containsExactly(0, 1, 2);
    assertThat(apply.writes().get(1).value()).isNull();
    Replica.Fetch fetch = roundTrip(new Replica.Fetch(List.of(3, 270), null, 1000, "node-a"));
    assertThat(fetch).usingRecursiveComparison().isEqualTo(new Replica.Fetch(List.of(3, 270), null, 1000, "node-a"));
    Replica.Chunk chunk = roundTrip(new Replica.Chunk(List.of(new Kv.Write("k".getBytes(), "v".getBytes())), "k".getBytes()));
    assertThat(chunk.next()).containsExactly('k');
    assertThat(roundTrip(new Kv.Value("v".getBytes(), 42)).version()).isEqualTo(42);
  }

  @Test
  void redisCommandsAndEveryKindOfReplySurvive() {
    Redis.Exec exec = roundTrip(new Redis.Exec(3, List.of("SET".getBytes(), new byte[] {0, '\r', '\n'})));
    assertThat(exec.db()).isEqualTo(3);
    assertThat(exec.args()).containsExactly("SET".getBytes(), new byte[] {0, '\r', '\n'});
    io.comdb.types.Reply reply = io.comdb.types.Reply.array(List.of(
        io.comdb.types.Reply.OK, io.comdb.types.Reply.error("ERR x"), io.comdb.types.Reply.integer(-7),
        io.comdb.types.Reply.bulk("v"), io.comdb.types.Reply.NULL_BULK, io.comdb.types.Reply.NULL_ARRAY,
        new io.comdb.types.Reply.Dbl(2.5), new io.comdb.types.Reply.MapReply(List.of(io.comdb.types.Reply.bulk("k"), io.comdb.types.Reply.ONE)),
        new io.comdb.types.Reply.SetReply(List.of()), new io.comdb.types.Reply.Bool(true), io.comdb.types.Reply.NULL,
        new io.comdb.types.Reply.Pairs(List.of(io.comdb.types.Reply.bulk("m"), new io.comdb.types.Reply.Dbl(1))),
        new io.comdb.types.Reply.Dbl(13.361389338970184, "13.36138933897018433"),
        new io.comdb.types.Reply.KeyedArrays(List.of(io.comdb.types.Reply.bulk("stream"), io.comdb.types.Reply.EMPTY_ARRAY))));
    io.comdb.types.Reply back = roundTrip(new Redis.Result(reply)).reply();
    assertThat(back).usingRecursiveComparison().isEqualTo(reply);
  }

  @Test
  void keysValuesAndNullsSurvive() {
    byte[] binary = {0, '\r', '\n', (byte) 0xFF};
    assertThat(roundTrip(new Kv.Get(binary)).key()).isEqualTo(binary);
    Kv.Put put = roundTrip(new Kv.Put(binary, new byte[0]));
    assertThat(put.key()).isEqualTo(binary);
    assertThat(put.value()).isEmpty();
    assertThat(roundTrip(new Kv.Value(null, 0)).value()).isNull();
    assertThat(roundTrip(new Kv.Deleted(true, 9))).isEqualTo(new Kv.Deleted(true, 9));
    assertThat(roundTrip(new Kv.Done(-1))).isEqualTo(new Kv.Done(-1));
  }

  @Test
  void batchesScansAndPagesSurvive() {
    Kv.Batch batch = roundTrip(new Kv.Batch(List.of(new Kv.Write(new byte[] {1}, new byte[] {2}), new Kv.Write(new byte[] {3}, null))));
    assertThat(batch.writes()).hasSize(2);
    assertThat(batch.writes().get(0).value()).containsExactly(2);
    assertThat(batch.writes().get(1).value()).isNull();

    Kv.Scan scan = roundTrip(new Kv.Scan(new byte[] {7}, null, 500, true));
    assertThat(scan.prefix()).containsExactly(7);
    assertThat(scan.after()).isNull();
    assertThat(scan.limit()).isEqualTo(500);
    assertThat(scan.reverse()).isTrue();

    Kv.Page page = roundTrip(new Kv.Page(List.of(new Kv.Entry(new byte[] {1}, new byte[] {9, 9})), new byte[] {1}));
    assertThat(page.entries()).hasSize(1);
    assertThat(page.entries().get(0).value()).containsExactly(9, 9);
    assertThat(page.next()).containsExactly(1);
    assertThat(roundTrip(new Kv.Page(List.of(), null)).next()).isNull();
  }

  @Test
  void adminRequestsAndRepliesSurvive() {
    assertThat(roundTrip(new Admin.Merged(1, 2, 3, 4, 5, 6))).isEqualTo(new Admin.Merged(1, 2, 3, 4, 5, 6));
    assertThat(roundTrip(new Admin.MergeSkipped("under the threshold"))).isEqualTo(new Admin.MergeSkipped("under the threshold"));
    assertThat(roundTrip(new Admin.Backup("nightly-ö"))).isEqualTo(new Admin.Backup("nightly-ö"));
    assertThat(roundTrip(new Admin.BackedUp("nightly", "/b/nightly", 12))).isEqualTo(new Admin.BackedUp("nightly", "/b/nightly", 12));
    assertThat(roundTrip(new Admin.Merge())).isEqualTo(new Admin.Merge());
    assertThat(roundTrip(new Admin.MergeIfDue())).isEqualTo(new Admin.MergeIfDue());
  }

  @Test
  void statsSurvive() {
    Admin.Stats stats = roundTrip(new Admin.Stats(1, 2, 3, 4, Long.MAX_VALUE, 5));
    assertThat(stats).isEqualTo(new Admin.Stats(1, 2, 3, 4, Long.MAX_VALUE, 5));
    assertThat(roundTrip(new Admin.StatsRequest())).isEqualTo(new Admin.StatsRequest());
  }

  @Test
  void transactionsAndTheirResultsSurvive() {
    Kv.Txn txn = roundTrip(new Kv.Txn(
        List.of(Kv.Compare.value(new byte[] {1}, Kv.Op.NOT_EQUAL, new byte[] {2}), Kv.Compare.exists(new byte[] {3}, false),
            Kv.Compare.version(new byte[] {4}, Kv.Op.GREATER, 41)),
        List.of(Kv.TxnOp.put(new byte[] {5}, new byte[] {6}), Kv.TxnOp.delete(new byte[] {7})),
        List.of(Kv.TxnOp.get(new byte[] {8}))));
    assertThat(txn.compares()).hasSize(3);
    assertThat(txn.compares().get(0).op()).isEqualTo(Kv.Op.NOT_EQUAL);
    assertThat(txn.compares().get(1).holds(null, 0)).isTrue();
    assertThat(txn.compares().get(2).number()).isEqualTo(41);
    assertThat(txn.success()).extracting(Kv.TxnOp::kind).containsExactly(Kv.TxnOpKind.PUT, Kv.TxnOpKind.DELETE);
    assertThat(txn.failure().get(0).key()).containsExactly(8);

    Kv.TxnResult result = roundTrip(new Kv.TxnResult(false, List.of(new Kv.TxnResponse(Kv.TxnOpKind.GET, new byte[] {8}, null, false)), -1));
    assertThat(result.succeeded()).isFalse();
    assertThat(result.responses().get(0).value()).isNull();
    assertThat(result.sequence()).isEqualTo(-1);
  }

  @Test
  void aPassCarriesRequestsOfEveryKindAndItsAnswersComeBackInOrder() {
    Writer.Pass pass = roundTrip(new Writer.Pass(Writer.Source.HTTP, List.of(
        new Kv.Put(new byte[] {1}, new byte[] {2}),
        new Redis.Exec(0, List.of("INCR".getBytes(), "n".getBytes())),
        new Writer.Commit(List.of(new Kv.Write(new byte[] {0, 1}, null))))));
    assertThat(pass.source()).isEqualTo(Writer.Source.HTTP);
    assertThat(pass.requests()).hasSize(3);
    assertThat(pass.requests().get(0)).isInstanceOf(Kv.Put.class);
    assertThat(((Redis.Exec) pass.requests().get(1)).args().get(1)).containsExactly('n');
    assertThat(((Writer.Commit) pass.requests().get(2)).writes().get(0).value()).isNull();

    Writer.Answers answers = roundTrip(new Writer.Answers(List.of(new Kv.Done(7), new Writer.Failed(8, "busy"))));
    assertThat(answers.answers()).containsExactly(new Kv.Done(7), new Writer.Failed(8, "busy"));
    assertThat(roundTrip(new Redis.Block(5, 2, List.of("BLPOP".getBytes(), "q".getBytes(), "0".getBytes()))).id()).isEqualTo(5);
    assertThat(roundTrip(new Redis.Unblock(5))).isEqualTo(new Redis.Unblock(5));
  }

  @Test
  void aWriterTaskNeverCrossesTheWire() {
    WireCodec<?> codec = Codecs.all().stream().filter(c -> c.type() == Writer.Task.class).findFirst().orElseThrow();
    Writer.Task task = new Writer.Task(() -> { }, new java.util.concurrent.CompletableFuture<>());
    @SuppressWarnings("unchecked")
    WireCodec<Writer.Task> typed = (WireCodec<Writer.Task>) codec;
    assertThat(typed.transform(task)).isSameAs(task);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> typed.encodeToWire(Buffer.buffer(), task))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("local");
  }
}
