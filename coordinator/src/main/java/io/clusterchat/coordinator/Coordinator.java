package io.clusterchat.coordinator;

import io.clusterchat.cluster.ClusterNode;
import io.vertx.core.Future;

/** A coordinator node's verticles. */
public final class Coordinator {

  private final CoordinatorHttpVerticle http;

  private Coordinator(CoordinatorHttpVerticle http) {
    this.http = http;
  }

  public static Future<Coordinator> deploy(ClusterNode node, CoordinatorOptions options) {
    CoordinatorHttpVerticle http = new CoordinatorHttpVerticle(node, new CoordinatorOptions(options));
    return node.vertx().deployVerticle(http).map(id -> new Coordinator(http));
  }

  /** The HTTP port actually bound. */
  public int httpPort() {
    return http.actualPort();
  }
}
