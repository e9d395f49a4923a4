package io.comdb.verticles.resp;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Tests run against a real redis-server and a ComDB server side by side, started once per test class. */
abstract class AgainstRedisServer {
  @TempDir
  static Path dir;
  static SideBySide servers;

  @BeforeAll
  static void startServers() throws Exception {
    servers = SideBySide.start(dir);
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (servers != null) {
      servers.close();
      servers = null;
    }
  }
}
