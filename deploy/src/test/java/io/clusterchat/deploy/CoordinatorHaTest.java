package io.clusterchat.deploy;

import static io.clusterchat.deploy.ControlCluster.ADMIN_TOKEN;
import static io.clusterchat.deploy.ControlCluster.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.coordinator.Coordinator;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.deploy.ControlCluster.Reply;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators in one real cluster: either answers dispatch and the admin API, a drain ordered through either
 * runs once (on the leader, the oldest coordinator), and when the leader dies the other leads and keeps answering.
 * Each test has gateways (and regions) of its own; the leader's loss comes last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoordinatorHaTest {

  private static final String FIRST = "coordinator";
  private static final String SECOND = "coordinator-2";
  /** A crashed member is declared dead after 5 s without heartbeats; the margin covers polling and HTTP. */
  private static final long TAKEOVER_CEILING_MILLIS = 8_000;
  private static final long GATEWAY_LOSS_CEILING_MILLIS = 5_500;
  private static final int ACCEPTED = 202;
  private static final int CONFLICT = 409;

  private ControlCluster cluster;
  private Coordinator second;
  /** Drain requests each gateway node received, counted as they arrive on its event bus. */
  private final Map<String, AtomicInteger> drainsReceived = new ConcurrentHashMap<>();

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    cluster = new ControlCluster(dataDir, new CoordinatorOptions()).start();
    second = cluster.addCoordinator(SECOND);
    for (String[] gateway : new String[][] {{"gw-bj-1", "bj"}, {"gw-bj-2", "bj"}, {"gw-bj-3", "bj"},
        {"gw-sh-1", "sh"}, {"gw-sh-2", "sh"}, {"gw-gz-1", "gz"}, {"gw-cd-1", "cd"}, {"gw-cd-2", "cd"},
        {"gw-xa-1", "xa"}}) {
      cluster.gateway(gateway[0], gateway[1]);
      countDrains(gateway[0]);
      awaitUntil(gateway[0] + " known to " + SECOND, () -> knows(second.httpPort(), gateway[0]));
    }
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  @Order(1)
  void eitherCoordinatorAnswersDispatchAndTheClusterViewNamingTheSameLeader() throws Exception {
    for (int port : ports()) {
      Reply dispatch = cluster.get(port, "/api/dispatch?region=gz", null);
      assertThat(dispatch.status()).isEqualTo(200);
      assertThat(dispatch.body().getString("node")).isEqualTo("gw-gz-1");

      Reply view = cluster.get(port, "/api/cluster", ADMIN_TOKEN);
      assertThat(view.status()).isEqualTo(200);
      assertThat(view.body().getString("leader")).isEqualTo(FIRST);
      assertThat(coordinatorNode(view.body(), FIRST).getBoolean("leader")).isTrue();
      assertThat(coordinatorNode(view.body(), SECOND).getBoolean("leader")).isFalse();
    }
    assertThat(cluster.get(cluster.coordinatorPort(), "/api/cluster", ADMIN_TOKEN).body().getString("answeredBy"))
        .isEqualTo(FIRST);
    assertThat(cluster.get(second.httpPort(), "/api/cluster", ADMIN_TOKEN).body().getString("answeredBy"))
        .isEqualTo(SECOND);
    assertThat(cluster.coordinatorNode.view().leads()).isTrue();
    assertThat(cluster.coordinatorNode(SECOND).view().leads()).isFalse();
  }

  /** The follower hands the drain to the leader: the gateway gets one drain request, every dispatch skips it. */
  @Test
  @Order(2)
  void aDrainOrderedThroughTheFollowerRunsOnceAndLeavesDispatchEverywhere() throws Exception {
    Reply drained = cluster.post(second.httpPort(), "/api/gateways/gw-bj-3/drain", ADMIN_TOKEN, null);
    assertThat(drained.status()).isEqualTo(ACCEPTED);
    assertThat(drained.body().getJsonArray("targets").getList()).containsExactlyInAnyOrder("gw-bj-1", "gw-bj-2");
    // Out of dispatch on both coordinators at once, not only after the gateway's next report.
    for (int i = 0; i < 10; i++) {
      for (int port : ports()) {
        assertThat(cluster.get(port, "/api/dispatch?region=bj", null).body().getString("node"))
            .isNotEqualTo("gw-bj-3");
      }
    }
    // Ordered again, through either coordinator: refused, not run a second time.
    for (int port : ports()) {
      Reply again = cluster.post(port, "/api/gateways/gw-bj-3/drain", ADMIN_TOKEN, null);
      assertThat(again.status()).isEqualTo(CONFLICT);
      assertThat(again.body().getString("error")).contains("already draining");
    }
    awaitUntil("gw-bj-3 draining on " + SECOND, () -> "draining".equals(gatewayState(second.httpPort(), "gw-bj-3")));
    awaitUntil("gw-bj-3 told to drain", () -> drainsReceived.get("gw-bj-3").get() > 0);
    assertThat(drainsReceived.get("gw-bj-3").get()).isEqualTo(1);
    assertThat(cluster.post(second.httpPort(), "/api/gateways/no-such-gateway/drain", ADMIN_TOKEN, null).status())
        .isEqualTo(404);
  }

  /**
   * Two drains of a region's two gateways, ordered through both coordinators at the same moment: the leader checks
   * them one after the other, so one is refused and the region keeps an accepting gateway.
   */
  @Test
  @Order(3)
  void concurrentDrainsThroughBothCoordinatorsLeaveTheRegionAnAcceptingGateway() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      replies.add(threads.submit(drain(cluster.coordinatorPort(), "gw-sh-1")));
      replies.add(threads.submit(drain(second.httpPort(), "gw-sh-2")));
      List<Integer> statuses = new ArrayList<>();
      for (Future<Reply> reply : replies) {
        statuses.add(reply.get().status());
      }
      assertThat(statuses).containsExactlyInAnyOrder(ACCEPTED, CONFLICT);
    } finally {
      threads.shutdown();
    }
    for (int port : ports()) {
      assertThat(cluster.get(port, "/api/dispatch?region=sh", null).status()).isEqualTo(200);
    }
    assertThat(drainsReceived.get("gw-sh-1").get() + drainsReceived.get("gw-sh-2").get()).isEqualTo(1);
  }

  @Test
  @Order(4)
  void aGatewayThatLeftTheClusterLeavesDispatchOnEveryCoordinator() throws Exception {
    cluster.crash(cluster.gatewayNode("gw-xa-1"));
    for (int port : ports()) {
      awaitUntil("gw-xa-1 out of dispatch on port " + port, GATEWAY_LOSS_CEILING_MILLIS,
          () -> cluster.get(port, "/api/dispatch?region=xa", null).status() == 503);
    }
  }

  /** Last: the leader dies; the other leads within seconds, dispatch never stops answering, drains run again. */
  @Test
  @Order(5)
  void whenTheLeaderDiesTheOtherLeadsAndDispatchKeepsAnswering() throws Exception {
    ClusterNode follower = cluster.coordinatorNode(SECOND);
    List<String> leadersSeen = new CopyOnWriteArrayList<>();
    follower.view().onLeaderChange(NodeRole.COORDINATOR, leader -> leadersSeen.add(leader.nodeId()));
    long crashedAt = System.nanoTime();
    cluster.crash(cluster.coordinatorNode);

    awaitUntil(SECOND + " leads", TAKEOVER_CEILING_MILLIS, () -> {
      // Dispatch answers all along, from the coordinator still up.
      assertThat(cluster.get(second.httpPort(), "/api/dispatch?region=cd", null).status()).isEqualTo(200);
      return follower.view().leads();
    });
    long takeoverMillis = (System.nanoTime() - crashedAt) / 1_000_000;
    // The listener hears it with the membership event, a moment after the member list changed.
    awaitUntil("the leader change told", () -> !leadersSeen.isEmpty());
    assertThat(leadersSeen).containsExactly(SECOND);
    Reply view = cluster.get(second.httpPort(), "/api/cluster", ADMIN_TOKEN);
    assertThat(view.body().getString("leader")).as("after %d ms", takeoverMillis).isEqualTo(SECOND);

    // The new leader runs drains itself, once.
    assertThat(cluster.post(second.httpPort(), "/api/gateways/gw-cd-2/drain", ADMIN_TOKEN, null).status())
        .isEqualTo(ACCEPTED);
    awaitUntil("gw-cd-2 draining", () -> "draining".equals(gatewayState(second.httpPort(), "gw-cd-2")));
    // The leader's drain mark can say "draining" before the gateway got the drain itself: wait for that, then once.
    awaitUntil("gw-cd-2 told to drain", () -> drainsReceived.get("gw-cd-2").get() > 0);
    assertThat(drainsReceived.get("gw-cd-2").get()).isEqualTo(1);
    assertThat(cluster.get(second.httpPort(), "/api/dispatch?region=cd", null).body().getString("node"))
        .isEqualTo("gw-cd-1");
  }

  private Callable<Reply> drain(int port, String gateway) {
    return () -> cluster.post(port, "/api/gateways/" + gateway + "/drain", ADMIN_TOKEN, null);
  }

  private List<Integer> ports() {
    return List.of(cluster.coordinatorPort(), second.httpPort());
  }

  private void countDrains(String gateway) {
    AtomicInteger count = new AtomicInteger();
    drainsReceived.put(gateway, count);
    String address = GatewayService.address(gateway);
    cluster.gatewayNode(gateway).vertx().eventBus().addInboundInterceptor(delivery -> {
      if (address.equals(delivery.message().address())
          && GatewayService.DRAIN.equals(delivery.message().headers().get(GatewayService.ACTION))) {
        count.incrementAndGet();
      }
      delivery.next();
    });
  }

  private boolean knows(int port, String gateway) throws Exception {
    return gatewayState(port, gateway) != null;
  }

  private String gatewayState(int port, String gateway) throws Exception {
    JsonObject node = node(cluster.get(port, "/api/cluster", ADMIN_TOKEN).body(), gateway);
    return node == null || node.getInteger("port") == null ? null : node.getString("state");
  }

  private static JsonObject coordinatorNode(JsonObject view, String nodeId) {
    JsonObject node = node(view, nodeId);
    assertThat(node).as(nodeId + " in the cluster view").isNotNull();
    assertThat(node.getString("role")).isEqualTo("coordinator");
    return node;
  }

  private static JsonObject node(JsonObject view, String nodeId) {
    return view.getJsonArray("nodes").stream().map(JsonObject.class::cast)
        .filter(node -> nodeId.equals(node.getString("node"))).findFirst().orElse(null);
  }
}
