package io.clusterchat.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.kubernetes.KubernetesProperties;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import io.clusterchat.cluster.impl.RejoinSafeClusterManager;
import io.clusterchat.metrics.NodeHealth;
import io.clusterchat.metrics.NodeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clustered Vert.x instance for one node: Hazelcast with TCP/IP join on an explicit member list, or Kubernetes
 * discovery through a headless Service (never multicast), the configured cluster name and bind address, lite
 * membership for roles that hold no data, and the node's identity as member attributes so every peer can tell who
 * joined or left.
 *
 * <p>Every node also gets its metrics ({@link NodeMetrics}: Vert.x's own, tagged with the node and role) and the
 * first of its readiness checks ({@link NodeHealth}: still a member of the cluster).
 */
public final class ClusterNode {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  /**
   * The session registry's Hazelcast map (owned by the session-store module). Configured here because every data
   * member, the coordinator included, must hold it the same way: one synchronous backup, so losing any one data
   * member loses no session.
   */
  public static final String SESSIONS_MAP = "clusterchat.sessions";
  /**
   * The most keys {@link ClusterCounters#MAP} holds on one data member; past it the least recently used go. A key is
   * a user or client address (under 200 bytes), so this bounds the counters at some tens of MB per member.
   */
  public static final int COUNTERS_MAX_ENTRIES_PER_MEMBER = 200_000;
  /** Vert.x's map of event-bus registrations (address to node) and of nodes' event-bus addresses. */
  static final String VERTX_SUBSCRIPTIONS = "__vertx.subs";
  static final String VERTX_NODE_INFO = "__vertx.nodeInfo";
  /** How often a member split from the cluster tries to merge back. */
  public static final int MERGE_DELAY_SECONDS = 5;
  /** A member silent this long is declared dead. */
  public static final int MAX_NO_HEARTBEAT_SECONDS = 5;
  /** The name of the cluster-membership check in {@link NodeHealth}. */
  public static final String CLUSTER_CHECK = "cluster";

  private final ClusterOptions options;
  private final Vertx vertx;
  private final HazelcastClusterManager clusterManager;
  private final ClusterView view;
  private final long startedAt;

  private ClusterNode(ClusterOptions options, Vertx vertx, HazelcastClusterManager clusterManager, long startedAt) {
    this.options = options;
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.startedAt = startedAt;
    this.view = new ClusterView(clusterManager.getHazelcastInstance());
  }

  /** Joins the cluster; fails if no clustered Vert.x could be started (bad bind address, port taken, ...). */
  public static Future<ClusterNode> start(ClusterOptions options) {
    ClusterOptions config = new ClusterOptions(options).validate();
    long startedAt = System.currentTimeMillis();
    HazelcastClusterManager manager = new RejoinSafeClusterManager(hazelcastConfig(config));
    PrometheusMeterRegistry registry = NodeMetrics.prometheusRegistry(config.getNodeId(),
        config.getRole().wireName(), config.getRegion());
    VertxOptions vertxOptions = new VertxOptions()
        // epoll on Linux (fewer copies and wake-ups than NIO on every socket and the event bus); NIO elsewhere.
        .setPreferNativeTransport(true)
        .setMetricsOptions(NodeMetrics.vertxMetricsOptions(config.getNodeId()));
    vertxOptions.getEventBusOptions()
        .setHost(config.getHost())
        .setPort(config.getBusPort())
        .setClusterPublicHost(config.getPublicHost());
    if (config.isBusTls()) {
      busTls(vertxOptions.getEventBusOptions(), config);
    }
    return Vertx.builder()
        .with(vertxOptions)
        .withClusterManager(manager)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .buildClustered()
        .map(vertx -> {
          ClusterNode node = new ClusterNode(config, vertx, manager, startedAt);
          NodeMetrics.install(vertx, registry);
          NodeHealth.of(vertx).identity(identity(config)).register(CLUSTER_CHECK, node::checkMembership);
          LOG.info("node {} joined cluster '{}' as a {} member; {} members now; event bus {}; sockets on {}",
              config.describe(), config.getClusterName(), config.getRole().dataMember() ? "data" : "lite",
              node.view.members().size(), busDescription(config),
              vertx.isNativeTransportEnabled() ? "epoll" : "NIO (" + vertx.unavailableNativeTransportCause() + ")");
          return node;
        });
  }

  private static String busDescription(ClusterOptions config) {
    return config.isBusTls() ? "TLS with client certificates" : "plain TCP";
  }

  /**
   * Mutual TLS on every event-bus connection: the server asks for a client certificate and both ends accept only
   * certificates signed by the cluster CA. Vert.x 5's clustered event bus turns hostname verification off for its
   * client (ClusteredEventBus sets an empty algorithm, EventBusOptions has no setting for it), so the trust rests on
   * the CA and client auth alone. EventBusOptions trusts every server by default (trustAll true): switched off, or
   * this node would send its messages to any TLS server that took over a peer's address.
   */
  private static void busTls(EventBusOptions bus, ClusterOptions config) {
    bus.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(config.getBusTlsCert())
            .setKeyPath(config.getBusTlsKey()))
        .setTrustOptions(new PemTrustOptions().addCertPath(config.getBusTlsCa()))
        .setTrustAll(false)
        .setClientAuth(ClientAuth.REQUIRED);
  }

  private static JsonObject identity(ClusterOptions options) {
    return new JsonObject().put("node", options.getNodeId()).put("role", options.getRole().wireName())
        .put("region", options.getRegion());
  }

  /** Readiness: this node's Hazelcast member is running and still part of the cluster. */
  private Future<Void> checkMembership() {
    if (!clusterManager.isActive() || !clusterManager.getHazelcastInstance().getLifecycleService().isRunning()) {
      return Future.failedFuture("not a member of cluster '" + options.getClusterName() + "'");
    }
    return Future.succeededFuture();
  }

  /** The Hazelcast configuration of a node: Vert.x's defaults plus our join, identity and safety settings. */
  public static Config hazelcastConfig(ClusterOptions options) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.getClusterName());
    config.setLiteMember(!options.getRole().dataMember());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // We leave the cluster ourselves after Vert.x has closed; Hazelcast's own hook would leave first.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.local.localAddress", options.getHost());
    config.setProperty("hazelcast.socket.bind.any", "false");
    // A crashed node must leave the cluster (and its sessions the registry) within seconds, not Hazelcast's 60 s.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(MAX_NO_HEARTBEAT_SECONDS));
    // A member cut off (or frozen) and declared dead looks for the cluster again within seconds, not Hazelcast's
    // default 5 minutes then every 2: until it merges back, a gateway's clients cannot be served.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.getPort()).setPortAutoIncrement(false);
    if (options.getPublicHost() != null) {
      network.setPublicAddress(options.getPublicHost() + ":" + options.getPort());
    }
    configureJoin(network.getJoin(), options);

    // After a split, the side that merges in drops its copy of the event-bus registrations and node addresses: its
    // nodes register their own again on the merge (RejoinSafeClusterManager), and its copy may still name nodes that
    // died while it was apart.
    config.getMultiMapConfig(VERTX_SUBSCRIPTIONS).getMergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName());
    config.getMapConfig(VERTX_NODE_INFO).getMergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName());

    config.getMapConfig(SESSIONS_MAP).setBackupCount(1).setAsyncBackupCount(0);
    // Counters may lose a few counts with a member, never slow every login for a synchronous backup.
    config.getMapConfig(ClusterCounters.MAP).setBackupCount(0).setAsyncBackupCount(1)
        .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
            .setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(COUNTERS_MAX_ENTRIES_PER_MEMBER));

    config.getMemberAttributeConfig().setAttribute(ClusterMember.ATTR_NODE_ID, options.getNodeId());
    config.getMemberAttributeConfig().setAttribute(ClusterMember.ATTR_ROLE, options.getRole().wireName());
    if (options.getRegion() != null) {
      config.getMemberAttributeConfig().setAttribute(ClusterMember.ATTR_REGION, options.getRegion());
    }
    return config;
  }

  /**
   * One way to find peers and no other: the TCP/IP member list, or Kubernetes discovery by the DNS name of a headless
   * Service (every pod's address; the Service should publish not-ready addresses, since a pod only becomes ready
   * once it has joined). Multicast and Hazelcast's auto-detection stay off in both modes.
   */
  private static void configureJoin(JoinConfig join, ClusterOptions options) {
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (options.getJoin() == ClusterJoin.KUBERNETES) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty(KubernetesProperties.SERVICE_DNS.key(), options.getKubernetesServiceDns())
          .setProperty(KubernetesProperties.SERVICE_PORT.key(), String.valueOf(options.getPort()));
    } else {
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(options.getMembers());
    }
  }

  public ClusterOptions options() {
    return options;
  }

  public Vertx vertx() {
    return vertx;
  }

  public HazelcastClusterManager clusterManager() {
    return clusterManager;
  }

  public ClusterView view() {
    return view;
  }

  public long startedAt() {
    return startedAt;
  }

  /**
   * Undeploys every verticle (their {@code stop} runs: gateways say BYE to their clients), then leaves the
   * cluster. Waits at most {@code timeoutMillis}.
   */
  public void closeAndWait(long timeoutMillis) {
    LOG.info("node {} leaving the cluster", options.describe());
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
      LOG.info("node {} stopped", options.describe());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("node {} did not stop cleanly within {} ms", options.describe(), timeoutMillis, e);
    }
  }

  public Future<Void> close() {
    return vertx.close();
  }
}
