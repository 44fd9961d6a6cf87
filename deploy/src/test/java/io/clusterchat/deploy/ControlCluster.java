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
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.session.SessionStore;
import io.clusterchat.session.SessionStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A real cluster in one JVM for control-plane tests: session-store, persistence-node (H2), auth-node, a coordinator
 * with its HTTP API, and any gateways a test adds. HTTP calls are blocking, from the test thread.
 */
final class ControlCluster implements AutoCloseable {

  static final String ADMIN_TOKEN = "control-test-admin-token-0123456789";
  private static final long TIMEOUT_SECONDS = 60;
  private static final long POLL_MILLIS = 50;

  private final TestClusters cluster = new TestClusters();
  private final Path dataDir;
  private final CoordinatorOptions coordinatorOptions;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final Map<String, ClusterNode> gatewayNodes = new LinkedHashMap<>();
  private final Map<String, ClusterNode> coordinatorNodes = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  ClusterNode coordinatorNode;
  Coordinator coordinator;

  ControlCluster(Path dataDir, CoordinatorOptions coordinatorOptions) {
    this.dataDir = dataDir;
    this.coordinatorOptions = new CoordinatorOptions(coordinatorOptions).setHttpHost(TestClusters.HOST)
        .setHttpPort(0).setAdminToken(ADMIN_TOKEN);
  }

  ControlCluster start() throws Exception {
    ClusterNode sessionStore = node("session-store-1", NodeRole.SESSION_STORE, null, true);
    await(SessionStore.deploy(sessionStore, new SessionStoreOptions()));
    ClusterNode persistence = node("persistence-1", NodeRole.PERSISTENCE_NODE, null, false);
    await(PersistenceNode.deploy(persistence.vertx(), new PersistenceOptions().setDataDir(dataDir.toString())));
    ClusterNode auth = node("auth-1", NodeRole.AUTH_NODE, null, false);
    await(AuthNode.deploy(auth, new AuthOptions().setTokenSecret(TestChatCluster.TOKEN_SECRET)
        .setRegisterLimit(TestChatCluster.TEST_REGISTER_LIMIT)));
    coordinatorNode = node("coordinator", NodeRole.COORDINATOR, null, false);
    coordinator = await(Coordinator.deploy(coordinatorNode, coordinatorOptions));
    return this;
  }

  /** Starts one more coordinator (the first is {@code coordinator}); its HTTP API on a port of its own. */
  Coordinator addCoordinator(String nodeId) throws Exception {
    ClusterNode node = node(nodeId, NodeRole.COORDINATOR, null, false);
    coordinatorNodes.put(nodeId, node);
    return await(Coordinator.deploy(node, coordinatorOptions));
  }

  ClusterNode coordinatorNode(String nodeId) {
    return coordinatorNodes.get(nodeId);
  }

  /** Starts a gateway node and waits until dispatch knows it (its first report is in). */
  Gateway gateway(String nodeId, String region) throws Exception {
    return gateway(nodeId, region, UnaryOperator.identity());
  }

  /** As {@link #gateway(String, String)}, with options of its own (transports, limits). */
  Gateway gateway(String nodeId, String region, UnaryOperator<GatewayOptions> tweak) throws Exception {
    ClusterNode node = node(nodeId, NodeRole.GATEWAY, region, false);
    gatewayNodes.put(nodeId, node);
    Gateway gateway = await(Gateway.deploy(node, tweak.apply(new GatewayOptions().setNodeId(nodeId).setRegion(region)
        .setHost(TestClusters.HOST).setPort(0).setEchoPort(0).setInstances(2)
        .setRequestTimeoutMillis(TestChatCluster.REQUEST_TIMEOUT_MILLIS))));
    awaitUntil("gateway " + nodeId + " in /api/cluster", () -> gatewayState(nodeId) != null);
    return gateway;
  }

  ClusterNode gatewayNode(String nodeId) {
    return gatewayNodes.get(nodeId);
  }

  /** Kills a node without a goodbye: Hazelcast stops, peers notice it by its missing heartbeats. */
  void crash(ClusterNode node) {
    nodes.remove(node);
    node.clusterManager().getHazelcastInstance().getLifecycleService().terminate();
    node.vertx().close();
  }

  // ---- HTTP ----

  record Reply(int status, JsonObject body) {
  }

  Reply get(String path, String token) throws IOException, InterruptedException {
    return get(coordinator.httpPort(), path, token);
  }

  /** A GET to the coordinator HTTP API on {@code port} (any coordinator of the cluster). */
  Reply get(int port, String path, String token) throws IOException, InterruptedException {
    return send(request(port, path, token).GET().build());
  }

  Reply post(String path, String token, JsonObject body) throws IOException, InterruptedException {
    return post(coordinator.httpPort(), path, token, body);
  }

  Reply post(int port, String path, String token, JsonObject body) throws IOException, InterruptedException {
    return send(request(port, path, token).header("content-type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  Reply admin(String path) throws IOException, InterruptedException {
    return get(path, ADMIN_TOKEN);
  }

  Reply dispatch(String region) throws IOException, InterruptedException {
    return get("/api/dispatch?region=" + region, null);
  }

  /** The {@code state} of a gateway in {@code /api/cluster}, or null when it has not reported. */
  String gatewayState(String nodeId) throws IOException, InterruptedException {
    JsonObject node = clusterNode(nodeId);
    return node == null || node.getInteger("port") == null ? null : node.getString("state");
  }

  JsonObject clusterNode(String nodeId) throws IOException, InterruptedException {
    Reply cluster = admin("/api/cluster");
    assertThat(cluster.status()).isEqualTo(200);
    return cluster.body().getJsonArray("nodes").stream().map(JsonObject.class::cast)
        .filter(node -> nodeId.equals(node.getString("node"))).findFirst().orElse(null);
  }

  int coordinatorPort() {
    return coordinator.httpPort();
  }

  String coordinatorUrl() {
    return TestClusters.HOST + ":" + coordinator.httpPort();
  }

  private HttpRequest.Builder request(int port, String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + TestClusters.HOST + ":" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    String body = response.body();
    return new Reply(response.statusCode(), body.isBlank() || !body.startsWith("{") ? null : new JsonObject(body));
  }

  // ---- waiting ----

  /** Polls {@code condition} until it holds; fails after {@code ceilingMillis}. */
  static void awaitUntil(String what, long ceilingMillis, Check condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ceilingMillis);
    while (!condition.holds()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(POLL_MILLIS);
    }
  }

  static void awaitUntil(String what, Check condition) throws Exception {
    awaitUntil(what, TimeUnit.SECONDS.toMillis(20), condition);
  }

  /** A condition that may do blocking I/O. */
  interface Check {
    boolean holds() throws Exception;
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  static <T> T await(Supplier<Future<T>> action) throws Exception {
    return await(action.get());
  }

  private ClusterNode node(String nodeId, NodeRole role, String region, boolean seed) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, region, seed)));
    nodes.add(node);
    await(node.vertx().deployVerticle(new NodeStatusVerticle(node)));
    return node;
  }

  @Override
  public void close() {
    // Lite members first, the data members last.
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
    nodes.clear();
  }
}
