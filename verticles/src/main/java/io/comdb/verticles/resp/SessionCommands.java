package io.comdb.verticles.resp;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.cluster.Slots;
import io.comdb.engine.EngineMaintenance;
import io.comdb.engine.EngineStats;
import io.comdb.types.CommandSpec;
import io.comdb.types.Commands;
import io.comdb.types.Errors;
import io.comdb.types.RedisStore;
import io.comdb.types.Reply;
import io.comdb.verticles.EngineVerticle;
import io.comdb.verticles.Users;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Redis;
import io.comdb.verticles.cluster.ClusterKeys;
import io.comdb.verticles.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands a connection answers from its own state or the server's: PING, AUTH, HELLO, SELECT,
 * CLIENT, COMMAND, INFO, CONFIG, MULTI / EXEC / WATCH, pub/sub, SAVE, SLOWLOG. Each returns null when it
 * has replied already, or a future of its reply.
 */
final class SessionCommands {
  private SessionCommands() {}

  static Future<Reply> run(RespConnection c, String name, List<byte[]> args) {
    try {
      return switch (name) {
        case "ping" -> now(c, ping(c, args));
        case "echo" -> now(c, Reply.bulk(args.get(1)));
        case "quit" -> {
          c.reply(Reply.OK);
          c.closeAfterReplies();
          yield null;
        }
        case "reset" -> now(c, reset(c));
        case "auth" -> auth(c, args);
        case "acl" -> now(c, acl(c, args));
        case "hello" -> hello(c, args);
        case "select" -> now(c, select(c, args));
        case "client" -> now(c, ClientCommand.run(c, args));
        case "command" -> now(c, command(args));
        case "info" -> now(c, Reply.bulk(Info.text(c, args.subList(1, args.size()).stream().map(SessionCommands::text).toList())));
        case "config" -> now(c, ConfigCommand.run(c, args));
        case "time" -> {
          long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
          yield now(c, Reply.array(List.of(Reply.bulk(Long.toString(micros / 1_000_000)), Reply.bulk(Long.toString(micros % 1_000_000)))));
        }
        case "save" -> save(c);
        case "bgsave" -> {
          save(c).onComplete(ar -> { }); // the reply below does not wait, as BGSAVE's does not
          yield now(c, new Reply.Simple("Background saving started"));
        }
        case "lastsave" -> now(c, Reply.integer(c.server.lastSave));
        case "multi" -> now(c, multi(c));
        case "exec" -> exec(c);
        case "discard" -> now(c, discard(c));
        case "watch" -> watch(c, args);
        case "unwatch" -> {
          c.unwatchAll();
          yield now(c, Reply.OK);
        }
        case "subscribe", "psubscribe" -> many(c, c.subscriptions.subscribe(args.subList(1, args.size()), name.equals("psubscribe")));
        case "unsubscribe", "punsubscribe" -> many(c, c.subscriptions.unsubscribe(args.subList(1, args.size()), name.equals("punsubscribe")));
        case "publish" -> PubSub.publish(c.vertx(), args.get(1), args.get(2));
        case "pubsub" -> now(c, pubsub(c, args));
        case "slowlog" -> now(c, slowlog(c, args));
        case "cluster", "readonly", "readwrite" -> now(c, ClusterCommand.run(c, args));
        case "shutdown" -> ServerCommands.shutdown(c, args);
        case "wait" -> now(c, ServerCommands.waitForReplicas(c, args));
        case "debug" -> ServerCommands.debug(c, args);
        case "monitor" -> {
          c.server.addMonitor(c);
          yield now(c, Reply.OK);
        }
        default -> now(c, Reply.error(Errors.unknownCommand(name, args)));
      };
    } catch (io.comdb.types.RedisError e) {
      return now(c, Reply.error(e.getMessage()));
    }
  }

  private static Future<Reply> now(RespConnection c, Reply reply) {
    c.reply(reply);
    return null;
  }

