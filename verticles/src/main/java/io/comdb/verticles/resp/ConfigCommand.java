package io.comdb.verticles.resp;

import static io.comdb.verticles.resp.SessionCommands.text;

import io.comdb.types.Errors;
import io.comdb.types.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** CONFIG GET / SET / RESETSTAT / REWRITE over {@link RespSettings}. */
final class ConfigCommand {
  private ConfigCommand() {}

  static Reply run(RespConnection c, List<byte[]> args) {
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "GET": {
        if (args.size() < 3) {
          return Reply.error(Errors.wrongArity("config|get"));
        }
        List<Reply> out = new ArrayList<>();
        for (String[] p : c.server.settings.get(args.subList(2, args.size()))) {
          out.add(Reply.bulk(p[0]));
          out.add(Reply.bulk(p[1]));
        }
        return new Reply.MapReply(out);
      }
      case "SET": {
        if (args.size() < 4 || args.size() % 2 != 0) {
          return Reply.error(Errors.wrongArity("config|set"));
        }
        List<String[]> pairs = new ArrayList<>();
        for (int i = 2; i < args.size(); i += 2) {
          pairs.add(new String[] {text(args.get(i)), text(args.get(i + 1))});
        }
        String error = c.server.settings.set(pairs);
        return error == null ? Reply.OK : Reply.error(error);
      }
      case "RESETSTAT":
        if (args.size() != 2) {
          return Reply.error(Errors.wrongArity("config|resetstat"));
        }
        c.server.commandsProcessed.set(0);
        c.server.connectionsReceived.set(0);
        c.server.rejectedConnections.set(0);
        c.server.outputLimitDisconnections.set(0);
        c.server.slowlogReset();
        return Reply.OK;
      case "REWRITE":
        return Reply.error("ERR The server is running without a config file"); // ComDB's file is JSON, written by hand
      default:
        return Reply.error(Errors.unknownSubcommand("config", text(args.get(1))));
    }
  }
}
