package io.clusterchat.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.metrics.MetricsProbe;
import io.clusterchat.metrics.NodeHttpOptions;
import io.clusterchat.metrics.NodeHttpVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clustered persistence-node's {@code /metrics} (batch size, commit time) and {@code /health} (the database
 * answers) over real sockets, with an H2 TCP server behind a relay the test can cut.
 */
class PersistenceMetricsTest {

  private static final long TIMEOUT_SECONDS = 60;
  private static final int APPENDS = 20;
  private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

  @TempDir
  Path dataDir;
  private Server database;
  private ClusterNode seed;
  private ClusterNode node;
  private PersistenceNode store;
  private TcpProxy proxy;
  private int metricsPort;

  @BeforeEach
  void start() throws Exception {
    database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dataDir.toString()).start();
    TestClusters cluster = new TestClusters();
    // A data member: a cluster of lite members only has nowhere to keep the event bus's subscriptions.
    seed = await(ClusterNode.start(cluster.node("ss-seed-1", NodeRole.SESSION_STORE, null, true)));
    node = await(ClusterNode.start(cluster.node("persistence-1", NodeRole.PERSISTENCE_NODE, null, false)));
    proxy = await(new TcpProxy(node.vertx(), database.getPort()).start());
    store = await(PersistenceNode.deploy(node.vertx(), new PersistenceOptions()
        .setJdbcUrl("jdbc:h2:tcp://127.0.0.1:" + proxy.port() + "/clusterchat").setConnectTimeoutMillis(500)));
    NodeHttpVerticle http = new NodeHttpVerticle(new NodeHttpOptions().setHost(TestClusters.HOST));
    await(node.vertx().deployVerticle(http));
    metricsPort = http.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (store != null) {
      store.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    for (ClusterNode n : new ClusterNode[] {node, seed}) {
      if (n != null) {
        n.closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
      }
    }
    if (database != null) {
      database.stop();
    }
  }

  @Test
  void appendsShowBatchSizeAndCommitTime() throws Exception {
    request(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", "alice@t").put("hash", HASH));
    request(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", "bob@t").put("hash", HASH));
    List<Future<Message<JsonObject>>> appends = new ArrayList<>();
    for (int i = 0; i < APPENDS; i++) {
      appends.add(node.vertx().eventBus().request(StoreService.MESSAGE_APPEND,
          new JsonObject().put("from", "alice@t").put("to", "bob@t").put("text", "m" + i)));
    }
    await(Future.all(appends));

    Map<String, Double> samples = MetricsProbe.scrape(metricsPort);
    double batches = MetricsProbe.sum(samples, "clusterchat_store_batch_size_appends_count",
        "node=\"persistence-1\"", "role=\"persistence-node\"");
    assertThat(batches).isBetween(1.0, (double) APPENDS);
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_batch_size_appends_sum")).isEqualTo(APPENDS);
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_commit_seconds_count")).isEqualTo(batches);
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_commit_seconds_sum")).isPositive();
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_batch_failures_total")).isZero();
  }

  /** The only persistence-node owns every shard; its gauges and the written shard's commit timer say so. */
  @Test
  void appendsShowPerShardOwnerEpochQueueAndCommitTime() throws Exception {
    request(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", "carol@t").put("hash", HASH));
    request(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", "dave@t").put("hash", HASH));
    List<Future<Message<JsonObject>>> appends = new ArrayList<>();
    for (int i = 0; i < APPENDS; i++) {
      appends.add(node.vertx().eventBus().request(StoreService.MESSAGE_APPEND,
          new JsonObject().put("from", "carol@t").put("to", "dave@t").put("text", "m" + i)));
    }
    await(Future.all(appends));
    StoreService.Owners owners = StoreService.Owners.fromJson(request(StoreService.OWNERS, new JsonObject()));
    String written = shardLabel(StoreService.shardOf("dave@t", owners.shards()));
    String other = shardLabel((StoreService.shardOf("dave@t", owners.shards()) + 1) % owners.shards());

    Map<String, Double> samples = MetricsProbe.scrape(metricsPort);
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_shard_owned", "node=\"persistence-1\""))
        .as("owns every shard").isEqualTo(owners.shards());
    for (StoreService.OwnerChanged owner : owners.owners()) {
      assertThat(MetricsProbe.sum(samples, "clusterchat_store_shard_epoch", shardLabel(owner.shard())))
          .as("epoch of shard %d", owner.shard()).isEqualTo(owner.epoch()).isPositive();
    }
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_shard_queue")).as("every append answered").isZero();
    double batches = MetricsProbe.sum(samples, "clusterchat_store_batch_size_appends_count");
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_shard_commit_seconds_count", written))
        .as("every batch wrote into the recipient's shard alone").isEqualTo(batches).isPositive();
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_shard_commit_seconds_sum", written)).isPositive();
    assertThat(MetricsProbe.sum(samples, "clusterchat_store_shard_commit_seconds_count", other)).isZero();
  }

  @Test
  void healthIsUpWhileTheDatabaseAnswersAndDownWhenItIsGone() throws Exception {
    HttpResponse<String> up = MetricsProbe.get(metricsPort, NodeHttpVerticle.HEALTH_PATH);
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(up.body()).getJsonObject("checks").getString(PersistenceNode.DATABASE_CHECK))
        .isEqualTo("UP");

    await(proxy.stop());
    HttpResponse<String> down = MetricsProbe.get(metricsPort, NodeHttpVerticle.HEALTH_PATH);
    assertThat(down.statusCode()).isEqualTo(503);
    JsonObject report = new JsonObject(down.body());
    assertThat(report.getString("status")).isEqualTo("DOWN");
    assertThat(report.getString("reason")).startsWith(PersistenceNode.DATABASE_CHECK + ": ");
    assertThat(report.getJsonObject("checks").getString(ClusterNode.CLUSTER_CHECK)).isEqualTo("UP");

    await(proxy.start());
    assertThat(MetricsProbe.get(metricsPort, NodeHttpVerticle.HEALTH_PATH).statusCode()).isEqualTo(200);
  }

  private static String shardLabel(int shard) {
    return "shard=\"" + shard + "\"";
  }

  private JsonObject request(String address, JsonObject body) throws Exception {
    return await(node.vertx().eventBus().<JsonObject>request(address, body)).body();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
