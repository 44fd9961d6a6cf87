package io.clusterchat.session;

import io.clusterchat.bus.SessionService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Nodes of one real test cluster, and session requests sent over the event bus as a gateway sends them. Closes
 * lite members first and data members last, so the cluster keeps its data while it shrinks.
 */
final class TestNodes implements AutoCloseable {

  static final long TIMEOUT_SECONDS = 30;
  static final long REQUEST_TIMEOUT_MILLIS = 5_000;
  private static final long POLL_MILLIS = 200;

  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();

  /** A data member holding a session store; the first one is the seed. */
  ClusterNode sessionStore(String nodeId, SessionStoreOptions options) throws Exception {
    ClusterNode node = start(nodeId, NodeRole.SESSION_STORE, null);
    await(SessionStore.deploy(node, options));
    return node;
  }

  /** A gateway: an otherwise empty lite member with role gateway, sending session requests. */
  ClusterNode gateway(String nodeId, String region) throws Exception {
    return start(nodeId, NodeRole.GATEWAY, region);
  }

  ClusterNode start(String nodeId, NodeRole role, String region) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, region, nodes.isEmpty())));
    nodes.add(node);
    return node;
  }

  /** Kills a node without a goodbye: Hazelcast declares it dead once its heartbeats stop. */
  void crash(ClusterNode node) {
    nodes.remove(node);
    node.clusterManager().getHazelcastInstance().getLifecycleService().terminate();
    node.vertx().close();
  }

  @Override
  public void close() {
    List<ClusterNode> order = new ArrayList<>();
    nodes.stream().filter(node -> !node.options().getRole().dataMember()).forEach(order::add);
    for (int i = nodes.size() - 1; i >= 0; i--) {
      if (nodes.get(i).options().getRole().dataMember()) {
        order.add(nodes.get(i));
      }
    }
    order.forEach(node -> node.closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
    nodes.clear();
  }

  static JsonObject bind(ClusterNode from, String user, String connection) throws Exception {
    return request(from, SessionService.BIND, new JsonObject().put("user", user)
        .put("gateway", from.options().getNodeId()).put("connection", connection)
        .put("region", from.options().getRegion()));
  }

  static JsonObject unbind(ClusterNode from, String user, String connection) throws Exception {
    return request(from, SessionService.UNBIND, new JsonObject().put("user", user).put("connection", connection));
  }

  static JsonArray lookup(ClusterNode from, String user) throws Exception {
    return request(from, SessionService.LOOKUP, new JsonObject().put("user", user)).getJsonArray("sessions");
  }

  static JsonObject request(ClusterNode from, String address, Object body) throws Exception {
    return await(send(from, address, body));
  }

  static Future<JsonObject> send(ClusterNode from, String address, Object body) {
    return send(from, address, body, REQUEST_TIMEOUT_MILLIS);
  }

  static Future<JsonObject> send(ClusterNode from, String address, Object body, long timeoutMillis) {
    return from.vertx().eventBus().<JsonObject>request(address, body,
        new DeliveryOptions().setSendTimeout(timeoutMillis)).map(reply -> reply.body());
  }

  /** The failure code a request fails with. */
  static int failureCode(ClusterNode from, String address, Object body) throws Exception {
    try {
      request(from, address, body);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ReplyException) {
        return ((ReplyException) e.getCause()).failureCode();
      }
      throw e;
    }
    throw new AssertionError("request to " + address + " succeeded: " + body);
  }

  /** Polls until the condition holds; fails after {@code seconds}. */
  static void awaitUntil(long seconds, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
