package io.clusterchat.session;

import static io.clusterchat.session.TestNodes.await;
import static io.clusterchat.session.TestNodes.awaitUntil;
import static io.clusterchat.session.TestNodes.bind;
import static io.clusterchat.session.TestNodes.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.SessionService;
import io.clusterchat.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two session-store nodes: losing one loses no session, and the other answers. */
class FailoverTest {

  private static final int USERS = 200;
  /** Enough requests that the bus's round robin reaches every consumer it still knows. */
  private static final int PROBES = 4;
  /** Short, so that a probe sent to the dead node fails fast and the next round is tried. */
  private static final long PROBE_TIMEOUT_MILLIS = 500;
  /** Requests to the dead node's consumers time out until the cluster forgets its subscriptions. */
  private static final long RECOVERY_CEILING_SECONDS = 20;

  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  @Test
  void losingOneOfTwoStoresLosesNoSession() throws Exception {
    nodes.sessionStore("ss-1", new SessionStoreOptions());
    ClusterNode second = nodes.sessionStore("ss-2", new SessionStoreOptions());
    ClusterNode gateway = nodes.gateway("gw-bj-1", "bj");
    List<Future<JsonObject>> binds = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      binds.add(send(gateway, SessionService.BIND, new JsonObject().put("user", "user" + i + "@bj")
          .put("gateway", "gw-bj-1").put("connection", "c-" + i).put("region", "bj")));
    }
    await(Future.all(binds));

    nodes.crash(second);

    awaitUntil(RECOVERY_CEILING_SECONDS, "lookups are answered by the surviving store",
        () -> allAnswered(gateway));
    for (int i = 0; i < USERS; i++) {
      JsonArray sessions = TestNodes.lookup(gateway, "user" + i + "@bj");
      assertThat(sessions).as("sessions of user%d", i).hasSize(1);
      assertThat(sessions.getJsonObject(0).getString("connection")).isEqualTo("c-" + i);
    }
    bind(gateway, "late@bj", "c-late");
    assertThat(TestNodes.lookup(gateway, "late@bj")).hasSize(1);
  }

  /** A round of lookups, all answered. */
  private static boolean allAnswered(ClusterNode gateway) {
    List<Future<JsonObject>> lookups = new ArrayList<>();
    for (int i = 0; i < PROBES; i++) {
      lookups.add(send(gateway, SessionService.LOOKUP, new JsonObject().put("user", "user" + i + "@bj"),
          PROBE_TIMEOUT_MILLIS));
    }
    try {
      await(Future.all(lookups));
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
