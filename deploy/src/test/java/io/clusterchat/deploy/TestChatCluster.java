package io.clusterchat.deploy;

import io.clusterchat.auth.AuthNode;
import io.clusterchat.auth.AuthOptions;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.NodeStatusVerticle;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.session.SessionStore;
import io.clusterchat.session.SessionStoreOptions;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Every role in one JVM, each on its own clustered Vert.x instance of one real Hazelcast cluster on 127.0.0.1:
 * a session-store (the data member), a persistence-node on an H2 file, an auth-node, gateways in bj and sh.
 */
final class TestChatCluster implements AutoCloseable {

  static final String TOKEN_SECRET = "a-test-secret-that-is-long-enough-for-hmac";
  static final long REQUEST_TIMEOUT_MILLIS = 3_000;
  private static final long TIMEOUT_SECONDS = 60;

  private final TestClusters cluster = new TestClusters();
  private final Path dataDir;
  private final List<ClusterNode> nodes = new ArrayList<>();
  ClusterNode sessionStore;
  ClusterNode persistence;
  ClusterNode auth;
  ClusterNode gatewayBj;
  ClusterNode gatewaySh;
  Gateway bj;
  Gateway sh;

  /**
   * Registrations per address per minute in test clusters: tests register many users from one loopback address,
   * so the auth-node's limit is lifted unless a test puts it back ({@link #TestChatCluster(Path, UnaryOperator)}).
   */
  static final int TEST_REGISTER_LIMIT = 100_000;

  private final UnaryOperator<AuthOptions> authTweak;

  TestChatCluster(Path dataDir) {
    this(dataDir, UnaryOperator.identity());
  }

  TestChatCluster(Path dataDir, UnaryOperator<AuthOptions> authTweak) {
    this.dataDir = dataDir;
    this.authTweak = authTweak;
  }

  TestChatCluster start() throws Exception {
    sessionStore = node("session-store-1", NodeRole.SESSION_STORE, null, true);
    await(SessionStore.deploy(sessionStore, new SessionStoreOptions()));
    persistence = startPersistence();
    auth = node("auth-1", NodeRole.AUTH_NODE, null, false);
    await(AuthNode.deploy(auth, authTweak.apply(new AuthOptions().setTokenSecret(TOKEN_SECRET)
        .setRegisterLimit(TEST_REGISTER_LIMIT))));
    gatewayBj = node("gw-bj-1", NodeRole.GATEWAY, "bj", false);
    bj = await(Gateway.deploy(gatewayBj, gatewayOptions("gw-bj-1", "bj")));
    gatewaySh = node("gw-sh-1", NodeRole.GATEWAY, "sh", false);
    sh = await(Gateway.deploy(gatewaySh, gatewayOptions("gw-sh-1", "sh")));
    return this;
  }

  /** Starts one more gateway, with options of its own (e.g. limits a test needs smaller). */
  Gateway startGateway(String nodeId, String region, UnaryOperator<GatewayOptions> tweak) throws Exception {
    ClusterNode node = node(nodeId, NodeRole.GATEWAY, region, false);
    return await(Gateway.deploy(node, tweak.apply(gatewayOptions(nodeId, region))));
  }

  /**
   * Starts one more data member that joins through {@code via}'s member port (so it finds the cluster even after
   * the seed is gone), with the session-store's services on it when {@code serving}.
   */
  ClusterNode startDataMember(String nodeId, ClusterNode via, boolean serving) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, NodeRole.SESSION_STORE, null, false)
        .setMembers(List.of(TestClusters.HOST + ":" + via.options().getPort()))));
    nodes.add(node);
    if (serving) {
      await(SessionStore.deploy(node, new SessionStoreOptions()));
    }
    return node;
  }

  /** Starts a persistence-node on the cluster's H2 file (again, after {@link #stop(ClusterNode)}). */
  ClusterNode startPersistence() throws Exception {
    persistence = node("persistence-1", NodeRole.PERSISTENCE_NODE, null, false);
    await(PersistenceNode.deploy(persistence, new PersistenceOptions().setDataDir(dataDir.toString())));
    return persistence;
  }

  /** Stops a node gracefully. */
  void stop(ClusterNode node) {
    nodes.remove(node);
    node.closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
  }

  /** Kills a node without a goodbye: Hazelcast stops, peers notice it by its missing heartbeats. */
  void crash(ClusterNode node) {
    nodes.remove(node);
    node.clusterManager().getHazelcastInstance().getLifecycleService().terminate();
    node.vertx().close();
  }

  private GatewayOptions gatewayOptions(String nodeId, String region) {
    return new GatewayOptions().setNodeId(nodeId).setRegion(region).setHost(TestClusters.HOST).setPort(0)
        .setEchoPort(0).setInstances(2).setRequestTimeoutMillis(REQUEST_TIMEOUT_MILLIS);
  }

  private ClusterNode node(String nodeId, NodeRole role, String region, boolean seed) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, region, seed)));
    nodes.add(node);
    await(node.vertx().deployVerticle(new NodeStatusVerticle(node)));
    return node;
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    // Lite members first, the data member last.
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
    nodes.clear();
  }
}
