package io.clusterchat.deploy;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.ClusterOptions;
import io.clusterchat.cluster.NodeStatusVerticle;
import io.clusterchat.metrics.NodeHealth;
import io.clusterchat.metrics.NodeHttpOptions;
import io.clusterchat.metrics.NodeHttpVerticle;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one node: joins the cluster, deploys the status service, the role's verticles and (with
 * {@code --metrics-port}) the {@code /metrics} and {@code /health} endpoint, and leaves the cluster gracefully on
 * SIGTERM (health turns DOWN first, then the role's verticles stop: gateways say {@code BYE shutdown}).
 */
final class NodeRunner {

  /** Exit code when the node could not start (flags were fine). */
  static final int START_FAILED = 1;

  private static final Logger LOG = LoggerFactory.getLogger(NodeRunner.class);
  private static final long START_TIMEOUT_SECONDS = 120;
  /** On top of the role's own grace (a gateway's shutdown grace) for leaving the cluster. */
  private static final long LEAVE_MILLIS = 15_000;

  private NodeRunner() {
  }

  /**
   * Starts the node and returns once it is ready; the JVM then lives on in the node's threads.
   *
   * @param graceMillis how long the role needs to stop gracefully
   * @return 0 once ready, {@link #START_FAILED} if it could not start
   */
  static int run(ClusterOptions options, long graceMillis, Function<ClusterNode, Future<?>> deployRole) {
    LogSettings.identify(options);
    ClusterNode node;
    try {
      node = ClusterNode.start(options).toCompletionStage().toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("node {} could not join the cluster: {}", options.describe(), rootMessage(e), e);
      return START_FAILED;
    }
    try {
      node.vertx().deployVerticle(new NodeStatusVerticle(node))
          .compose(id -> deployRole.apply(node))
          // Last, so that a node whose /health answers has its role running.
          .compose(role -> deployHttp(node, options.getMetrics()))
          .toCompletionStage().toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("node {} could not start: {}", options.describe(), rootMessage(e), e);
      node.closeAndWait(LEAVE_MILLIS);
      return START_FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // A load balancer or orchestrator polling /health stops sending traffic while the role winds down.
      NodeHealth.of(node.vertx()).markDown("shutting down");
      node.closeAndWait(graceMillis + LEAVE_MILLIS);
    }, "clusterchat-shutdown"));
    LOG.info("node {} ready", options.describe());
    return 0;
  }

  /**
   * Serves {@code /metrics} and {@code /health} on {@code http} (nothing when null); completes with the port bound,
   * or 0 for none.
   */
  static Future<Integer> deployHttp(ClusterNode node, NodeHttpOptions http) {
    if (http == null) {
      return Future.succeededFuture(0);
    }
    NodeHttpVerticle verticle = new NodeHttpVerticle(http);
    return node.vertx().deployVerticle(verticle).map(id -> {
      int port = verticle.actualPort();
      LOG.info("node {} metrics on http://{}:{}{} and health on {}", node.options().describe(),
          displayHost(http.getHost(), node.options().getHost()), port, NodeHttpVerticle.METRICS_PATH,
          NodeHttpVerticle.HEALTH_PATH);
      return port;
    });
  }

  /** A scrape URL an operator can paste: the wildcard address is shown as the node's cluster host. */
  private static String displayHost(String bound, String clusterHost) {
    return "0.0.0.0".equals(bound) || "::".equals(bound) ? clusterHost : bound;
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
