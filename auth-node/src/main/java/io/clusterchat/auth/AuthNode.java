package io.clusterchat.auth;

import com.hazelcast.core.HazelcastInstance;
import io.clusterchat.auth.impl.AuthVerticle;
import io.clusterchat.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * An auth-node: one {@link AuthVerticle} serving the {@link io.clusterchat.bus.AuthService} addresses. It keeps no
 * accounts of its own (they live in the persistence-node) and keeps its login-attempt counters in the cluster
 * ({@link io.clusterchat.cluster.ClusterCounters}), so any number of auth-nodes can run side by side, all with the same
 * token keys, and the limits hold across them.
 */
public final class AuthNode {

  private final Vertx vertx;
  private final AuthOptions options;
  private final String deploymentId;

  private AuthNode(Vertx vertx, AuthOptions options, String deploymentId) {
    this.vertx = vertx;
    this.options = options;
    this.deploymentId = deploymentId;
  }

  /**
   * Deploys the auth verticle on the node's Vert.x, counting login attempts in the node's cluster; a read of the
   * store that a dying persistence-node took along is sent again when the node leaves.
   */
  public static Future<AuthNode> deploy(ClusterNode node, AuthOptions options) {
    AuthOptions own;
    try {
      own = new AuthOptions(options).validate();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    AuthVerticle verticle = new AuthVerticle(own, node.clusterManager().getHazelcastInstance());
    node.view().onLeave(member -> verticle.nodeLeft(member.role()));
    return node.vertx().deployVerticle(verticle).map(id -> new AuthNode(node.vertx(), own, id));
  }

  /**
   * Deploys the auth verticle on {@code vertx}, with its login-attempt counters in {@code hazelcast}; completes once
   * its addresses are registered. Fails with an {@link IllegalArgumentException} for options that do not validate
   * (no token keys).
   */
  public static Future<AuthNode> deploy(Vertx vertx, HazelcastInstance hazelcast, AuthOptions options) {
    AuthOptions own;
    try {
      own = new AuthOptions(options).validate();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(new AuthVerticle(own, hazelcast)).map(id -> new AuthNode(vertx, own, id));
  }

  /** A copy of the options this node runs with. */
  public AuthOptions options() {
    return new AuthOptions(options);
  }

  /** Stops serving: the addresses are unregistered and the hashing pool released. */
  public Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }
}
