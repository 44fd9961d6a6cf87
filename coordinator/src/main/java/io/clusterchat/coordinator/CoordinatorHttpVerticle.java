package io.clusterchat.coordinator;

import io.clusterchat.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The coordinator's HTTP API. For now: {@code GET /health}. */
public class CoordinatorHttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorHttpVerticle.class);
  private static final int OK = 200;
  private static final int UNAVAILABLE = 503;

  private final ClusterNode node;
  private final CoordinatorOptions options;
  private HttpServer server;

  public CoordinatorHttpVerticle(ClusterNode node, CoordinatorOptions options) {
    this.node = node;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    server = vertx.createHttpServer();
    return server.requestHandler(router)
        .listen(options.getHttpPort(), options.getHttpHost())
        .onSuccess(s -> LOG.info("coordinator HTTP API on {}:{}", options.getHttpHost(), s.actualPort()));
  }

  /** Ready when this node is an active cluster member. */
  private void health(RoutingContext routing) {
    boolean joined = node.clusterManager().isActive();
    JsonObject body = new JsonObject()
        .put("status", joined ? "UP" : "DOWN")
        .put("node", node.options().getNodeId())
        .put("role", node.options().getRole().wireName())
        .put("members", joined ? node.view().members().size() : 0);
    routing.response()
        .setStatusCode(joined ? OK : UNAVAILABLE)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
