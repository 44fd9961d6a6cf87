package io.clusterchat.session;

import static io.clusterchat.session.TestNodes.await;
import static io.clusterchat.session.TestNodes.bind;
import static io.clusterchat.session.TestNodes.failureCode;
import static io.clusterchat.session.TestNodes.lookup;
import static io.clusterchat.session.TestNodes.send;
import static io.clusterchat.session.TestNodes.unbind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.map.IMap;
import io.clusterchat.bus.SessionService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The session contract through its event-bus addresses, sent from gateway nodes of a real cluster with one
 * session-store node.
 */
class SessionStoreTest {

  private static final int MAX_SESSIONS = 60;
  /** Concurrent binds of one user, then as many unbinds and binds mixed. */
  private static final int FIRST_BINDS = 40;
  private static final int LATER_BINDS = 10;
  private static TestNodes nodes;
  private static ClusterNode store;
  private static ClusterNode beijing;
  private static ClusterNode shanghai;

  @BeforeAll
  static void startCluster() throws Exception {
    nodes = new TestNodes();
    store = nodes.sessionStore("ss-1", new SessionStoreOptions().setMaxSessionsPerUser(MAX_SESSIONS));
    beijing = nodes.gateway("gw-bj-1", "bj");
    shanghai = nodes.gateway("gw-sh-1", "sh");
  }

  @AfterAll
  static void closeCluster() {
    nodes.close();
  }

  @Test
  void sessionsOnSeveralGatewaysAreListedUntilTheLastUnbind() throws Exception {
    long before = System.currentTimeMillis();
    assertThat(bind(beijing, "alice@bj", "c-1")).isEqualTo(new JsonObject());
    assertThat(bind(shanghai, "alice@bj", "c-2")).isEqualTo(new JsonObject());

    JsonArray sessions = lookup(beijing, "alice@bj");
    assertThat(sessions).hasSize(2);
    assertThat(sessions.getJsonObject(0).fieldNames())
        .containsExactlyInAnyOrder("gateway", "connection", "region", "since");
    assertThat(field(sessions, "gateway")).containsExactlyInAnyOrder("gw-bj-1", "gw-sh-1");
    assertThat(field(sessions, "connection")).containsExactlyInAnyOrder("c-1", "c-2");
    assertThat(field(sessions, "region")).containsExactlyInAnyOrder("bj", "sh");
    assertThat(sessions.getJsonObject(0).getLong("since")).isBetween(before, System.currentTimeMillis());

    assertThat(unbind(shanghai, "alice@bj", "c-2")).isEqualTo(new JsonObject());
    assertThat(field(lookup(shanghai, "alice@bj"), "connection")).containsExactly("c-1");
    unbind(beijing, "alice@bj", "c-1");
    assertThat(lookup(shanghai, "alice@bj")).isEmpty();
    assertThat(sessionsMap().containsKey("alice@bj")).as("no key left for an offline user").isFalse();
  }

  @Test
  void anUnknownUserIsOfflineAndUnbindingWhatIsNotThereIsFine() throws Exception {
    assertThat(lookup(beijing, "nobody@bj")).isEmpty();
    assertThat(unbind(beijing, "nobody@bj", "c-9")).isEqualTo(new JsonObject());
    bind(beijing, "bob@bj", "c-1");
    assertThat(unbind(beijing, "bob@bj", "c-other")).isEqualTo(new JsonObject());
    assertThat(field(lookup(beijing, "bob@bj"), "connection")).containsExactly("c-1");
    unbind(beijing, "bob@bj", "c-1");
  }

  @Test
  void aRepeatedBindReplacesTheSession() throws Exception {
    bind(beijing, "carol@bj", "c-1");
    bind(beijing, "carol@bj", "c-1");
    assertThat(lookup(beijing, "carol@bj")).hasSize(1);
    unbind(beijing, "carol@bj", "c-1");
  }

