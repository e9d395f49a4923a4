package io.comdb.verticles.resp;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Clients blocked in BLPOP and the like, by the keys they wait on. A write to one of those keys wakes
 * them in the order they blocked: each runs its command again on its own event loop.
 */
final class BlockedClients {
  /** A blocked client: {@code retry} runs on its own context. */
  interface Waiter {
    void wake();
  }

  private record Key(int db, ByteBuffer key) {}

  private final Map<Key, ConcurrentLinkedQueue<Waiter>> waiting = new ConcurrentHashMap<>();

  void block(Waiter waiter, int db, List<byte[]> keys) {
    for (byte[] key : keys) {
      waiting.computeIfAbsent(new Key(db, ByteBuffer.wrap(key)), k -> new ConcurrentLinkedQueue<>()).add(waiter);
    }
  }

  void unblock(Waiter waiter, int db, List<byte[]> keys) {
    for (byte[] key : keys) {
      Key k = new Key(db, ByteBuffer.wrap(key));
      ConcurrentLinkedQueue<Waiter> q = waiting.get(k);
      if (q != null) {
        q.remove(waiter);
        if (q.isEmpty()) {
          waiting.remove(k, q);
        }
      }
    }
  }

  /** After a write to {@code keys}: wakes whoever waits on them. */
  void signal(int db, List<byte[]> keys) {
    if (waiting.isEmpty()) {
      return;
    }
    for (byte[] key : keys) {
      ConcurrentLinkedQueue<Waiter> q = waiting.get(new Key(db, ByteBuffer.wrap(key)));
      if (q != null) {
        q.forEach(Waiter::wake);
      }
    }
  }
}
