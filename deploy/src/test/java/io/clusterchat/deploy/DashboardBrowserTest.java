package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.NodeStatusVerticle;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.coordinator.Coordinator;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.session.SessionStore;
import io.clusterchat.session.SessionStoreOptions;
import io.clusterchat.testing.LinePeer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard in a real browser against a real cluster (every node in this JVM, one Hazelcast cluster on
 * 127.0.0.1): a session-store, the coordinator and two gateways of region bj. Headless chromium loads the page,
 * which must show both gateways; clients connect to one of them; once the coordinator has its next load report,
 * the page must show the new count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

  private static final String ADMIN_TOKEN = "dashboard-test-admin-token";
  private static final int CLIENTS = 3;
  /** Enough virtual time for the page's first poll and two more. */
  private static final long BUDGET_MILLIS = 3_000;
  /** Gateways report every second and a report may be missed; the registry drops a gateway after 5 s. */
  private static final Duration REPORT_WAIT = Duration.ofSeconds(15);
  private static final long CLOSE_MILLIS = TimeUnit.SECONDS.toMillis(60);

  private HeadlessChromium chromium;
  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<LineClient> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Coordinator coordinator;
  private Gateway bj1;
  private Gateway bj2;

  @BeforeAll
  void startCluster() throws Exception {
    chromium = HeadlessChromium.find().orElse(null);
    // Skipped where chromium is missing; in CI, where .ci/run installs it, a missing one fails the class.
    assumeTrue(LinePeer.presentUnlessCi(chromium != null, "no chromium here (apt-get install -y chromium)"),
        "no chromium here (apt-get install -y chromium); the dashboard tests are skipped");
    ClusterNode sessionStore = node("session-store-1", NodeRole.SESSION_STORE, null, true);
    TestChatCluster.await(SessionStore.deploy(sessionStore, new SessionStoreOptions()));
    ClusterNode coordinatorNode = node("coordinator", NodeRole.COORDINATOR, null, false);
    coordinator = TestChatCluster.await(Coordinator.deploy(coordinatorNode, new CoordinatorOptions()
        .setHttpHost(TestClusters.HOST).setHttpPort(0).setAdminToken(ADMIN_TOKEN)));
    bj1 = gateway("gw-bj-1");
    bj2 = gateway("gw-bj-2");
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (LineClient client : clients) {
      client.close();
    }
    // Gateways first, the data members last.
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(CLOSE_MILLIS);
    }
  }

  @Test
  void showsBothGatewaysAndFollowsTheirConnections() throws Exception {
    // Both gateways have reported (the page would otherwise race their first reports).
    JsonObject before = awaitCluster(c -> connections(c, "gw-bj-1").isPresent()
        && connections(c, "gw-bj-2").isPresent());
    int bj1Before = connections(before, "gw-bj-1").orElseThrow();
    int bj2Before = connections(before, "gw-bj-2").orElseThrow();

    String first = chromium.dumpDom(dashboard(ADMIN_TOKEN), BUDGET_MILLIS);
    assertThat(HeadlessChromium.bodyAttribute(first, "data-state")).as("page state").contains("live");
    assertThat(HeadlessChromium.attribute(first, "data-node", "gw-bj-1", "data-connections"))
        .contains(String.valueOf(bj1Before));
    assertThat(HeadlessChromium.attribute(first, "data-node", "gw-bj-2", "data-connections"))
        .contains(String.valueOf(bj2Before));
    assertThat(HeadlessChromium.attribute(first, "data-node", "coordinator", "data-role")).contains("coordinator");
    assertThat(HeadlessChromium.attribute(first, "data-node", "session-store-1", "data-role"))
        .contains("session-store");
    assertThat(HeadlessChromium.attribute(first, "data-region", "bj", "data-region")).contains("bj");

    for (int i = 0; i < CLIENTS; i++) {
      LineClient client = new LineClient(bj1.port());
      clients.add(client);
      assertThat(client.hello()).startsWith("HELLO clusterchat/1 bj gw-bj-1");
    }
    awaitCluster(c -> connections(c, "gw-bj-1").orElse(-1) == bj1Before + CLIENTS);

    String second = chromium.dumpDom(dashboard(ADMIN_TOKEN), BUDGET_MILLIS);
    assertThat(HeadlessChromium.attribute(second, "data-node", "gw-bj-1", "data-connections"))
        .contains(String.valueOf(bj1Before + CLIENTS));
    assertThat(HeadlessChromium.attribute(second, "data-gateway", "gw-bj-1", "data-connections"))
        .contains(String.valueOf(bj1Before + CLIENTS));
    assertThat(HeadlessChromium.attribute(second, "data-node", "gw-bj-2", "data-connections"))
        .contains(String.valueOf(bj2Before));

    // For people: what the page looks like with this cluster (the README's docs/dashboard.png came from here).
    Path png = Path.of("target", "dashboard.png");
    Files.createDirectories(png.getParent());
    chromium.screenshot(dashboard(ADMIN_TOKEN), BUDGET_MILLIS, png);
  }

  @Test
  void wrongTokenIsShownAsUnauthorized() {
    String dom = chromium.dumpDom(dashboard("not-" + ADMIN_TOKEN), BUDGET_MILLIS);

    assertThat(HeadlessChromium.bodyAttribute(dom, "data-state")).contains("unauthorized");
    assertThat(dom).doesNotContain("data-node=\"gw-bj-1\"");
  }

  private String dashboard(String token) {
    return "http://" + TestClusters.HOST + ":" + coordinator.httpPort() + "/#token=" + token;
  }

  /** Polls {@code GET /api/cluster} until its answer passes {@code test}. */
  private JsonObject awaitCluster(Predicate<JsonObject> test) throws Exception {
    long deadline = System.nanoTime() + REPORT_WAIT.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create("http://" + TestClusters.HOST + ":" + coordinator.httpPort() + "/api/cluster"))
          .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET /api/cluster").isEqualTo(200);
      last = new JsonObject(response.body());
      if (test.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the coordinator's /api/cluster did not get there within " + REPORT_WAIT
        + "; last answer: " + last);
  }

  private static Optional<Integer> connections(JsonObject cluster, String node) {
    return cluster.getJsonArray("nodes").stream()
        .map(JsonObject.class::cast)
        .filter(n -> node.equals(n.getString("node")))
        .findFirst()
        .map(n -> n.getInteger("connections"));
  }

  private Gateway gateway(String nodeId) throws Exception {
    ClusterNode node = node(nodeId, NodeRole.GATEWAY, "bj", false);
    return TestChatCluster.await(Gateway.deploy(node, new GatewayOptions().setNodeId(nodeId).setRegion("bj")
        .setHost(TestClusters.HOST).setPort(0).setEchoPort(0).setInstances(1)));
  }

  private ClusterNode node(String nodeId, NodeRole role, String region, boolean seed) throws Exception {
    ClusterNode node = TestChatCluster.await(ClusterNode.start(cluster.node(nodeId, role, region, seed)));
    nodes.add(node);
    TestChatCluster.await(node.vertx().deployVerticle(new NodeStatusVerticle(node)));
    return node;
  }
}
