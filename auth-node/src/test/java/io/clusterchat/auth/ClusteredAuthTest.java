package io.clusterchat.auth;

import static io.clusterchat.auth.AuthServiceTest.expectFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.AuthService;
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

  private static ClusterNode dataNode;
  private static PersistenceNode store;
  private static ClusterNode authNode;

  @BeforeAll
  static void startCluster() throws Exception {
    TestClusters cluster = new TestClusters();
    // The coordinator role is a data member: the lite members need one for the event bus's subscription map.
    // Started one after the other from the test thread, not from a callback on the first node's context.
    dataNode = await(ClusterNode.start(cluster.node("coord-1", NodeRole.COORDINATOR, "bj", true)));
    store = await(PersistenceNode.deploy(dataNode.vertx(),
        new PersistenceOptions().setDataDir(Files.createTempDirectory("auth-store").toString())));
    authNode = await(ClusterNode.start(cluster.node("auth-1", NodeRole.AUTH_NODE, "bj", false)));
    await(AuthNode.deploy(authNode.vertx(), AuthServiceTest.options()));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    // Lite member first, the data member last: the cluster stays safe while nodes leave.
    if (authNode != null) {
      authNode.closeAndWait(CLOSE_TIMEOUT_MILLIS);
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
