package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.NodeStatusVerticle;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.coordinator.Coordinator;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several roles in one real Hazelcast cluster on 127.0.0.1: every node answers on its status address, and nodes
 * that leave, gracefully or by crashing, are seen leaving.
 */
class ClusterMembershipTest {

  private static final long TIMEOUT_SECONDS = 30;
  private static final long REQUEST_TIMEOUT_MILLIS = 5_000;

  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void closeNodes() throws Exception {
    // Lite members first, the data members last, so the cluster stays safe while it shrinks.
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }

  @Test
  void everyRoleAnswersOnItsStatusAddressAndLeavesAreSeen() throws Exception {
    ClusterNode coordinator = start("coord-1", NodeRole.COORDINATOR, null, true);
    await(Coordinator.deploy(coordinator, new CoordinatorOptions().setHttpPort(0).setAdminToken("membership-test-admin-token")));
    ClusterNode sessionStore = start("ss-1", NodeRole.SESSION_STORE, null, false);
    ClusterNode gateway = start("gw-bj-1", NodeRole.GATEWAY, "bj", false);
    await(Gateway.deploy(gateway, new GatewayOptions().setNodeId("gw-bj-1").setRegion("bj")
        .setHost(TestClusters.HOST).setPort(0).setEchoPort(0).setInstances(1)));
    ClusterNode auth = start("auth-1", NodeRole.AUTH_NODE, null, false);

    for (String nodeId : List.of("coord-1", "ss-1", "gw-bj-1", "auth-1")) {
      JsonObject status = status(gateway, nodeId);
      assertThat(status.getString("node")).isEqualTo(nodeId);
      assertThat(status.getLong("uptime")).isNotNegative();
      assertThat(status.getInteger("members")).isEqualTo(4);
    }
    assertThat(status(coordinator, "gw-bj-1").getString("role")).isEqualTo("gateway");
    assertThat(status(coordinator, "gw-bj-1").getString("region")).isEqualTo("bj");
    assertThat(status(gateway, "ss-1").getString("role")).isEqualTo("session-store");
    assertThat(coordinator.view().members()).extracting(ClusterMember::nodeId)
        .containsExactlyInAnyOrder("coord-1", "ss-1", "gw-bj-1", "auth-1");
    assertThat(coordinator.view().members()).filteredOn(ClusterMember::lite).extracting(ClusterMember::nodeId)
        .containsExactlyInAnyOrder("gw-bj-1", "auth-1");

    // A graceful leave.
    CompletableFuture<ClusterMember> gatewayLeft = leaveOf(coordinator, "gw-bj-1");
    nodes.remove(gateway);
    gateway.closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    ClusterMember left = gatewayLeft.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(left.role()).isEqualTo(NodeRole.GATEWAY);
    assertThat(left.region()).isEqualTo("bj");
    assertThat(statusFailure(coordinator, "gw-bj-1")).isEqualTo(ReplyFailure.NO_HANDLERS);

    // A crash: no goodbye, the member just stops answering.
    CompletableFuture<ClusterMember> authLeft = leaveOf(sessionStore, "auth-1");
    nodes.remove(auth);
    auth.clusterManager().getHazelcastInstance().getLifecycleService().terminate();
    assertThat(authLeft.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).role()).isEqualTo(NodeRole.AUTH_NODE);
    auth.vertx().close();
    assertThat(coordinator.view().members()).extracting(ClusterMember::nodeId)
        .containsExactlyInAnyOrder("coord-1", "ss-1");
  }

  private ClusterNode start(String nodeId, NodeRole role, String region, boolean seed) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, region, seed)));
    nodes.add(node);
    await(node.vertx().deployVerticle(new NodeStatusVerticle(node)));
    return node;
  }

  private static JsonObject status(ClusterNode from, String nodeId) throws Exception {
    return await(from.vertx().eventBus().<JsonObject>request(NodeStatusVerticle.address(nodeId), null,
        new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS))).body();
  }

  private static ReplyFailure statusFailure(ClusterNode from, String nodeId) throws Exception {
    Future<?> request = from.vertx().eventBus().request(NodeStatusVerticle.address(nodeId), null,
        new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS));
    try {
      await(request);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return ((ReplyException) e.getCause()).failureType();
    }
  }

  private static CompletableFuture<ClusterMember> leaveOf(ClusterNode observer, String nodeId) {
    CompletableFuture<ClusterMember> left = new CompletableFuture<>();
    observer.view().onLeave(member -> {
      if (nodeId.equals(member.nodeId())) {
        left.complete(member);
      }
    });
    return left;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
