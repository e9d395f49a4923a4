package io.comdb.verticles.resp;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** A real redis-server and a ComDB server side by side, for the tests that compare their replies. */
final class SideBySide implements AutoCloseable {
  final RedisServerProcess redis;
  final ComDbResp comdb;

  private SideBySide(RedisServerProcess redis, ComDbResp comdb) {
    this.redis = redis;
    this.comdb = comdb;
  }

  static SideBySide start(Path dir) throws Exception {
    RedisServerProcess redis = RedisServerProcess.start(dir);
    try {
      return new SideBySide(redis, ComDbResp.start(dir.resolve("comdb"), new JsonObject()));
    } catch (Exception | Error e) {
      redis.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      comdb.close();
    } finally {
      redis.close();
    }
  }
}