  @Test
  void concurrentBindsAndUnbindsOfOneUserEndConsistent() throws Exception {
    String user = "dave@sh";
    List<Future<JsonObject>> binds = new ArrayList<>();
    for (int i = 0; i < FIRST_BINDS; i++) {
      binds.add(send(i % 2 == 0 ? beijing : shanghai, SessionService.BIND, bindRequest(user, i)));
    }
    await(Future.all(binds));
    assertThat(lookup(beijing, user)).hasSize(FIRST_BINDS);

    // Unbind the even connections while binding new ones, from both gateways at once.
    List<Future<JsonObject>> mixed = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < FIRST_BINDS + LATER_BINDS; i++) {
      if (i >= FIRST_BINDS) {
        mixed.add(send(shanghai, SessionService.BIND, bindRequest(user, i)));
        expected.add("c-" + i);
      } else if (i % 2 == 0) {
        mixed.add(send(beijing, SessionService.UNBIND, unbindRequest(user, "c-" + i)));
      } else {
        expected.add("c-" + i);
      }
    }
    await(Future.all(mixed));
    assertThat(field(lookup(shanghai, user), "connection")).containsExactlyInAnyOrderElementsOf(expected);

    List<Future<JsonObject>> unbinds = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      unbinds.add(send(i % 2 == 0 ? beijing : shanghai, SessionService.UNBIND, unbindRequest(user, expected.get(i))));
    }
    await(Future.all(unbinds));
    assertThat(lookup(beijing, user)).isEmpty();
    assertThat(sessionsMap().containsKey(user)).isFalse();
  }

  @Test
  void aBindBeyondTheSessionLimitFailsWith429AndChangesNothing() throws Exception {
    String user = "erin@bj";
    List<Future<JsonObject>> binds = new ArrayList<>();
    for (int i = 0; i < MAX_SESSIONS; i++) {
      binds.add(send(beijing, SessionService.BIND, bindRequest(user, i)));
    }
    await(Future.all(binds));
    assertThat(failureCode(beijing, SessionService.BIND, bindRequest(user, MAX_SESSIONS))).isEqualTo(429);
    assertThat(lookup(beijing, user)).hasSize(MAX_SESSIONS);
    // Rebinding a connection already there is not a new session.
    assertThat(bind(beijing, user, "c-0")).isEqualTo(new JsonObject());
    for (int i = 0; i < MAX_SESSIONS; i++) {
      unbind(beijing, user, "c-" + i);
    }
  }

  @Test
  void malformedRequestsFailWith400() throws Exception {
    assertThat(failureCode(beijing, SessionService.LOOKUP, new JsonObject())).isEqualTo(400);
    assertThat(failureCode(beijing, SessionService.LOOKUP, "frank@bj")).isEqualTo(400);
    assertThat(failureCode(beijing, SessionService.LOOKUP, new JsonObject().put("user", 7))).isEqualTo(400);
    assertThat(failureCode(beijing, SessionService.UNBIND, new JsonObject().put("user", "frank@bj"))).isEqualTo(400);
    assertThat(failureCode(beijing, SessionService.BIND, new JsonObject().put("user", "frank@bj")
        .put("gateway", "gw-bj-1").put("connection", "c-1"))).isEqualTo(400);
    assertThat(failureCode(beijing, SessionService.BIND, bindRequest("x".repeat(300), 1))).isEqualTo(400);
    assertThat(lookup(beijing, "frank@bj")).isEmpty();
  }

  @Test
  void aBindForAGatewayThatIsNotInTheClusterFailsWith503() throws Exception {
    JsonObject request = new JsonObject().put("user", "gina@bj").put("gateway", "gw-gone-1")
        .put("connection", "c-1").put("region", "bj");
    assertThat(failureCode(beijing, SessionService.BIND, request)).isEqualTo(503);
    // A node id of a member that is not a gateway is no gateway either.
    assertThat(failureCode(beijing, SessionService.BIND, request.copy().put("gateway", "ss-1"))).isEqualTo(503);
    assertThat(lookup(beijing, "gina@bj")).isEmpty();
  }

  @Test
  void theStoreRunsOnDataMembersOnly() {
    assertThatThrownBy(() -> await(SessionStore.deploy(beijing, new SessionStoreOptions())))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data member");
    assertThat(beijing.options().getRole()).isEqualTo(NodeRole.GATEWAY);
  }

  private static JsonObject bindRequest(String user, int connection) {
    return new JsonObject().put("user", user).put("gateway", "gw-bj-1").put("connection", "c-" + connection)
        .put("region", "bj");
  }

  private static JsonObject unbindRequest(String user, String connection) {
    return new JsonObject().put("user", user).put("connection", connection);
  }

  private static List<String> field(JsonArray sessions, String name) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < sessions.size(); i++) {
      values.add(sessions.getJsonObject(i).getString(name));
    }
    return values;
  }

  private static IMap<String, String> sessionsMap() {
    return store.clusterManager().getHazelcastInstance().getMap(ClusterNode.SESSIONS_MAP);
  }
}
