package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.SessionService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.gateway.Gateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's ghost sessions: the session registry converges on the truth of the gateways' connections within
 * seconds, whatever was lost with a session-store: an unbind that could not be delivered is reasserted until the
 * registry holds it, and a gateway tells the registry its sessions again when a data member leaves.
 */
class SessionTruthTest {

  private static final String PW = "s3cret-pass";
  private static final long CONVERGE_MILLIS = 20_000;
  private static final long POLL_MILLIS = 250;
  private static final long SLOW_TIMEOUT = 20_000;
  private static final int WHOS = 6;

  private TestChatCluster cluster;
  /** A data member with no services: holds the cluster's maps while session-stores come and go. */
  private ClusterNode keeper;

  @BeforeEach
  void start(@TempDir Path dataDir) throws Exception {
    cluster = new TestChatCluster(dataDir).start();
    keeper = cluster.startDataMember("keeper-1", cluster.sessionStore, false);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** kill -9 of the session-store, a user QUITs meanwhile, a session-store is back: WHO shows the user offline. */
  @Test
  void aQuitWhileNoSessionStoreAnswersLeavesNoGhost() throws Exception {
    try (LineClient alice = new LineClient(cluster.bj.port()); LineClient bob = new LineClient(cluster.sh.port())) {
      alice.registerAndLogin("alice", PW);
      bob.registerAndLogin("bob", PW);
      assertThat(bob.call("WHO alice@bj")).isEqualTo("OK WHO alice@bj online bj");
      cluster.crash(cluster.sessionStore);
      assertThat(alice.call("QUIT")).isEqualTo("OK QUIT");
      cluster.startDataMember("session-store-2", keeper, true);
      assertEventually(bob, "WHO alice@bj", "OK WHO alice@bj offline");
    }
  }

  /** A session the registry lost (a bind gone with a dying member) is told again once a data member leaves. */
  @Test
  void aLostSessionIsToldAgainWhenADataMemberLeaves() throws Exception {
    try (LineClient alice = new LineClient(cluster.bj.port()); LineClient bob = new LineClient(cluster.sh.port())) {
      alice.registerAndLogin("alice", PW);
      bob.registerAndLogin("bob", PW);
      keeper.clusterManager().getHazelcastInstance().getMap(ClusterNode.SESSIONS_MAP).delete("alice@bj");
      assertThat(bob.call("WHO alice@bj")).isEqualTo("OK WHO alice@bj offline");
      long before = cluster.bj.sessionsReasserted();
      cluster.crash(keeper);
      assertEventually(bob, "WHO alice@bj", "OK WHO alice@bj online bj");
      // The gateway counts a reassert when the store's reply reaches it, which may be just after WHO sees its effect.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_MILLIS);
      while (cluster.bj.sessionsReasserted() <= before && System.nanoTime() < deadline) {
        Thread.sleep(POLL_MILLIS);
      }
      assertThat(cluster.bj.sessionsReasserted()).isGreaterThan(before);
      assertThat(bob.call("SEND alice@bj still there?")).startsWith("OK SEND ");
      assertThat(alice.readMsg().text()).isEqualTo("still there?");
    }
  }

  /**
   * A request a node took just before it died is sent again as soon as the node is gone, not left to time out:
   * WHOs half of which go to a session-store that never answers are all answered once it dies, with a gateway whose
   * own timeout (20 s) would otherwise have made them {@code ERR 503}.
   */
  @Test
  void requestsHeldByANodeThatDiesAreSentAgain() throws Exception {
    Gateway gateway = cluster.startGateway("gw-bj-9", "bj", options -> options.setRequestTimeoutMillis(SLOW_TIMEOUT));
    ClusterNode sink = cluster.startDataMember("sink-1", keeper, false);
    TestChatCluster.await(sink.vertx().eventBus().consumer(SessionService.LOOKUP, message -> { }).completion());
    List<LineClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < WHOS; i++) {
        LineClient client = new LineClient(gateway.port());
        client.registerAndLogin("who" + i, PW);
        clients.add(client);
      }
      for (LineClient client : clients) {
        client.send("WHO who0@bj");
      }
      Thread.sleep(POLL_MILLIS);
      cluster.crash(sink);
      for (LineClient client : clients) {
        assertThat(client.read()).isEqualTo("OK WHO who0@bj online bj");
      }
    } finally {
      for (LineClient client : clients) {
        client.close();
      }
    }
  }

  private static void assertEventually(LineClient client, String request, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_MILLIS);
    String reply = client.call(request);
    while (!expected.equals(reply) && System.nanoTime() < deadline) {
      Thread.sleep(POLL_MILLIS);
      reply = client.call(request);
    }
    assertThat(reply).as(request + " within " + CONVERGE_MILLIS + " ms").isEqualTo(expected);
  }
}
