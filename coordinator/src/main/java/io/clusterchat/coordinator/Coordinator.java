package io.clusterchat.coordinator;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.coordinator.impl.ClusterAdmin;
import io.clusterchat.coordinator.impl.CoordinatorBusVerticle;
import io.clusterchat.coordinator.impl.CoordinatorHttpVerticle;
import io.clusterchat.coordinator.impl.GatewayRegistry;
import io.clusterchat.coordinator.impl.GatewayRegistryVerticle;
import io.clusterchat.coordinator.impl.StoreShards;
import io.clusterchat.coordinator.impl.StoreShardsVerticle;
import io.vertx.core.Future;

/**
 * A coordinator node's verticles: the gateway registry ({@link GatewayRegistryVerticle}), the store's shard map
 * for the dashboard ({@link StoreShardsVerticle}), its part among the coordinators ({@link CoordinatorBusVerticle}:
 * drains run on the leading one) and the HTTP API. Any number of coordinators may run; each answers dispatch and the
 * admin API.
 */
public final class Coordinator {

  private final CoordinatorHttpVerticle http;

  private Coordinator(CoordinatorHttpVerticle http) {
    this.http = http;
  }

  /** Deploys the coordinator; fails at once (before binding anything) if the options lack the admin token. */
  public static Future<Coordinator> deploy(ClusterNode node, CoordinatorOptions options) {
    CoordinatorOptions own;
    try {
      own = new CoordinatorOptions(options).validate();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    GatewayRegistry registry = GatewayRegistry.create(own.getReportExpiryMillis());
    StoreShards shards = StoreShards.create(own.getReportExpiryMillis());
    ClusterAdmin admin = new ClusterAdmin(node, registry, shards, own);
    CoordinatorHttpVerticle http = new CoordinatorHttpVerticle(node, own, registry, admin);
    return node.vertx().deployVerticle(new GatewayRegistryVerticle(node, registry))
        .compose(id -> node.vertx().deployVerticle(new StoreShardsVerticle(node, shards)))
        .compose(id -> node.vertx().deployVerticle(new CoordinatorBusVerticle(node, registry, admin)))
        .compose(id -> node.vertx().deployVerticle(http))
        .map(id -> new Coordinator(http));
  }

  /** The HTTP port actually bound. */
  public int httpPort() {
    return http.actualPort();
  }
}
