package io.comdb.verticles.api;

import io.comdb.engine.WriterHandoff;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ComDB's own messages to the engine's writer, beside the public API: what the protocol verticles and
 * workers of a node send it (see {@link Addresses#WRITER_PASS} and the addresses after it).
 */
public final class Writer {
  private Writer() {}

  /** Where writes come from, for {@code comdb_writer_commands_total{source}}. */
  public enum Source {
    RESP, HTTP, MEMORY,
    /** Requests to the public addresses ({@code comdb.kv.*}, {@code comdb.redis.exec}) from Vert.x services. */
    BUS,
    /** Clustered: copies of other nodes' writes, and the entries of a partition this node fills. */
    REPLICA,
    /** ChromoDB's line protocol (last: a source travels as its ordinal between nodes). */
    LINE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The write requests a protocol verticle gathered in one pass of its event loop, from all its connections,
   * in order: {@link Kv.Put}, {@link Kv.Delete}, {@link Kv.Batch}, {@link Kv.Txn}, {@link Redis.Exec},
   * {@link Redis.Transaction} or {@link Commit}. Answered with {@link Answers}, once every write is as durable
   * as the sync mode promises. The sender counted them into the writer's queue ({@code WriterQueue}).
   */
  public record Pass(Source source, List<Object> requests) {
    public Pass {
      requests = List.copyOf(requests);
    }

    static final WireCodec<Pass> CODEC = new WireCodec<>(Pass.class,
        (m, w) -> {
          w.integer(m.source.ordinal()).integer(m.requests.size());
          m.requests.forEach(request -> Codecs.writeTagged(w, request));
        },
        r -> {
          Source source = Source.values()[r.integer()];
          int n = r.integer();
          List<Object> requests = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            requests.add(Codecs.readTagged(r));
          }
          return new Pass(source, requests);
        });
  }

  /** The answers to a {@link Pass}, in its order: each the request's reply, or a {@link Failed}. */
  public record Answers(List<Object> answers) {
    static final WireCodec<Answers> CODEC = new WireCodec<>(Answers.class,
        (m, w) -> {
          w.integer(m.answers.size());
          m.answers.forEach(answer -> Codecs.writeTagged(w, answer));
        },
        r -> {
          int n = r.integer();
          List<Object> answers = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            answers.add(Codecs.readTagged(r));
          }
          return new Answers(answers);
        });
  }

  /** One request of a {@link Pass} failed: a {@link Failure} code and why. */
  public record Failed(int code, String message) {
    static final WireCodec<Failed> CODEC = new WireCodec<>(Failed.class, (m, w) -> w.integer(m.code).string(m.message),
        r -> new Failed(r.integer(), r.string()));
  }

  /**
   * Records a ComDB service prepared (agent memory), written as one atomic batch, reserved keys included:
   * not for Vert.x services, whose writes go through {@link Kv}. Answered with {@link Kv.Done}.
   */
  public record Commit(List<Kv.Write> writes) {
    public Commit {
      writes = List.copyOf(writes);
    }

    static final WireCodec<Commit> CODEC = new WireCodec<>(Commit.class,
        (m, w) -> Kv.Batch.CODEC.encoder().accept(new Kv.Batch(m.writes), w),
        r -> new Commit(Kv.Batch.CODEC.decoder().apply(r).writes()));
  }

  /**
   * Work a worker of this node hands the writer (the steps of a merge that change what readers see): the
   * writer runs it between two drains and completes {@code done}. Local only: it carries code.
   */
  public record Task(WriterHandoff.Task task, CompletableFuture<Void> done) {
    static final WireCodec<Task> CODEC = WireCodec.localOnly(Task.class);
  }

  static List<WireCodec<?>> codecs() {
    return List.of(Pass.CODEC, Answers.CODEC, Failed.CODEC, Commit.CODEC, Task.CODEC);
  }
}
