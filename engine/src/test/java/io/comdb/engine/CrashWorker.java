package io.comdb.engine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child JVM of {@link CrashTest}: writes under {@link SyncMode#ALWAYS} and prints {@code ack <i>}
 * after each write returns, until it is killed. Arguments: mode (put, batch, merge; or hold, which only
 * keeps the directory open), data directory, first index.
 */
public final class CrashWorker {
  static final int KEYS = 1000;
  static final int BATCH = 5;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path dir = Path.of(args[1]);
    long first = Long.parseLong(args[2]);
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    EngineOptions.Builder options = EngineOptions.builder(dir).syncMode(SyncMode.ALWAYS);
    if (mode.equals("merge")) {
      options.dataFileSize(16 << 10);
    }
    Engine db = Engine.open(options.build());
    if (mode.equals("hold")) {
      out.println("ready");
      Thread.sleep(Long.MAX_VALUE);
    }
    if (mode.equals("merge")) {
      Thread merger = new Thread(() -> {
        try {
          while (true) {
            out.println("merging");
            db.merge();
          }
        } catch (Exception e) {
          e.printStackTrace();
          System.exit(3);
        }
      });
      merger.setDaemon(true);
      merger.start();
    }
    for (long i = first; ; i++) {
      if (mode.equals("batch")) {
        WriteBatch batch = db.newWriteBatch();
        for (int j = 0; j < BATCH; j++) {
          batch.put(batchKey(i, j), Long.toString(i).getBytes(StandardCharsets.UTF_8));
        }
        batch.commit();
      } else {
        db.put(key(i), value(i));
      }
      out.println("ack " + i);
    }
  }

  static byte[] key(long i) {
    return ("k" + (i % KEYS)).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(long i) {
    return ("v" + i + "-" + "x".repeat((int) (i % 50))).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] batchKey(long i, int j) {
    return ("b" + i + "-" + j).getBytes(StandardCharsets.UTF_8);
  }
}
