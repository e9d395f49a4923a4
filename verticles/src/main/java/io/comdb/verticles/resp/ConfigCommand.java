package io.comdb.verticles.resp;

import static io.comdb.verticles.resp.SessionCommands.text;

import io.comdb.types.Errors;
import io.comdb.types.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CONFIG GET / SET / RESETSTAT for the parameters that mean something here. Most are read-only views of
 * ComDB's configuration (set them in its configuration file); the slow log's can be set at run time.
 */
final class ConfigCommand {
  private ConfigCommand() {}

  static Reply run(RespConnection c, List<byte[]> args) {
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "GET": {
        if (args.size() < 3) {
          return Reply.error(Errors.wrongArity("config|get"));
        }
        Map<String, String> params = parameters(c);
        List<Reply> out = new ArrayList<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
          for (byte[] pattern : args.subList(2, args.size())) {
            if (io.comdb.types.Glob.matches(text(pattern).toLowerCase(Locale.ROOT).getBytes(), e.getKey().getBytes())) {
              out.add(Reply.bulk(e.getKey()));
              out.add(Reply.bulk(e.getValue()));
              break;
            }
          }
        }
        return new Reply.MapReply(out);
      }
      case "SET": {
        if (args.size() < 4 || args.size() % 2 != 0) {
          return Reply.error(Errors.wrongArity("config|set"));
        }
        for (int i = 2; i < args.size(); i += 2) {
          String name = text(args.get(i)).toLowerCase(Locale.ROOT);
          Long value = RespNumbers.parse(args.get(i + 1));
          switch (name) {
            case "slowlog-log-slower-than" -> {
              if (value == null) {
                return invalid(name, args.get(i + 1));
              }
              c.server.slowlogSlowerThan = value;
            }
            case "slowlog-max-len" -> {
              if (value == null || value < 0) {
                return invalid(name, args.get(i + 1));
              }
              c.server.slowlogMaxLen = (int) Math.min(value, Integer.MAX_VALUE);
            }
            default -> {
              if (parameters(c).containsKey(name)) {
                return Reply.error("ERR CONFIG SET failed (possibly related to argument '" + name
                    + "') - ComDB sets this in its configuration file, not at run time");
              }
              return Reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
            }
          }
        }
        return Reply.OK;
      }
      case "RESETSTAT":
        c.server.commandsProcessed.set(0);
        c.server.connectionsReceived.set(0);
        c.server.slowlogReset();
        return Reply.OK;
      default:
        return Reply.error(Errors.unknownSubcommand("config", text(args.get(1))));
    }
  }

  private static Reply invalid(String name, byte[] value) {
    return Reply.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - argument couldn't be parsed into an integer");
  }

  private static Map<String, String> parameters(RespConnection c) {
    Map<String, String> p = new LinkedHashMap<>();
    String sync = c.server.comdb().engine().sync();
    p.put("appendonly", "yes");
    p.put("appendfsync", switch (sync) {
      case "always" -> "always";
      case "none" -> "no";
      default -> "everysec";
    });
    p.put("save", "");
    p.put("databases", "16");
    p.put("dir", c.server.comdb().engine().dataDir());
    p.put("bind", c.server.config().host());
    p.put("port", Integer.toString(c.socket.localAddress().port()));
    p.put("requirepass", c.server.password() == null ? "" : c.server.password());
    p.put("maxmemory", "0");
    p.put("maxclients", "10000");
    p.put("timeout", "0");
    p.put("proto-max-bulk-len", Long.toString(c.server.config().maxBulkBytes()));
    p.put("client-query-buffer-limit", Long.toString(c.server.config().maxQueryBytes()));
    p.put("slowlog-log-slower-than", Long.toString(c.server.slowlogSlowerThan));
    p.put("slowlog-max-len", Integer.toString(c.server.slowlogMaxLen));
    return p;
  }
}