  private static Future<Reply> many(RespConnection c, List<Reply> replies) {
    replies.forEach(c::reply);
    return null;
  }

  static String text(byte[] b) {
    return new String(b, UTF_8);
  }

  private static Reply ping(RespConnection c, List<byte[]> args) {
    if (args.size() > 2) {
      return Reply.error(Errors.wrongArity("ping"));
    }
    if (c.subscriptions.active() && c.protocol == 2) {
      return Reply.array(List.of(Reply.bulk("pong"), Reply.bulk(args.size() == 2 ? args.get(1) : new byte[0])));
    }
    return args.size() == 2 ? Reply.bulk(args.get(1)) : Reply.PONG;
  }

  private static Reply reset(RespConnection c) {
    c.multi = null;
    c.multiFailed = false;
    c.unwatchAll();
    c.subscriptions.clear();
    c.db = 0;
    c.protocol = 2;
    c.name = null;
    if (!c.server.users.open()) {
      c.authenticated = false;
      c.user = null;
    }
    return new Reply.Simple("RESET");
  }

  /** AUTH; checking a named user's password runs off the event loop ({@link Users#authenticate(io.vertx.core.Vertx, String, String)}). */
  private static Future<Reply> auth(RespConnection c, List<byte[]> args) {
    if (args.size() > 3) {
      throw new io.comdb.types.RedisError(Errors.SYNTAX);
    }
    Users users = c.server.users;
    if (users.open()) {
      return Future.succeededFuture(Reply.error(args.size() == 2 ? Errors.AUTH_NOT_CONFIGURED : Errors.WRONGPASS));
    }
    if (args.size() == 2 && !users.hasDefaultPassword()) {
      return Future.succeededFuture(Reply.error(Errors.AUTH_NOT_CONFIGURED)); // AUTH <password> names the default user, which has none
    }
    String name = args.size() == 2 ? Users.DEFAULT_USER : text(args.get(1));
    return users.authenticate(c.vertx(), name, text(args.get(args.size() - 1))).map(user -> {
      if (user == null) {
        return Reply.error(Errors.WRONGPASS);
      }
      c.authenticate(user);
      return Reply.OK;
    });
  }

  /** ACL WHOAMI and ACL USERS; ComDB's users are in its configuration, so ACL changes none. */
  private static Reply acl(RespConnection c, List<byte[]> args) {
    String sub = text(args.get(1)).toLowerCase(java.util.Locale.ROOT);
    return switch (sub) {
      case "whoami" -> args.size() == 2 ? Reply.bulk(c.user.name().getBytes(UTF_8)) : Reply.error(Errors.wrongArity("acl|whoami"));
      case "users" -> args.size() == 2
          ? Reply.bulks(c.server.users.names().stream().map(n -> n.getBytes(UTF_8)).toList())
          : Reply.error(Errors.wrongArity("acl|users"));
      case "setuser", "deluser", "load", "save", "genpass", "list", "getuser", "cat", "dryrun", "log" -> Reply.error(
          "ERR ACL " + sub.toUpperCase(java.util.Locale.ROOT) + " is not supported: ComDB's users and roles are in its "
              + "configuration (security.users; bin/comdb user add)");
      default -> Reply.error("ERR unknown subcommand '" + text(args.get(1)) + "'. Try ACL HELP.");
    };
  }

