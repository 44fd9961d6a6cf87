package io.clusterchat.persistence;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.metrics.NodeHealth;
import io.clusterchat.persistence.impl.ShardDatabases;
import io.clusterchat.persistence.impl.ShardKeeper;
import io.clusterchat.persistence.impl.ShardLease;
import io.clusterchat.persistence.impl.StorePeers;
import io.clusterchat.persistence.impl.StoreVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * A persistence node: one of the processes that talk to the database. {@link #deploy} opens the connection pools
 * of the shard map's databases, migrates their schema (off the event loop) and deploys the {@link StoreVerticle}
 * that serves the {@link io.clusterchat.bus.StoreService} addresses; its {@link ShardKeeper} takes this node's
 * share of the shards' leases. {@link #close} hands them on, undeploys and closes the pools. While it runs, the
 * node's readiness ({@link NodeHealth}) includes the {@value #DATABASE_CHECK} check: every database answers.
 */
public final class PersistenceNode {

  /** The name of the database check in {@link NodeHealth}. */
  public static final String DATABASE_CHECK = "database";

  private final Vertx vertx;
  private final PersistenceOptions options;
  private final ShardDatabases database;
  private final StoreVerticle verticle;
  private final String deploymentId;
  /** The database check under way, shared by overlapping probes so a dead database ties up one worker only. */
  private Future<Void> ping;

  private PersistenceNode(Vertx vertx, PersistenceOptions options, ShardDatabases database,
                          StoreVerticle verticle, String deploymentId) {
    this.vertx = vertx;
    this.options = options;
    this.database = database;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
  }

  /**
   * A persistence-node of a cluster: it shares the shards with the other persistence-nodes it sees, and takes
   * over theirs when they die.
   */
  public static Future<PersistenceNode> deploy(ClusterNode node, PersistenceOptions options) {
    return deploy(node.vertx(), options, StorePeers.of(node.view()));
  }

  /**
   * A persistence-node that sees no other (a single node, tests, benchmarks): it takes every shard no live node
   * holds.
   */
  public static Future<PersistenceNode> deploy(Vertx vertx, PersistenceOptions options) {
    return deploy(vertx, options, StorePeers.alone());
  }

  private static Future<PersistenceNode> deploy(Vertx vertx, PersistenceOptions options, StorePeers peers) {
    PersistenceOptions own = new PersistenceOptions(options);
    return vertx.executeBlocking(() -> ShardDatabases.open(own))
        .compose(databases -> {
          StoreVerticle verticle = new StoreVerticle(own, databases, peers);
          return vertx.deployVerticle(verticle)
              .map(id -> new PersistenceNode(vertx, own, databases, verticle, id).registerHealthCheck())
              .recover(failure -> closeDatabase(vertx, databases)
                  .transform(closed -> Future.failedFuture(failure)));
        });
  }

  /** The shards whose lease this node holds now, ascending. */
  public List<Integer> heldShards() {
    return verticle.keeper().held().stream().map(ShardLease::shard).sorted().toList();
  }

  public PersistenceOptions options() {
    return options;
  }

  /**
   * Stops serving (appends still queued fail 503) and closes the database. Call it before closing Vert.x:
   * undeploying the verticle alone leaves the pool open.
   */
  public Future<Void> close() {
    NodeHealth.of(vertx).unregister(DATABASE_CHECK);
    return vertx.undeploy(deploymentId).eventually(() -> closeDatabase(vertx, database));
  }

  private PersistenceNode registerHealthCheck() {
    NodeHealth.of(vertx).register(DATABASE_CHECK, this::checkDatabase);
    return this;
  }

  /** Called on an event loop by the health endpoint; the query itself runs on a worker. */
  private synchronized Future<Void> checkDatabase() {
    if (ping == null || ping.isComplete()) {
      ping = vertx.executeBlocking(() -> {
        database.ping();
        return null;
      }, false);
    }
    return ping;
  }

  private static Future<Void> closeDatabase(Vertx vertx, ShardDatabases database) {
    return vertx.executeBlocking(() -> {
      database.close();
      return null;
    });
  }
}
