package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.verticles.Bus;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clients against ComDB: redis-cli, python3-redis (Debian's python3), vertx-redis-client. */
class RespClientsTest {
  @TempDir
  static Path dir;
  static ComDbResp comdb;

  @BeforeAll
  static void start() throws Exception {
    comdb = ComDbResp.start(dir, new JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    comdb.close();
  }

  private static String run(List<String> command, String input) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (input != null) {
      p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static String cli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(comdb.port)));
    command.addAll(List.of(args));
    return run(command, null).strip();
  }

  @Test
  void redisCli() throws Exception {
    assertThat(cli("PING")).isEqualTo("PONG");
    assertThat(cli("SET", "cli:greeting", "hello world")).isEqualTo("OK");
    assertThat(cli("GET", "cli:greeting")).isEqualTo("hello world");
    assertThat(cli("HSET", "cli:h", "a", "1", "b", "2")).isEqualTo("2");
    assertThat(cli("--raw", "HGET", "cli:h", "b")).isEqualTo("2");
    assertThat(cli("INCRBY", "cli:n", "41")).isEqualTo("41");
    assertThat(cli("LASTSAVE")).matches("\\d+");
    // pipe mode: many commands from stdin, as mass insertion does
    StringBuilder commands = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      commands.append("SET cli:bulk:").append(i).append(' ').append(i).append('\n');
    }
    String piped = run(List.of("redis-cli", "-p", Integer.toString(comdb.port)), commands.toString());
    assertThat(piped.lines().filter("OK"::equals).count()).isEqualTo(500);
    assertThat(cli("--raw", "KEYS", "cli:bulk:4?9").lines().sorted().toList())
        .containsExactly("cli:bulk:409", "cli:bulk:419", "cli:bulk:429", "cli:bulk:439", "cli:bulk:449",
            "cli:bulk:459", "cli:bulk:469", "cli:bulk:479", "cli:bulk:489", "cli:bulk:499");
  }

  @Test
  void python3Redis() throws Exception {
    String script = String.join("\n",
        "import redis",
        "r = redis.Redis(host='127.0.0.1', port=" + comdb.port + ")",
        "assert r.ping()",
        "r.set('py:k', 'v', ex=100)",
        "assert r.get('py:k') == b'v'",
        "assert 0 < r.ttl('py:k') <= 100",
        "r.hset('py:h', mapping={'a': '1', 'b': '2'})",
        "assert r.hgetall('py:h') == {b'a': b'1', b'b': b'2'}",
        "assert r.sadd('py:s', 'x', 'y', 'z') == 3",
        "assert r.smembers('py:s') == {b'x', b'y', b'z'}",
        "p = r.pipeline(transaction=True)",
        "p.incr('py:n'); p.incr('py:n'); p.get('py:n')",
        "assert p.execute() == [1, 2, b'2']",
        "ps = r.pubsub()",
        "ps.subscribe('py:ch')",
        "assert ps.get_message(timeout=5)['type'] == 'subscribe'",
        "assert r.publish('py:ch', 'hi') == 1",
        "m = ps.get_message(timeout=5)",
        "assert m['type'] == 'message' and m['data'] == b'hi', m",
        "print('ok')");
    assertThat(run(List.of("/usr/bin/python3", "-c", script), null).strip()).isEqualTo("ok");
  }

  @Test
  void vertxRedisClient() throws Exception {
    RedisConnection connection = Bus.await(Redis.createClient(comdb.vertx, "redis://127.0.0.1:" + comdb.port).connect());
    try {
      assertThat(Bus.await(connection.send(Request.cmd(Command.SET).arg("vx:k").arg("v1"))).toString()).isEqualTo("OK");
      Response got = Bus.await(connection.send(Request.cmd(Command.GET).arg("vx:k")));
      assertThat(got.toString()).isEqualTo("v1");
      List<Response> batch = Bus.await(connection.batch(List.of(
          Request.cmd(Command.SADD).arg("vx:s").arg("a").arg("b"),
          Request.cmd(Command.SCARD).arg("vx:s"),
          Request.cmd(Command.HSET).arg("vx:h").arg("f").arg("v"),
          Request.cmd(Command.HGET).arg("vx:h").arg("f"))));
      assertThat(batch.stream().map(Response::toString).toList()).containsExactly("2", "2", "1", "v");
    } finally {
      connection.close();
    }
  }
}
