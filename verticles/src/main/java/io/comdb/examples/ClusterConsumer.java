package io.comdb.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.comdb.cluster.HazelcastSetup;
import io.comdb.config.ClusterSection;
import io.comdb.verticles.api.Addresses;
import io.comdb.verticles.api.Codecs;
import io.comdb.verticles.api.Kv;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x service that uses a running ComDB cluster over the clustered event bus: it joins the cluster
 * as a Hazelcast lite member (it owns no data), writes and reads a key, stores a memory and searches it.
 * docs/eventbus.md walks through it.
 *
 * <pre>
 * java -cp verticles/target/comdb.jar io.comdb.examples.ClusterConsumer [members [host]]
 *   members   the cluster's members, host[:port],...   default 127.0.0.1
 *   host      the address this service binds            default 127.0.0.1
 * </pre>
 */
public final class ClusterConsumer {
  private ClusterConsumer() {}

  public static void main(String[] args) throws Exception {
    String members = args.length > 0 ? args[0] : "127.0.0.1";
    String host = args.length > 1 ? args[1] : "127.0.0.1";
    ClusterSection cluster = new ClusterSection(true, host, 5701, members, 1, 1, 5000);
    Vertx vertx = Vertx.builder()
        .withClusterManager(HazelcastSetup.consumerClusterManager(cluster))
        .buildClustered()
        .await(60, TimeUnit.SECONDS);
    try {
      System.out.println(demo(vertx).await(60, TimeUnit.SECONDS));
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Writes, reads, remembers and searches through ComDB's event-bus API; answers what it saw. */
  public static Future<String> demo(Vertx vertx) {
    Codecs.register(vertx); // ComDB's message codecs, once per Vert.x instance
    EventBus bus = vertx.eventBus();
    byte[] key = "greeting".getBytes(UTF_8);
    return bus.<Kv.Done>request(Addresses.KV_PUT, new Kv.Put(key, "hello from the event bus".getBytes(UTF_8)))
        .compose(done -> bus.<Kv.Value>request(Addresses.KV_GET, new Kv.Get(key)))
        .map(Message::body)
        .compose(value -> bus.<JsonObject>request(Addresses.MEMORY_ADD, new JsonObject()
                .put("agentId", "example-agent")
                .put("text", "The staging database is backed up every night at 02:00")
                .put("createSpace", true))
            .compose(added -> bus.<JsonObject>request(Addresses.MEMORY_SEARCH, new JsonObject()
                .put("agentId", "example-agent")
                .put("query", "when is staging backed up")))
            .map(found -> "read '" + new String(value.value(), UTF_8) + "' (version " + value.version() + "); "
                + "memory search found: " + found.body().getJsonArray("results").getJsonObject(0).getString("text")));
  }
}
