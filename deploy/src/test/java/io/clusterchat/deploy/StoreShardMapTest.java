package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.coordinator.Coordinator;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.session.SessionStore;
import io.clusterchat.session.SessionStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's shard map ({@code "store"} of {@code GET /api/cluster}) from the reports of real
 * persistence-nodes over a real Hazelcast cluster (one JVM, one H2 file): both nodes and every shard's owner show
 * up, a shard written to shows its commits, and a node that leaves the cluster is gone from the map at once, long
 * before its last report would expire.
 */
class StoreShardMapTest {

  private static final String ADMIN_TOKEN = "store-shard-map-test-token";
  private static final long TIMEOUT_SECONDS = 60;
  private static final int SHARDS = 16;
  /** Far beyond the test's waits: a node that disappears from the map can only have gone by its leave event. */
  private static final long REPORT_EXPIRY_MILLIS = 120_000;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

  @TempDir
  Path dataDir;

  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Coordinator coordinator;

  @AfterEach
  void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }

  @Test
  void reportsReachTheApiAndALeftNodesShardsDisappear() throws Exception {
    ClusterNode data = start("session-store-1", NodeRole.SESSION_STORE, true);
    await(SessionStore.deploy(data, new SessionStoreOptions()));
    coordinator = await(Coordinator.deploy(start("coordinator", NodeRole.COORDINATOR, false), new CoordinatorOptions()
        .setHttpHost(TestClusters.HOST).setHttpPort(0).setAdminToken(ADMIN_TOKEN)
        .setReportExpiryMillis(REPORT_EXPIRY_MILLIS)));
    ClusterNode first = start("persistence-1", NodeRole.PERSISTENCE_NODE, false);
    await(PersistenceNode.deploy(first, options()));
    ClusterNode second = start("persistence-2", NodeRole.PERSISTENCE_NODE, false);
    PersistenceNode store2 = await(PersistenceNode.deploy(second, options()));

    JsonObject both = awaitStore(store -> owners(store).equals(Set.of("persistence-1", "persistence-2"))
        && unowned(store) == 0 && storeNodes(store).size() == 2);
    assertThat(both.getInteger("shards")).isEqualTo(SHARDS);
    assertThat(both.getJsonArray("table")).hasSize(SHARDS);
    int counted = 0;
    for (Object node : both.getJsonArray("nodes")) {
      JsonObject described = (JsonObject) node;
      assertThat(described.getString("owned")).as("ranges of %s", described.getString("node")).isNotEmpty();
      assertThat(described.getJsonArray("databases")).hasSize(1);
      counted += described.getInteger("count");
    }
    assertThat(counted).as("every shard counted once").isEqualTo(SHARDS);

    // A shard written to shows its commits on its owner's next report.
    await(first.vertx().eventBus().request(StoreService.ACCOUNT_CREATE,
        new StoreService.AccountCreate("alice@bj", HASH).toJson()));
    await(first.vertx().eventBus().request(StoreService.ACCOUNT_CREATE,
        new StoreService.AccountCreate("bob@bj", HASH).toJson()));
    await(first.vertx().eventBus().request(StoreService.MESSAGE_APPEND,
        new StoreService.Append("alice@bj", "bob@bj", "hello", null).toJson()));
    int written = StoreService.shardOf("bob@bj", SHARDS);
    JsonObject afterAppend = awaitStore(store -> shard(store, written).getLong("commits", 0L) > 0);
    assertThat(shard(afterAppend, written).getLong("epoch")).isPositive();
    assertThat(shard(afterAppend, written).getDouble("commitMillisMax")).isNotNegative();

    await(store2.close());
    nodes.remove(second);
    second.closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    JsonObject one = awaitStore(store -> storeNodes(store).equals(List.of("persistence-1")));
    assertThat(owners(one)).doesNotContain("persistence-2");
    awaitStore(store -> owners(store).equals(Set.of("persistence-1")) && unowned(store) == 0);
  }

  private PersistenceOptions options() {
    return new PersistenceOptions().setDataDir(dataDir.toString()).setShards(SHARDS);
  }

  private ClusterNode start(String nodeId, NodeRole role, boolean seed) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, null, seed)));
    nodes.add(node);
    return node;
  }

  /** Polls {@code GET /api/cluster} until its {@code store} passes {@code test}. */
  private JsonObject awaitStore(Predicate<JsonObject> test) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create("http://" + TestClusters.HOST + ":" + coordinator.httpPort() + "/api/cluster"))
          .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET /api/cluster").isEqualTo(200);
      last = new JsonObject(response.body()).getJsonObject("store");
      if (test.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the coordinator's shard map did not get there within " + WAIT + "; last: " + last);
  }

  private static List<String> storeNodes(JsonObject store) {
    List<String> names = new ArrayList<>();
    store.getJsonArray("nodes").forEach(node -> names.add(((JsonObject) node).getString("node")));
    return names;
  }

  private static Set<String> owners(JsonObject store) {
    Set<String> owners = new HashSet<>();
    for (Object row : store.getJsonArray("table")) {
      String node = ((JsonObject) row).getString("node");
      if (node != null) {
        owners.add(node);
      }
    }
    return owners;
  }

  private static long unowned(JsonObject store) {
    JsonArray table = store.getJsonArray("table");
    return table.stream().filter(row -> ((JsonObject) row).getValue("node") == null).count()
        + Math.max(0, SHARDS - table.size());
  }

  private static JsonObject shard(JsonObject store, int shard) {
    JsonArray table = store.getJsonArray("table");
    return shard < table.size() ? table.getJsonObject(shard) : new JsonObject();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
