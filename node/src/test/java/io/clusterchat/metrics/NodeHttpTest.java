package io.clusterchat.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.http.RawHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real clustered node serving /metrics and /health over a real socket. */
class NodeHttpTest {

  private static final long TIMEOUT_SECONDS = 60;
  private static ClusterNode node;
  private static int port;

  @BeforeAll
  static void startNode() throws Exception {
    TestClusters cluster = new TestClusters();
    node = await(ClusterNode.start(cluster.node("ss-metrics-1", NodeRole.SESSION_STORE, null, true)));
    NodeHttpVerticle http = new NodeHttpVerticle(new NodeHttpOptions().setHost(TestClusters.HOST));
    await(node.vertx().deployVerticle(http));
    port = http.actualPort();
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }

  @Test
  void metricsAreWellFormedPrometheusTextWithVertxAndOwnSeriesTaggedWithTheNode() throws Exception {
    NodeMetrics.of(node.vertx()).registry().counter("clusterchat.test.things").increment(3);
    node.vertx().eventBus().consumer("test.echo", message -> message.reply(message.body()));
    await(node.vertx().eventBus().request("test.echo", "hi"));

    Map<String, Double> samples = MetricsProbe.scrape(port);

    assertThat(MetricsProbe.sum(samples, "clusterchat_test_things_total",
        "node=\"ss-metrics-1\"", "role=\"session-store\"")).isEqualTo(3.0);
    assertThat(samples.keySet()).anyMatch(series -> series.startsWith("vertx_eventbus_"));
    assertThat(MetricsProbe.sum(samples, "vertx_eventbus_processed_total", "address=\"test.echo\""))
        .isGreaterThanOrEqualTo(1.0);
    assertThat(samples.keySet()).anyMatch(series -> series.startsWith("jvm_memory_used_bytes"));
  }

  @Test
  void healthIsUpOnAClusterMemberAndDownWhenACheckFails() {
    HttpResponse<String> up = MetricsProbe.get(port, NodeHttpVerticle.HEALTH_PATH);
    assertThat(up.statusCode()).isEqualTo(200);
    JsonObject report = new JsonObject(up.body());
    assertThat(report.getString("status")).isEqualTo("UP");
    assertThat(report.getString("node")).isEqualTo("ss-metrics-1");
    assertThat(report.getJsonObject("checks").getString(ClusterNode.CLUSTER_CHECK)).isEqualTo("UP");

    NodeHealth health = NodeHealth.of(node.vertx());
    health.register("database", () -> Future.failedFuture("connection refused"));
    try {
      HttpResponse<String> down = MetricsProbe.get(port, NodeHttpVerticle.HEALTH_PATH);
      assertThat(down.statusCode()).isEqualTo(503);
      JsonObject failed = new JsonObject(down.body());
      assertThat(failed.getString("status")).isEqualTo("DOWN");
      assertThat(failed.getString("reason")).isEqualTo("database: connection refused");
    } finally {
      health.unregister("database");
    }
    assertThat(MetricsProbe.get(port, NodeHttpVerticle.HEALTH_PATH).statusCode()).isEqualTo(200);
  }

  @Test
  void otherPathsAreNotFoundAndOnlyGetIsAllowed() {
    assertThat(MetricsProbe.get(port, "/").statusCode()).isEqualTo(404);
    assertThat(MetricsProbe.get(port, "/metrics/x").statusCode()).isEqualTo(404);
  }

  @Test
  void withoutClusterNodeMetricsFallBackToAPrivateRegistryAndNothingFails() throws Exception {
    Vertx plain = Vertx.vertx();
    try {
      NodeMetrics metrics = NodeMetrics.of(plain);
      assertThat(metrics.registry()).isInstanceOf(SimpleMeterRegistry.class);
      assertThat(NodeMetrics.of(plain)).isSameAs(metrics);
      assertThat(metrics.exposed()).isFalse();
      assertThat(metrics.scrape()).isEmpty();
      metrics.registry().counter("clusterchat.test.plain").increment();
      assertThat(metrics.registry().counter("clusterchat.test.plain").count()).isEqualTo(1.0);
      assertThat(NodeMetrics.of(node.vertx()).registry()).isNotSameAs(metrics.registry());
    } finally {
      await(plain.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Both Content-Length and Transfer-Encoding: refused, and the connection closed (RFC 9112, 6.1). */
  @Test
  void aRequestWithBothContentLengthAndTransferEncodingIs400AndTheConnectionCloses() throws Exception {
    RawHttp.Exchange exchange = RawHttp.send(TestClusters.HOST, port, RawHttp.smuggling(NodeHttpVerticle.HEALTH_PATH));

    assertThat(exchange.response()).startsWith("HTTP/1.1 400 ");
    assertThat(exchange.closed()).isTrue();
    // The GET pipelined behind it is never answered.
    assertThat(exchange.response().split("HTTP/1.1 ", -1)).hasSize(2);
  }

  @Test
  void responsesCarryTheSecurityHeaders() throws Exception {
    String response = RawHttp.send(TestClusters.HOST, port, RawHttp.get(NodeHttpVerticle.HEALTH_PATH)
        .replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")).response();

    assertThat(response).contains("X-Content-Type-Options: nosniff").contains("X-Frame-Options: DENY")
        .contains("Referrer-Policy: no-referrer").contains("frame-ancestors 'none'");
  }
}
