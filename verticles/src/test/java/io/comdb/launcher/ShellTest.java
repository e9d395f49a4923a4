package io.comdb.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code comdb shell} as people use it: on a pseudo-terminal (Python's pty module drives it, keys and all),
 * and {@code --connect} to a running server's line protocol with commands piped in.
 */
class ShellTest {
  @TempDir
  Path dir;

  private static List<String> shell(String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "shell"));
    command.addAll(List.of(args));
    return command;
  }

  /** Types each line into a pseudo-terminal running the command, waiting for the prompt between lines; the screen. */
  private static String onATerminal(List<String> command, String... lines) throws Exception {
    String driver = """
        import os, pty, sys, time, json, fcntl, termios, struct, select
        command, lines = json.loads(sys.argv[1]), json.loads(sys.argv[2])
        pid, fd = pty.fork()
        if pid == 0:
            os.environ['TERM'] = 'xterm'
            os.execv(command[0], command)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 120, 0, 0))
        screen = b''
        def read(seconds, prompts=None):
            # Reads until the screen shows more than `prompts` prompts, the time is up, or the shell has gone.
            global screen
            deadline = time.time() + seconds
            while time.time() < deadline and (prompts is None or screen.count(b'db> ') <= prompts):
                ready, _, _ = select.select([fd], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(fd, 4096)
                    except OSError:
                        return
                    if not chunk:
                        return
                    screen += chunk
        read(60, 0)
        for line in lines:
            prompts = screen.count(b'db> ')
            os.write(fd, line.encode())
            read(60 if line != 'quit\\r' else 10, prompts)
        os.waitpid(pid, 0)
        sys.stdout.write(screen.decode('utf-8', 'replace'))
        """;
    String commandJson = new io.vertx.core.json.JsonArray(command).encode();
    String linesJson = new io.vertx.core.json.JsonArray(List.of(lines)).encode();
    Process p = new ProcessBuilder("/usr/bin/python3", "-c", driver, commandJson, linesJson).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void onATerminalItTakesChromoDbsSyntaxWithHistoryAndLineEditing() throws Exception {
    String screen = onATerminal(shell("--data-dir", dir.resolve("data").toString()),
        "PUT->greeting->hello there\r",
        "GET->greeting\r",
        "DEL->gre\u0001\u001bOC\u001bOC\u001bOC\u0005eting\r", // Ctrl-A, right arrows, Ctrl-E: edited in place
        "\u001bOA\u001bOA\r", // up twice: GET->greeting again, from the history (xterm's keypad-mode arrows)
        "put k v\r",
        "MEM\r",
        "quit\r");
    assertThat(screen).contains("PUT SUCCESS", "hello there", "DEL SUCCESS", "key not found", "OK", "Current memory usage: ");
    assertThat(screen.indexOf("key not found")).isGreaterThan(screen.indexOf("DEL SUCCESS"));
    assertThat(screen).contains("db> ").doesNotContain("unknown command", "nonexistent command", "bad sequence");
  }

  @Test
  void connectSpeaksTheLineProtocolOfARunningServer() throws Exception {
    Path conf = dir.resolve("comdb.json");
    java.nio.file.Files.writeString(conf, "{\"security\": {\"password\": \"s3cret\"}}");
    try (ServerProcess server = ServerProcess.start(dir.resolve("server"), "--conf", conf.toString())) {
      server.port(); // up
      int line = Integer.parseInt(server.log().replaceAll("(?s).*line protocol on [^ ]*:(\\d+),.*", "$1"));
      Process p = new ProcessBuilder(shell("--connect", "127.0.0.1:" + line)).redirectErrorStream(true).start();
      p.getOutputStream().write("s3cret\nPUT->k->from the shell\nGET->k\nDISK\nquit\n".getBytes(UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(out.lines().toList()).startsWith("AUTH OK", "PUT SUCCESS", "from the shell");
      assertThat(p.exitValue()).isZero();
      Process wrong = new ProcessBuilder(shell("--connect", "127.0.0.1:" + line)).redirectErrorStream(true).start();
      wrong.getOutputStream().write("nope\n".getBytes(UTF_8));
      wrong.getOutputStream().close();
      assertThat(new String(wrong.getInputStream().readAllBytes(), UTF_8).trim()).isEqualTo("Invalid authentication. Bye!");
      assertThat(wrong.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(wrong.exitValue()).isEqualTo(1);
    }
  }
}