  private static Future<Reply> hello(RespConnection c, List<byte[]> args) {
    int protocol = c.protocol;
    int i = 1;
    if (args.size() > 1) {
      Long v = RespNumbers.parse(args.get(1));
      if (v == null) {
        return Future.succeededFuture(Reply.error("ERR Protocol version is not an integer or out of range"));
      }
      if (v != 2 && v != 3) {
        return Future.succeededFuture(Reply.error("NOPROTO unsupported protocol version"));
      }
      protocol = v.intValue();
      i = 2;
    }
    String newName = null;
    List<byte[]> credentials = null;
    for (; i < args.size(); i++) {
      String opt = text(args.get(i)).toUpperCase(Locale.ROOT);
      if (opt.equals("AUTH") && i + 2 < args.size()) {
        credentials = List.of("auth".getBytes(UTF_8), args.get(i + 1), args.get(i + 2));
        i += 2;
      } else if (opt.equals("SETNAME") && i + 1 < args.size()) {
        newName = ClientCommand.validName(text(args.get(++i)));
      } else {
        return Future.succeededFuture(Reply.error("ERR Syntax error in HELLO option '" + text(args.get(i)) + "'"));
      }
    }
    int chosen = protocol;
    String name = newName;
    Future<Reply> signedIn = credentials == null ? Future.succeededFuture(Reply.OK) : auth(c, credentials);
    return signedIn.map(r -> r instanceof Reply.Err ? r : helloReply(c, chosen, name));
  }

  /** HELLO's answer, once any AUTH of it has succeeded. */
  private static Reply helloReply(RespConnection c, int protocol, String newName) {
    if (!c.authenticated) {
      return Reply.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    }
    c.protocol = protocol;
    if (newName != null) {
      c.name = newName.isEmpty() ? null : newName;
    }
    return new Reply.MapReply(List.of(
        Reply.bulk("server"), Reply.bulk("redis"),
        Reply.bulk("version"), Reply.bulk(Info.REDIS_VERSION),
        Reply.bulk("proto"), Reply.integer(protocol),
        Reply.bulk("id"), Reply.integer(c.id),
        Reply.bulk("mode"), Reply.bulk(c.cluster().clustered() ? "cluster" : "standalone"),
        Reply.bulk("role"), Reply.bulk("master"),
        Reply.bulk("modules"), Reply.EMPTY_ARRAY));
  }


  private static Reply select(RespConnection c, List<byte[]> args) {
    Long db = RespNumbers.parse(args.get(1));
    if (db == null) {
      return Reply.error(Errors.NOT_INTEGER);
    }
    if (db < 0 || db >= RedisStore.DATABASES) {
      return Reply.error(Errors.DB_OUT_OF_RANGE);
    }
    c.db = db.intValue();
    return Reply.OK;
  }

