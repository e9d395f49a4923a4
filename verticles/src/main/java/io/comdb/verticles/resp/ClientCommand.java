package io.comdb.verticles.resp;

import static io.comdb.verticles.resp.SessionCommands.text;

import io.comdb.types.Errors;
import io.comdb.types.RedisError;
import io.comdb.types.Reply;
import java.util.List;
import java.util.Locale;

/** CLIENT SETNAME / GETNAME / ID / LIST / INFO / KILL / NO-EVICT / PAUSE / UNPAUSE / TRACKING (off only). */
final class ClientCommand {
  private ClientCommand() {}

  static Reply run(RespConnection c, List<byte[]> args) {
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "SETNAME":
        if (args.size() != 3) {
          return Reply.error(Errors.wrongArity("client|setname"));
        }
        String name = validName(text(args.get(2)));
        c.name = name.isEmpty() ? null : name;
        return Reply.OK;
      case "GETNAME":
        return Reply.bulk(c.name);
      case "ID":
        return Reply.integer(c.id);
      case "INFO":
        return Reply.bulk(describe(c, c) + "\n");
      case "LIST": {
        StringBuilder b = new StringBuilder();
        for (RespConnection other : c.server.clients()) {
          b.append(describe(other, c)).append('\n');
        }
        return Reply.bulk(b.toString());
      }
      case "KILL":
        return kill(c, args);
      case "NO-EVICT":
        // ComDB never evicts clients for memory (it has no maxmemory-clients); on and off are both true.
        return args.size() == 3 && List.of("ON", "OFF").contains(text(args.get(2)).toUpperCase(Locale.ROOT))
            ? Reply.OK : Reply.error(Errors.SYNTAX);
      case "PAUSE":
        return pause(c, args);
      case "UNPAUSE":
        c.server.unpause();
        return Reply.OK;
      case "TRACKING":
        if (args.size() >= 3 && text(args.get(2)).equalsIgnoreCase("off")) {
          return Reply.OK;
        }
        return Reply.error("ERR ComDB does not support client-side caching (CLIENT TRACKING ON)");
      default:
        return Reply.error(Errors.unknownSubcommand("client", text(args.get(1))));
    }
  }

  /** CLIENT PAUSE timeout [WRITE|ALL]. */
  private static Reply pause(RespConnection c, List<byte[]> args) {
    if (args.size() < 3 || args.size() > 4) {
      return Reply.error(Errors.wrongArity("client|pause"));
    }
    Long millis = RespNumbers.parse(args.get(2));
    if (millis == null || millis < 0) {
      return Reply.error("ERR timeout is not an integer or out of range");
    }
    boolean writesOnly = false;
    if (args.size() == 4) {
      String mode = text(args.get(3)).toUpperCase(Locale.ROOT);
      if (!mode.equals("WRITE") && !mode.equals("ALL")) {
        return Reply.error(Errors.SYNTAX);
      }
      writesOnly = mode.equals("WRITE");
    }
    c.server.pause(millis, writesOnly);
    return Reply.OK;
  }

  /** A client name may not contain spaces, newlines or special characters. */
  static String validName(String name) {
    for (char ch : name.toCharArray()) {
      if (ch < '!' || ch > '~') {
        throw new RedisError("ERR Client names cannot contain spaces, newlines or special characters.");
      }
    }
    return name;
  }

  private static String describe(RespConnection client, RespConnection asking) {
    long now = System.currentTimeMillis();
    // Redis's fields that ComDB knows; the others (fd, query buffer sizes) are left out rather than made up.
    // omem is the bytes of replies not yet taken by the network.
    return "id=" + client.id
        + " addr=" + client.socket.remoteAddress()
        + " laddr=" + client.socket.localAddress()
        + " name=" + (client.name == null ? "" : client.name)
        + " age=" + (now - client.createdAt) / 1000
        + " idle=" + client.idleMillis(now) / 1000
        + " flags=" + (client.multi != null ? "x" : client.subscriptions.active() ? "P" : "N")
        + " db=" + client.db
        + " sub=" + client.subscriptions.channelCount()
        + " psub=" + client.subscriptions.patternCount()
        + " multi=" + (client.multi == null ? -1 : client.multi.size())
        + " omem=" + client.unsentBytes()
        + " cmd=" + (client == asking ? "client|info" : client.lastCommand)
        + " user=default resp=" + client.protocol;
  }

  /** CLIENT KILL addr, or CLIENT KILL ID id / ADDR addr / SKIPME yes|no filters. */
  private static Reply kill(RespConnection c, List<byte[]> args) {
    if (args.size() == 3) {
      String addr = text(args.get(2));
      for (RespConnection other : c.server.clients()) {
        if (other.socket.remoteAddress().toString().equals(addr)) {
          close(other);
          return Reply.OK;
        }
      }
      return Reply.error("ERR No such client");
    }
    if (args.size() % 2 != 0) {
      return Reply.error(Errors.SYNTAX);
    }
    Long id = null;
    String addr = null;
    boolean skipMe = true;
    for (int i = 2; i < args.size(); i += 2) {
      String opt = text(args.get(i)).toUpperCase(Locale.ROOT);
      String value = text(args.get(i + 1));
      switch (opt) {
        case "ID" -> {
          id = RespNumbers.parse(args.get(i + 1));
          if (id == null) {
            return Reply.error("ERR client-id should be greater than 0");
          }
        }
        case "ADDR" -> addr = value;
        case "SKIPME" -> {
          if (!value.equalsIgnoreCase("yes") && !value.equalsIgnoreCase("no")) {
            return Reply.error(Errors.SYNTAX);
          }
          skipMe = value.equalsIgnoreCase("yes");
        }
        default -> {
          return Reply.error(Errors.SYNTAX);
        }
      }
    }
    int killed = 0;
    for (RespConnection other : c.server.clients()) {
      if (id != null && other.id != id || addr != null && !other.socket.remoteAddress().toString().equals(addr)
          || skipMe && other == c) {
        continue;
      }
      close(other);
      killed++;
    }
    return Reply.integer(killed);
  }

  private static void close(RespConnection other) {
    other.context.runOnContext(v -> other.socket.close());
  }
}
