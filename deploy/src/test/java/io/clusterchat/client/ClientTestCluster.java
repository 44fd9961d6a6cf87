package io.clusterchat.client;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The in-JVM cluster the client tests talk to, on 127.0.0.1: a session-store (the data member) first, then a
 * persistence-node on an H2 file, an auth-node, and gateways in regions bj and sh, each on its own clustered Vert.x
 * instance; and a Vert.x of the clients' own, whose clients it closes at the end.
 */
final class ClientTestCluster implements AutoCloseable {

  static final String PASSWORD = "correct-horse-1";
  static final long TIMEOUT_SECONDS = 60;
  private static final String TOKEN_SECRET = "a-test-secret-that-is-long-enough-for-hmac";
  /** Tests register many users from one loopback address: the per-address limit is lifted. */
  private static final int REGISTER_LIMIT = 100_000;
  private static final long REQUEST_TIMEOUT_MILLIS = 3_000;
  private static final long RECONNECT_INITIAL_MILLIS = 50;
  private static final long RECONNECT_MAX_MILLIS = 500;

  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<ChatClient> clients = new ArrayList<>();
  final Vertx clientVertx = Vertx.vertx();
  Gateway bj;
  Gateway sh;

  static ClientTestCluster start(Path dataDir) throws Exception {
    ClientTestCluster started = new ClientTestCluster();
    started.startNodes(dataDir);
    return started;
  }

  private void startNodes(Path dataDir) throws Exception {
    ClusterNode store = node("session-store-1", NodeRole.SESSION_STORE, null, true);
    await(SessionStore.deploy(store, new SessionStoreOptions()));
    ClusterNode persistence = node("persistence-1", NodeRole.PERSISTENCE_NODE, null, false);
    await(PersistenceNode.deploy(persistence.vertx(), new PersistenceOptions().setDataDir(dataDir.toString())));
    ClusterNode auth = node("auth-1", NodeRole.AUTH_NODE, null, false);
    await(AuthNode.deploy(auth, new AuthOptions().setTokenSecret(TOKEN_SECRET).setRegisterLimit(REGISTER_LIMIT)));
    bj = await(Gateway.deploy(node("gw-bj-1", NodeRole.GATEWAY, "bj", false), gatewayOptions("gw-bj-1", "bj")));
    sh = await(Gateway.deploy(node("gw-sh-1", NodeRole.GATEWAY, "sh", false), gatewayOptions("gw-sh-1", "sh")));
  }

  /** A connected client of the gateway on {@code port}, its events to {@code events}; closed with the cluster. */
  ChatClient client(int port, Consumer<ChatEvent> events) throws Exception {
    ChatClient client = ChatClient.create(clientVertx, new ChatClientOptions().setHost(TestClusters.HOST)
        .setPort(port).setReconnectInitialDelayMillis(RECONNECT_INITIAL_MILLIS)
        .setReconnectMaxDelayMillis(RECONNECT_MAX_MILLIS));
    client.eventHandler(events::accept);
    clients.add(client);
    await(client.connect());
    return client;
  }

  @Override
  public void close() throws Exception {
    for (ChatClient client : clients) {
      client.close().toCompletionStage().toCompletableFuture().exceptionally(e -> null).get();
    }
    await(clientVertx.close());
    // Lite members first, the data member last.
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }

  private ClusterNode node(String nodeId, NodeRole role, String region, boolean seed) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, region, seed)));
    nodes.add(node);
    await(node.vertx().deployVerticle(new NodeStatusVerticle(node)));
    return node;
  }

  private static GatewayOptions gatewayOptions(String nodeId, String region) {
    return new GatewayOptions().setNodeId(nodeId).setRegion(region).setHost(TestClusters.HOST).setPort(0)
        .setEchoPort(0).setInstances(2).setRequestTimeoutMillis(REQUEST_TIMEOUT_MILLIS);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The {@link ChatException} {@code future} fails with. */
  static ChatException failure(Future<?> future) {
    ExecutionException thrown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(future));
    assertThat(thrown.getCause()).isInstanceOf(ChatException.class);
    return (ChatException) thrown.getCause();
  }
}
