package io.clusterchat.auth;

import static io.clusterchat.auth.AuthServiceTest.expectFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.AuthService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The auth-node on a node of its own in a real Hazelcast cluster, asked from another node that also holds the store:
 * replies and failure codes must cross the clustered event bus unchanged.
 */
@ExtendWith(VertxExtension.class)
class ClusteredAuthTest {

  private static final long START_TIMEOUT_MILLIS = 60_000;
  private static final long CLOSE_TIMEOUT_MILLIS = 20_000;
  private static final long REQUEST_TIMEOUT_MILLIS = 10_000;
  private static final String PASSWORD = "s3cret-enough";
  private static final String GUESSER = "198.51.100.7";
  private static final String REGISTRAR = "198.51.100.50";
  /** Time for a new subscription to reach every node's view of the event bus. */
  private static final long SUBSCRIPTION_SPREAD_MILLIS = 500;
  private static final int LOGINS_OVER_A_DYING_STORE = 6;

  private static TestClusters cluster;
  private static ClusterNode dataNode;
  private static PersistenceNode store;
  private static ClusterNode authNode;
  private static ClusterNode secondAuthNode;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new TestClusters();
    // The coordinator role is a data member: the lite members need one for the event bus's subscription map.
    // Started one after the other from the test thread, not from a callback on the first node's context.
    dataNode = await(ClusterNode.start(cluster.node("coord-1", NodeRole.COORDINATOR, "bj", true)));
    store = await(PersistenceNode.deploy(dataNode.vertx(),
        new PersistenceOptions().setDataDir(Files.createTempDirectory("auth-store").toString())));
    authNode = await(ClusterNode.start(cluster.node("auth-1", NodeRole.AUTH_NODE, "bj", false)));
    await(AuthNode.deploy(authNode, options()));
    secondAuthNode = await(ClusterNode.start(cluster.node("auth-2", NodeRole.AUTH_NODE, "bj", false)));
    await(AuthNode.deploy(secondAuthNode, options()));
  }

  /**
   * The unit tests' options, with a store timeout well past the moment a test kills a store node: a read lost
   * with it must be answered by its resend, not turned into a 503 by the timeout.
   */
  private static AuthOptions options() {
    return AuthServiceTest.options().setStoreTimeoutMillis(REQUEST_TIMEOUT_MILLIS / 2);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    // Lite member first, the data member last: the cluster stays safe while nodes leave.
    for (ClusterNode node : new ClusterNode[] {secondAuthNode, authNode}) {
      if (node != null) {
        node.closeAndWait(CLOSE_TIMEOUT_MILLIS);
      }
    }
    if (store != null) {
      store.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
    if (dataNode != null) {
      dataNode.closeAndWait(CLOSE_TIMEOUT_MILLIS);
    }
  }

  @Test
  void registersLogsInAndResumesAcrossTheCluster(VertxTestContext ctx) {
    request(AuthService.REGISTER, new JsonObject().put("name", "carol").put("region", "bj").put("password", PASSWORD).put("client", "192.0.2.1"))
        .compose(v -> expectFailure(request(AuthService.REGISTER,
            new JsonObject().put("name", "carol").put("region", "bj").put("password", PASSWORD).put("client", "192.0.2.1")), 409,
            "name already registered"))
        .compose(v -> expectFailure(login("wrong password"), 401, "wrong name or password"))
        .compose(v -> login(PASSWORD))
        .compose(reply -> request(AuthService.RESUME, new JsonObject().put("token", reply.getString("token"))))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.getString("address")).isEqualTo("carol@bj");
          assertThat(reply.getString("token")).isNotBlank();
          ctx.completeNow();
        })));
  }

  /**
   * Issue 12: the failure counters are the cluster's, not each auth-node's. The requests alternate between the two
   * auth-nodes (the event bus round-robins), so with counters per node neither would see the guesser reach the
   * limit, and the right password from the guessing address would get in.
   */
  @Test
  void guessesSpreadOverTwoAuthNodesCountTogether(VertxTestContext ctx) {
    Future<Void> guesses = request(AuthService.REGISTER, registration("dave", "192.0.2.1")).mapEmpty();
    for (int i = 0; i < AuthServiceTest.USER_LIMIT; i++) {
      guesses = guesses.compose(v -> expectFailure(login("dave@bj", "wrong password", GUESSER), 401,
          "wrong name or password"));
    }
    guesses
        .compose(v -> expectFailure(login("dave@bj", PASSWORD, GUESSER), 429, "too many login attempts"))
        .compose(v -> login("dave@bj", PASSWORD, "192.0.2.200"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.getString("address")).isEqualTo("dave@bj");
          ctx.completeNow();
        })));
  }

  /** The registration limit per address holds across auth-nodes too. */
  @Test
  void registrationsSpreadOverTwoAuthNodesCountTogether(VertxTestContext ctx) {
    Future<Void> registrations = Future.succeededFuture();
    for (int i = 0; i < AuthOptions.DEFAULT_REGISTER_LIMIT; i++) {
      String name = "reg" + i;
      registrations = registrations.compose(v -> request(AuthService.REGISTER, registration(name, REGISTRAR)))
          .mapEmpty();
    }
    registrations
        .compose(v -> expectFailure(request(AuthService.REGISTER, registration("onetoomany", REGISTRAR)), 429,
            "too many registrations from this address"))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A LOGIN reads the account from the store; a read that a persistence-node took just before it died is sent again
   * to another when the node leaves, instead of failing at the store timeout (a 503 for the user).
   */
  @Test
  void aLoginWhoseAccountReadDiedWithItsNodeIsAnswered() throws Exception {
    await(request(AuthService.REGISTER, registration("erin", "192.0.2.1")));
    // A persistence-node that takes account reads and never answers them, like one that is about to die.
    ClusterNode dying = await(ClusterNode.start(cluster.node("persistence-dying", NodeRole.PERSISTENCE_NODE, null,
        false)));
    await(dying.vertx().eventBus().consumer(StoreService.ACCOUNT_GET, message -> { }).completion());
    Thread.sleep(SUBSCRIPTION_SPREAD_MILLIS);
    // The event bus takes turns between the real store and the dying one: some of these reach the dying one.
    List<Future<JsonObject>> logins = new ArrayList<>();
    for (int i = 0; i < LOGINS_OVER_A_DYING_STORE; i++) {
      logins.add(login("erin@bj", PASSWORD, "192.0.2.1"));
    }
    Thread.sleep(SUBSCRIPTION_SPREAD_MILLIS);
    dying.clusterManager().getHazelcastInstance().getLifecycleService().terminate();
    dying.vertx().close();
    for (Future<JsonObject> login : logins) {
      assertThat(await(login).getString("address")).isEqualTo("erin@bj");
    }
  }

  private static JsonObject registration(String name, String client) {
    return new JsonObject().put("name", name).put("region", "bj").put("password", PASSWORD).put("client", client);
  }

  private static Future<JsonObject> login(String user, String password, String client) {
    return request(AuthService.LOGIN, new JsonObject().put("user", user).put("password", password)
        .put("client", client));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static Future<JsonObject> login(String password) {
    return request(AuthService.LOGIN,
        new JsonObject().put("user", "carol@bj").put("password", password).put("client", "192.0.2.9"));
  }

  private static Future<JsonObject> request(String address, JsonObject body) {
    return dataNode.vertx().eventBus()
        .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS))
        .map(Message::body);
  }
}
