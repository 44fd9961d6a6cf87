package io.clusterchat.persistence;

import io.clusterchat.persistence.impl.StoreVerticle;
import io.clusterchat.metrics.NodeHealth;
import io.clusterchat.persistence.impl.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A persistence node: the only process that talks to the database. {@link #deploy} opens the connection pool,
 * migrates the schema (off the event loop) and deploys the {@link StoreVerticle} that serves the
 * {@link io.clusterchat.bus.StoreService} addresses; {@link #close} undeploys it and closes the pool. While it
 * runs, the node's readiness ({@link NodeHealth}) includes the {@value #DATABASE_CHECK} check: the database answers.
 */
public final class PersistenceNode {

  /** The name of the database check in {@link NodeHealth}. */
  public static final String DATABASE_CHECK = "database";

  private final Vertx vertx;
  private final PersistenceOptions options;
  private final Database database;
  private final String deploymentId;
  /** The database check under way, shared by overlapping probes so a dead database ties up one worker only. */
  private Future<Void> ping;

  private PersistenceNode(Vertx vertx, PersistenceOptions options, Database database, String deploymentId) {
    this.vertx = vertx;
    this.options = options;
    this.database = database;
    this.deploymentId = deploymentId;
  }

  /** Opens and migrates the database, then serves the store's addresses on {@code vertx}'s event bus. */
  public static Future<PersistenceNode> deploy(Vertx vertx, PersistenceOptions options) {
    PersistenceOptions own = new PersistenceOptions(options);
    return vertx.executeBlocking(() -> Database.open(own))
        .compose(database -> vertx.deployVerticle(new StoreVerticle(own, database))
            .map(id -> new PersistenceNode(vertx, own, database, id).registerHealthCheck())
            .recover(failure -> closeDatabase(vertx, database).transform(closed -> Future.failedFuture(failure))));
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

  private static Future<Void> closeDatabase(Vertx vertx, Database database) {
    return vertx.executeBlocking(() -> {
      database.close();
      return null;
    });
  }
}
