package io.comdb.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.comdb.engine.Engine;
import io.comdb.engine.EngineOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineShellTest {
  @TempDir
  Path dir;

  private String run(String... lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Engine engine = Engine.open(EngineOptions.builder(dir).build());
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      EngineShell shell = new EngineShell(engine, out);
      for (String line : lines) {
        if (!shell.execute(line)) {
          break;
        }
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void putGetDelKeysStatsMerge() throws IOException {
    String out = run("put k1 hello world", "put k2 x", "get k1", "get nope", "keys", "del k2", "del k2", "keys k",
        "stats", "merge", "get k1");
    assertThat(out).isEqualTo("""
        OK
        OK
        hello world
        (nil)
        k1
        k2
        (2 keys)
        1
        0
        k1
        (1 keys)
        """ + out.lines().filter(l -> l.startsWith("keys=")).findFirst().orElseThrow() + "\n"
        + out.lines().filter(l -> l.startsWith("merged")).findFirst().orElseThrow() + "\n"
        + "hello world\n");
    assertThat(out).contains("keys=1 data_files=");
  }

  @Test
  void valuesPersistAcrossShellSessions() throws IOException {
    run("put greeting hi");
    assertThat(run("get greeting")).isEqualTo("hi\n");
  }

  @Test
  void badInputPrintsAnErrorAndTheShellGoesOn() throws IOException {
    String out = run("put onlykey", "frobnicate", "get", "put a 1", "get a");
    assertThat(out.lines()).containsExactly(
        "(error) usage: put <key> <value>",
        "(error) unknown command 'frobnicate'; type help",
        "(error) usage: get <key>",
        "OK",
        "1");
  }

  @Test
  void quitEndsTheSession() throws IOException {
    assertThat(run("put a 1", "quit", "get a")).isEqualTo("OK\n");
  }
}
