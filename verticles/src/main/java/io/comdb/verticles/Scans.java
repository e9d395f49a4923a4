package io.comdb.verticles;

import io.comdb.engine.Reads;
import io.comdb.engine.EngineIterator;
import io.comdb.engine.IteratorOptions;
import io.comdb.types.KeySpace;
import io.comdb.verticles.api.Kv;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** One page of a {@link Kv.Scan}, read from an engine's read view on the caller's thread. */
public final class Scans {
  private Scans() {}

  public static Kv.Page page(Reads engine, Kv.Scan scan) throws IOException {
    return page(engine, scan, key -> true);
  }

  /** A page of the entries {@code served} accepts (clustered: those of the slots this node owns). */
  public static Kv.Page page(Reads engine, Kv.Scan scan, Predicate<byte[]> served) throws IOException {
    List<Kv.Entry> entries = new ArrayList<>();
    byte[] next = null;
    try (EngineIterator it = engine.iterator(new IteratorOptions(scan.prefix(), scan.reverse()))) {
      if (scan.after() != null) {
        it.seek(scan.after());
        if (it.isValid() && Arrays.equals(it.key(), scan.after())) {
          it.next(); // the cursor names the last key of the previous page
        }
      }
      for (; it.isValid(); it.next()) {
        if (entries.size() == scan.limit()) {
          next = entries.get(entries.size() - 1).key();
          break;
        }
        if (KeySpace.isReserved(it.key()) || !served.test(it.key())) {
          continue; // Redis and memory data, not the key-value API's; or a backup copy
        }
        byte[] value = it.value();
        if (value != null) {
          entries.add(new Kv.Entry(it.key(), value));
        }
      }
    }
    return new Kv.Page(entries, next);
  }
}
