package io.comdb.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.comdb.config.ClusterSection;
import io.comdb.config.TlsSection;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast's configuration for a ComDB node: ComDB's {@code cluster.xml} (found on the class path, as
 * Vert.x's cluster manager finds it), with the network, the TCP-IP join and failure detection taken from
 * the configuration's {@link ClusterSection}. Multicast is off: members are named.
 */
public final class HazelcastSetup {
  private HazelcastSetup() {}

  /** A ComDB node's cluster manager, for {@code Vertx.builder().withClusterManager(...)}. */
  public static HazelcastClusterManager clusterManager(ClusterSection section) {
    return new HazelcastClusterManager(config(section));
  }

  /**
   * The cluster manager of a Vert.x application that consumes ComDB over the clustered event bus: a
   * Hazelcast <em>lite member</em>, which joins the cluster but owns no partition, so that ComDB's data
   * stays on ComDB's nodes. A consumer that joined as a full member would be given partitions it cannot
   * serve.
   */
  public static HazelcastClusterManager consumerClusterManager(ClusterSection section) {
    return new HazelcastClusterManager(config(section).setLiteMember(true));
  }

  /**
   * The clustered event bus over TLS, members authenticating each other: each presents {@code tls.cert}
   * and trusts {@code tls.ca} (or, without one, that same certificate). Hazelcast's own traffic
   * (membership, the partition table, ComDB's registries) stays in plain text: TLS there is Hazelcast
   * Enterprise's. A consumer of a TLS cluster sets the same on its {@code VertxOptions}.
   */
  public static EventBusOptions secureEventBus(EventBusOptions options, TlsSection tls) {
    return options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key()))
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca() != null ? tls.ca() : tls.cert()))
        .setClientAuth(ClientAuth.REQUIRED);
  }

  public static Config config(ClusterSection section) {
    Config config = ConfigUtil.loadConfig();
    config.setProperty("hazelcast.local.localAddress", section.host());
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(Math.max(2, section.failureMillis() / 1000)));
    // ComDB stops in order (the servers, the engine, then Vert.x leaves the cluster): no hook of Hazelcast's own.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(section.port()).setPortAutoIncrement(true).setPortCount(100);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(section.memberList());
    return config;
  }
}
