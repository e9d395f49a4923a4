package io.comdb.verticles.resp;

import io.comdb.verticles.EngineVerticle;
import io.vertx.core.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit for one event loop under sync always: connections whose replies acknowledge writes join
 * the batch; once the event loop has handled what its sockets delivered (a task queued behind them), one
 * fsync covers every write, then the replies go out. If the fsync fails, those connections are closed
 * without their replies: a client is never told a write is stored when it may not be.
 */
final class SyncBatch {
  private static final System.Logger LOG = System.getLogger(SyncBatch.class.getName());

  private final Context context;
  private List<RespConnection> waiting = new ArrayList<>();

  SyncBatch(Context context) {
    this.context = context;
  }

  void add(RespConnection connection) {
    if (waiting.isEmpty()) {
      context.runOnContext(v -> sync());
    }
    if (!waiting.contains(connection)) {
      waiting.add(connection);
    }
  }

  private void sync() {
    List<RespConnection> batch = waiting;
    waiting = new ArrayList<>();
    try {
      EngineVerticle.engine(context.owner()).sync();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "fsync failed; closing the connections whose writes it covered", e);
      batch.forEach(c -> c.socket.close());
      return;
    }
    for (RespConnection c : batch) {
      c.unsynced = false;
      c.flush();
    }
  }
}
