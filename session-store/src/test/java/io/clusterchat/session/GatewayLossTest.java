package io.clusterchat.session;

import io.clusterchat.session.impl.SessionSweepVerticle;
import static io.clusterchat.session.TestNodes.await;
import static io.clusterchat.session.TestNodes.awaitUntil;
import static io.clusterchat.session.TestNodes.bind;
import static io.clusterchat.session.TestNodes.lookup;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.session.impl.Session;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sessions of gateways that are gone, by a crash or while no session-store was running, are dropped. */
class GatewayLossTest {

  private static final int USERS = 10;
  /** Hazelcast declares a silent member dead after 5 s; the drop follows at once. */
  private static final long LOSS_CEILING_SECONDS = 15;
  private static final long SWEEP_INTERVAL_MILLIS = 300;
  private static final long AN_HOUR_MILLIS = 3_600_000;

  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  @Test
  void aCrashedGatewaysSessionsAreDroppedAndALiveGatewaysRemain() throws Exception {
    nodes.sessionStore("ss-1", new SessionStoreOptions());
    ClusterNode beijing = nodes.gateway("gw-bj-1", "bj");
    ClusterNode shanghai = nodes.gateway("gw-sh-1", "sh");
    for (int i = 0; i < USERS; i++) {
      bind(beijing, "both" + i + "@bj", "bj-" + i);
      bind(shanghai, "both" + i + "@bj", "sh-" + i);
      bind(beijing, "bjonly" + i + "@bj", "bj-only-" + i);
    }
    assertThat(lookup(shanghai, "both0@bj")).hasSize(2);

    nodes.crash(beijing);

    awaitUntil(LOSS_CEILING_SECONDS, "the crashed gateway's sessions are dropped",
        () -> gateways(shanghai, "both" + (USERS - 1) + "@bj").equals(List.of("gw-sh-1")));
    for (int i = 0; i < USERS; i++) {
      JsonArray sessions = lookup(shanghai, "both" + i + "@bj");
      assertThat(sessions).hasSize(1);
      assertThat(sessions.getJsonObject(0).getString("connection")).isEqualTo("sh-" + i);
      assertThat(lookup(shanghai, "bjonly" + i + "@bj")).isEmpty();
    }
  }

  @Test
  void sweepsDropSessionsOfGatewaysThatLeftWhileNoStoreRan() throws Exception {
    // A data member without a store yet: the registry outlived the gateway's loss unattended.
    ClusterNode store = nodes.start("ss-1", NodeRole.SESSION_STORE, null);
    ClusterNode shanghai = nodes.gateway("gw-sh-1", "sh");
    IMap<String, String> map = store.clusterManager().getHazelcastInstance().getMap(ClusterNode.SESSIONS_MAP);
    long now = System.currentTimeMillis();
    String goneMember = UUID.randomUUID().toString();
    String liveMember = shanghai.clusterManager().getHazelcastInstance().getCluster().getLocalMember().getUuid()
        .toString();
    // Old enough to sweep at start; young enough to be spared by it, then dropped by a periodic sweep.
    long youngSince = now - SessionSweepVerticle.SWEEP_GRACE_MILLIS + 2_000;
    map.put("old@bj", Session.encode(List.of(
        new Session("gw-bj-1", "c-old", "bj", now - AN_HOUR_MILLIS, goneMember, 0),
        new Session("gw-sh-1", "c-live", "sh", now - AN_HOUR_MILLIS, liveMember, 0))));
    map.put("young@bj", Session.encode(List.of(new Session("gw-bj-1", "c-young", "bj", youngSince, goneMember, 0))));

    await(SessionStore.deploy(store, new SessionStoreOptions().setSweepIntervalMillis(SWEEP_INTERVAL_MILLIS)));

    awaitUntil(LOSS_CEILING_SECONDS, "the start sweep drops the old session",
        () -> gateways(shanghai, "old@bj").equals(List.of("gw-sh-1")));
    assertThat(lookup(shanghai, "young@bj")).as("spared by the grace").hasSize(1);
    awaitUntil(LOSS_CEILING_SECONDS, "a periodic sweep drops the session once old enough",
        () -> !map.containsKey("young@bj"));
    assertThat(gateways(shanghai, "old@bj")).containsExactly("gw-sh-1");
  }

  private static List<String> gateways(ClusterNode from, String user) {
    try {
      return lookup(from, user).stream().map(session -> ((JsonObject) session)
          .getString("gateway")).toList();
    } catch (Exception e) {
      throw new AssertionError("lookup of " + user + " failed", e);
    }
  }
}
