package io.clusterchat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.metrics.MetricsProbe;
import io.clusterchat.metrics.NodeHttpOptions;
import io.clusterchat.metrics.NodeHttpVerticle;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A clustered gateway node's {@code /metrics} after real client traffic: frames in and out, requests by command,
 * errors by code and the connection gauge move as the client talks.
 */
class GatewayMetricsTest {

  private static final long TIMEOUT_SECONDS = 60;
  private static final String NODE = "node=\"" + TestGateways.NODE_ID + "\"";
  private static ClusterNode seed;
  private static ClusterNode node;
  private static Gateway gateway;
  private static int metricsPort;

  @BeforeAll
  static void start() throws Exception {
    TestClusters cluster = new TestClusters();
    // A data member: a cluster of lite members only has nowhere to keep the event bus's subscriptions.
    seed = await(ClusterNode.start(cluster.node("ss-seed-1", NodeRole.SESSION_STORE, null, true)));
    node = await(ClusterNode.start(cluster.node(TestGateways.NODE_ID, NodeRole.GATEWAY, TestGateways.REGION,
        false)));
    gateway = await(Gateway.deploy(node, TestGateways.options()));
    NodeHttpVerticle http = new NodeHttpVerticle(new NodeHttpOptions().setHost(TestClusters.HOST));
    await(node.vertx().deployVerticle(http));
    metricsPort = http.actualPort();
  }

  @AfterAll
  static void stop() {
    for (ClusterNode n : new ClusterNode[] {node, seed}) {
      if (n != null) {
        n.closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
      }
    }
  }

  @Test
  void framesRequestsErrorsAndConnectionsAreCounted() throws Exception {
    Map<String, Double> before = MetricsProbe.scrape(metricsPort);
    LineClient client = await(LineClient.greeted(node.vertx(), gateway.port()));
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(await(client.request("PING " + i))).isEqualTo("PONG " + i);
      }
      await(client.send(Buffer.buffer(new byte[] {'P', 'I', 'N', 'G', ' ', (byte) 0xff, '\n'})));
      assertThat(await(client.next())).startsWith("ERR 400");
      assertThat(await(client.request("FROB"))).startsWith("ERR 400");

      Map<String, Double> during = MetricsProbe.scrape(metricsPort);
      assertThat(delta(before, during, "clusterchat_gateway_frames_in_total")).isEqualTo(5.0);
      // HELLO, three PONGs, two ERRs.
      assertThat(delta(before, during, "clusterchat_gateway_frames_out_total")).isEqualTo(6.0);
      assertThat(delta(before, during, "clusterchat_gateway_requests_total", "command=\"PING\"")).isEqualTo(3.0);
      assertThat(delta(before, during, "clusterchat_gateway_errors_total", "code=\"400\"")).isEqualTo(2.0);
      assertThat(MetricsProbe.sum(during, "clusterchat_gateway_connections", NODE, "role=\"gateway\""))
          .isEqualTo(1.0);
      assertThat(MetricsProbe.has(during, "vertx_net_server_active_connections")).isTrue();
    } finally {
      await(client.request("QUIT"));
    }
    assertConnectionsDropTo(0.0);
  }

  @Test
  void aRequestWhoseBackEndIsMissingIsTimedByAddressAndCountedAs503() throws Exception {
    Map<String, Double> before = MetricsProbe.scrape(metricsPort);
    LineClient client = await(LineClient.greeted(node.vertx(), gateway.port()));
    try {
      // No auth-node in this cluster: the request fails at once (no handler), which the client sees as 503.
      assertThat(await(client.request("LOGIN alice s3cret-pass"))).startsWith("ERR 503");
    } finally {
      await(client.request("QUIT"));
    }
    Map<String, Double> after = MetricsProbe.scrape(metricsPort);
    assertThat(delta(before, after, "clusterchat_gateway_errors_total", "code=\"503\"")).isEqualTo(1.0);
    assertThat(delta(before, after, "clusterchat_bus_request_seconds_count", "address=\"auth.login\"",
        "outcome=\"failure\"")).isEqualTo(1.0);
  }

  private static void assertConnectionsDropTo(double expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    double connections;
    do {
      connections = MetricsProbe.sum(MetricsProbe.scrape(metricsPort), "clusterchat_gateway_connections");
      if (connections == expected) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertThat(connections).isEqualTo(expected);
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String name,
                              String... labels) {
    return MetricsProbe.sum(after, name, labels) - MetricsProbe.sum(before, name, labels);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
