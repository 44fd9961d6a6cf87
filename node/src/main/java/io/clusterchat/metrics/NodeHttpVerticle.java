package io.clusterchat.metrics;

import io.clusterchat.http.HttpHardening;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's operations endpoint, separate from any client or API port: {@code GET /metrics} (Prometheus text of
 * {@link NodeMetrics}) and {@code GET /health} (readiness from {@link NodeHealth}: 200 UP or 503 DOWN).
 */
public class NodeHttpVerticle extends VerticleBase {

  public static final String METRICS_PATH = "/metrics";
  public static final String HEALTH_PATH = "/health";
  /** What Prometheus expects of the text exposition format. */
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(NodeHttpVerticle.class);
  private static final String JSON = "application/json";
  private static final int OK = 200;
  private static final int NOT_FOUND = 404;
  private static final int METHOD_NOT_ALLOWED = 405;
  private static final int UNAVAILABLE = 503;

  private final NodeHttpOptions options;
  private HttpServer server;

  public NodeHttpVerticle(NodeHttpOptions options) {
    this.options = new NodeHttpOptions(options);
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.getHost()).setPort(options.getPort()));
    server.requestHandler(HttpHardening.guard(this::handle));
    return server.listen().onSuccess(s -> LOG.debug("metrics and health on {}:{}", options.getHost(),
        s.actualPort()));
  }

  /** The port actually bound (the configured one, or the free one picked for 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    if (!METRICS_PATH.equals(path) && !HEALTH_PATH.equals(path)) {
      request.response().setStatusCode(NOT_FOUND).end();
    } else if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().setStatusCode(METHOD_NOT_ALLOWED).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
    } else if (METRICS_PATH.equals(path)) {
      metrics(request);
    } else {
      health(request);
    }
  }

  private void metrics(HttpServerRequest request) {
    NodeMetrics metrics = NodeMetrics.of(vertx);
    // Rendering every series is CPU work that grows with the number of meters: keep it off the event loop.
    vertx.executeBlocking(metrics::scrape, false).onComplete(text -> {
      if (text.succeeded()) {
        request.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE).end(text.result());
      } else {
        LOG.warn("metrics scrape failed", text.cause());
        request.response().setStatusCode(UNAVAILABLE).end();
      }
    });
  }

  private void health(HttpServerRequest request) {
    NodeHealth.of(vertx).check().onComplete(done -> {
      JsonObject report = done.result();
      request.response()
          .setStatusCode("UP".equals(report.getString("status")) ? OK : UNAVAILABLE)
          .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(report.encode());
    });
  }
}