  private static Reply command(List<byte[]> args) {
    if (args.size() == 1) {
      return Reply.array(Commands.all().stream().map(CommandSpec::info).toList());
    }
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "COUNT":
        return Reply.integer(Commands.all().size());
      case "INFO": {
        if (args.size() == 2) {
          return Reply.array(Commands.all().stream().map(CommandSpec::info).toList());
        }
        List<Reply> out = new ArrayList<>();
        for (byte[] name : args.subList(2, args.size())) {
          CommandSpec spec = Commands.lookup(name);
          out.add(spec == null ? Reply.NULL_ARRAY : spec.info());
        }
        return Reply.array(out);
      }
      case "LIST":
        return Reply.array(Commands.all().stream().map(s -> Reply.bulk(s.name())).toList());
      case "DOCS":
        return new Reply.MapReply(List.of());
      case "GETKEYS": {
        if (args.size() < 4) {
          return Reply.error(Errors.wrongArity("command|getkeys"));
        }
        List<byte[]> call = args.subList(2, args.size());
        CommandSpec spec = Commands.lookup(call.get(0));
        if (spec == null) {
          return Reply.error("ERR Invalid command specified");
        }
        if (!spec.hasKeys()) {
          return Reply.error("ERR The command has no key arguments");
        }
        if (!spec.arityMatches(call.size())) {
          return Reply.error("ERR Invalid number of arguments specified for command");
        }
        List<byte[]> keys = spec.keys(call);
        if (keys.isEmpty() && !spec.flags().contains("no_mandatory_keys")) {
          return Reply.error("ERR Invalid arguments specified for command");
        }
        return Reply.bulks(keys);
      }
      default:
        return Reply.error(Errors.unknownSubcommand("command", text(args.get(1))));
    }
  }

  /** SAVE: data is always on disk; SAVE fsyncs it and writes hint files, so a restart is fast. */
  private static Future<Reply> save(RespConnection c) {
    return c.vertx().executeBlocking(() -> {
      EngineMaintenance engine = EngineVerticle.maintenance(c.vertx());
      engine.sync();
      engine.buildHintFiles();
      c.server.lastSave = System.currentTimeMillis() / 1000;
      return Reply.OK;
    }, false);
  }

  private static Reply multi(RespConnection c) {
    if (c.multi != null) {
      return Reply.error(Errors.MULTI_NESTED);
    }
    c.multi = new ArrayList<>();
    c.multiFailed = false;
    return Reply.OK;
  }

  private static Reply discard(RespConnection c) {
    if (c.multi == null) {
      return Reply.error(Errors.DISCARD_WITHOUT_MULTI);
    }
    c.multi = null;
    c.unwatchAll();
    return Reply.OK;
  }

  /** EXEC: the queued commands go to the writer as one transaction, with the WATCH stamps to check. */
  private static Future<Reply> exec(RespConnection c) {
    if (c.multi == null) {
      return now(c, Reply.error(Errors.EXEC_WITHOUT_MULTI));
    }
    List<List<byte[]>> commands = c.multi;
    boolean failed = c.multiFailed;
    c.multi = null;
    List<byte[]> keys = new ArrayList<>();
    List<Integer> dbs = new ArrayList<>();
    List<Long> stamps = new ArrayList<>();
    for (RespConnection.Watched w : c.watched) {
      keys.add(w.key());
      dbs.add(w.db());
      stamps.add(w.stamp());
    }
    if (failed) {
      c.unwatchAll();
      return now(c, Reply.error(Errors.EXECABORT));
    }
    // The keys stay watched until the writer has run the transaction: it compares the stamps then.
    Redis.Transaction transaction = new Redis.Transaction(c.db, commands, keys, dbs, stamps);
    Future<Object> ran;
    try {
      ran = ownedHere(c, transaction) ? c.writer().submit(transaction)
          : c.vertx().eventBus().request(Addresses.REDIS_EXEC, transaction, new DeliveryOptions().setLocalOnly(true)).map(m -> m.body());
    } catch (ClusterKeys.CrossSlot e) {
      c.unwatchAll();
      return now(c, Reply.error(RespErrors.CROSSSLOT));
    }
    return ran.onComplete(ar -> c.unwatchAll()).map(answer -> {
      Redis.Result timed = (Redis.Result) answer;
      c.server.slow(timed.micros(), List.of("exec".getBytes(UTF_8)), c);
      Reply result = timed.reply();
      if (result instanceof Reply.Arr array && array.elements() != null) {
        for (List<byte[]> command : commands) { // a SELECT inside the transaction stays in force after it
          if (command.size() == 2 && new String(command.get(0), UTF_8).equalsIgnoreCase("select")) {
            Integer selected = RedisStore.selectedDb(command.get(1));
            c.db = selected == null ? c.db : selected;
          }
        }
      }
      return result;
    });
  }

  /**
   * Clustered: whether this node owns the slot of a transaction (or it has no key); if not, the router
   * sends it to the owner. A standalone server owns every slot.
   *
   * @throws ClusterKeys.CrossSlot if its keys hash to different slots
   */
  private static boolean ownedHere(RespConnection c, Redis.Transaction transaction) {
    if (!c.cluster().clustered()) {
      return true;
    }
    int slot = ClusterKeys.slot(transaction);
    return slot == ClusterKeys.NO_SLOT || c.cluster().table().isLocal(slot);
  }

  /**
   * WATCH. Clustered, a key another node owns is watched there (its writes change its stamp there, and
   * EXEC runs there), unless the client is cluster-aware: it gets MOVED, as from Redis Cluster.
   */
  private static Future<Reply> watch(RespConnection c, List<byte[]> args) {
    if (c.multi != null) {
      return now(c, Reply.error(Errors.WATCH_IN_MULTI));
    }
    Map<String, List<byte[]>> byOwner = new LinkedHashMap<>();
    for (byte[] key : args.subList(1, args.size())) {
      String owner = null;
      if (c.cluster().clustered()) {
        int slot = Slots.of(key);
        owner = c.cluster().table().owner(slot);
        if (owner == null) {
          return now(c, Reply.error("CLUSTERDOWN Hash slot not served"));
        }
        String moved = c.clusterAware && !owner.equals(c.cluster().id()) ? ClusterCommand.moved(c.cluster(), slot, owner) : null;
        if (moved != null) {
          return now(c, Reply.error(moved));
        }
        owner = owner.equals(c.cluster().id()) ? null : owner;
      }
      byOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(key);
    }
    int db = c.db;
    List<Future<Void>> asked = new ArrayList<>();
    byOwner.forEach((owner, keys) -> {
      if (owner == null) {
        for (byte[] key : keys) {
          c.watched.add(new RespConnection.Watched(db, key, c.view().watch(db, key), null));
        }
        return;
      }
      asked.add(c.vertx().eventBus().<Redis.Result>request(ClusterNode.at(owner, Addresses.REDIS_WATCH), new Redis.Watch(db, keys, false))
          .map(answer -> {
            List<Reply> stamps = ((Reply.Arr) answer.body().reply()).elements();
            for (int i = 0; i < keys.size(); i++) {
              c.watched.add(new RespConnection.Watched(db, keys.get(i), ((Reply.Int) stamps.get(i)).value(), owner));
            }
            return null;
          }));
    });
    if (asked.isEmpty()) {
      return now(c, Reply.OK);
    }
    return Future.all(asked).map(all -> Reply.OK).otherwise(RespErrors::of);
  }

  private static Reply pubsub(RespConnection c, List<byte[]> args) {
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    PubSub.Registry registry = PubSub.Registry.of(c.vertx());
    switch (sub) {
      case "CHANNELS": {
        byte[] pattern = args.size() > 2 ? args.get(2) : null;
        List<Reply> out = new ArrayList<>();
        for (java.nio.ByteBuffer ch : registry.channels.keySet()) {
          if (pattern == null || io.comdb.types.Glob.matches(pattern, ch.array())) {
            out.add(Reply.bulk(ch.array()));
          }
        }
        return Reply.array(out);
      }
      case "NUMSUB": {
        List<Reply> out = new ArrayList<>();
        for (byte[] ch : args.subList(2, args.size())) {
          java.util.concurrent.atomic.AtomicInteger n = registry.channels.get(java.nio.ByteBuffer.wrap(ch));
          out.add(Reply.bulk(ch));
          out.add(Reply.integer(n == null ? 0 : n.get()));
        }
        return new Reply.MapReply(out);
      }
      case "NUMPAT":
        return Reply.integer(registry.patterns.size());
      default:
        return Reply.error(Errors.unknownSubcommand("pubsub", text(args.get(1))));
    }
  }

  private static Reply slowlog(RespConnection c, List<byte[]> args) {
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "GET": {
        long count = 10;
        if (args.size() > 2) {
          Long n = RespNumbers.parse(args.get(2));
          if (n == null || n < -1) {
            return Reply.error("ERR count should be greater than or equal to -1");
          }
          count = n;
        }
        return Reply.array(c.server.slowlog(count));
      }
      case "LEN":
        return Reply.integer(c.server.slowlogLength());
      case "RESET":
        c.server.slowlogReset();
        return Reply.OK;
      default:
        return Reply.error(Errors.unknownSubcommand("slowlog", text(args.get(1))));
    }
  }

  /** The engine's figures, for INFO. */
  static EngineStats engineStats(RespConnection c) {
    return EngineVerticle.reads(c.vertx()).stats();
  }

  static long dbSize(RespConnection c, int db) {
    try {
      return c.view().dbSize(db);
    } catch (IOException e) {
      return -1;
    }
  }
}
