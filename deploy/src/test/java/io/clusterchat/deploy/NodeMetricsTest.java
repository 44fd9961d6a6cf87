package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.auth.AuthNode;
import io.clusterchat.auth.AuthOptions;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.NodeStatusVerticle;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.coordinator.Coordinator;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.metrics.MetricsProbe;
import io.clusterchat.metrics.NodeHttpOptions;
import io.clusterchat.metrics.NodeHttpVerticle;
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.session.SessionStore;
import io.clusterchat.session.SessionStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every role in one real cluster, each node with its own /metrics and /health endpoint as the launcher runs it. */
class NodeMetricsTest {

  private static final long TIMEOUT_SECONDS = 60;
  private static final String TOKEN_SECRET = "a-test-secret-that-is-long-enough-for-hmac";

  @TempDir
  Path dataDir;
  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();
  /** Node id to its metrics port. */
  private final Map<String, Integer> ports = new LinkedHashMap<>();

  @AfterEach
  void closeNodes() {
    // Lite members first, the data members last, so the cluster stays safe while it shrinks.
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }

  @Test
  void metricsExposedByEveryRole() throws Exception {
    ClusterNode coordinator = start("coordinator", NodeRole.COORDINATOR, null, true);
    await(Coordinator.deploy(coordinator, new CoordinatorOptions().setAdminToken("a-test-admin-token-0123")
        .setHttpHost(TestClusters.HOST).setHttpPort(0)));
    ClusterNode sessionStore = start("session-store-1", NodeRole.SESSION_STORE, null, false);
    await(SessionStore.deploy(sessionStore, new SessionStoreOptions()));
    ClusterNode persistence = start("persistence-1", NodeRole.PERSISTENCE_NODE, null, false);
    await(PersistenceNode.deploy(persistence.vertx(), new PersistenceOptions().setDataDir(dataDir.toString())));
    ClusterNode auth = start("auth-1", NodeRole.AUTH_NODE, null, false);
    await(AuthNode.deploy(auth, new AuthOptions().setTokenSecret(TOKEN_SECRET).setRegisterLimit(TestChatCluster.TEST_REGISTER_LIMIT)));
    ClusterNode gateway = start("gw-bj-1", NodeRole.GATEWAY, "bj", false);
    await(Gateway.deploy(gateway, new GatewayOptions().setNodeId("gw-bj-1").setRegion("bj")
        .setHost(TestClusters.HOST).setPort(0).setEchoPort(0).setInstances(1)));
    for (ClusterNode node : nodes) {
      ports.put(node.options().getNodeId(), await(NodeRunner.deployHttp(node,
          new NodeHttpOptions().setHost(TestClusters.HOST))));
    }

    Map<String, String> roles = Map.of("coordinator", "coordinator", "session-store-1", "session-store",
        "persistence-1", "persistence-node", "auth-1", "auth-node", "gw-bj-1", "gateway");
    for (Map.Entry<String, Integer> node : ports.entrySet()) {
      Map<String, Double> samples = MetricsProbe.scrape(node.getValue());
      String identity = "node=\"" + node.getKey() + "\"";
      assertThat(samples.keySet()).as(node.getKey())
          .anyMatch(series -> series.startsWith("vertx_eventbus_") && series.contains(identity)
              && series.contains("role=\"" + roles.get(node.getKey()) + "\""))
          .allMatch(series -> series.contains(identity));

      HttpResponse<String> health = MetricsProbe.get(node.getValue(), NodeHttpVerticle.HEALTH_PATH);
      assertThat(health.statusCode()).as(node.getKey()).isEqualTo(200);
      assertThat(new JsonObject(health.body()).getString("node")).isEqualTo(node.getKey());
    }
    assertThat(MetricsProbe.has(MetricsProbe.scrape(ports.get("gw-bj-1")), "clusterchat_gateway_connections"))
        .isTrue();
    assertThat(MetricsProbe.has(MetricsProbe.scrape(ports.get("persistence-1")),
        "clusterchat_store_commit_seconds_count")).isTrue();
  }

  @Test
  void metricsPortFlagTurnsTheEndpointOnAndZeroLeavesItOff() {
    SessionStoreCommand on = new SessionStoreCommand();
    new CommandLine(on).parseArgs("--node-id", "ss-1", "--metrics-port", "9101", "--metrics-host", "127.0.0.1");
    NodeHttpOptions metrics = on.cluster.toOptions(NodeRole.SESSION_STORE, null).getMetrics();
    assertThat(metrics.getPort()).isEqualTo(9101);
    assertThat(metrics.getHost()).isEqualTo("127.0.0.1");

    SessionStoreCommand off = new SessionStoreCommand();
    new CommandLine(off).parseArgs("--node-id", "ss-1");
    assertThat(off.cluster.toOptions(NodeRole.SESSION_STORE, null).getMetrics()).isNull();
  }

  private ClusterNode start(String nodeId, NodeRole role, String region, boolean seed) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, region, seed)));
    nodes.add(node);
    await(node.vertx().deployVerticle(new NodeStatusVerticle(node)));
    return node;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
