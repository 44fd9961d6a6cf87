package io.clusterchat.coordinator.impl;

import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;

/**
 * A coordinator's soft state built from reports that a kind of node publishes every second: takes each report,
 * forgets a node at once when it leaves the cluster, and sweeps out every second the ones that stopped reporting.
 */
abstract class ReportKeeperVerticle extends VerticleBase {

  private static final long SWEEP_MILLIS = 1_000;

  protected final ClusterNode node;
  private final String address;
  private MessageConsumer<JsonObject> consumer;
  private long sweepTimer = -1;

  protected ReportKeeperVerticle(ClusterNode node, String address) {
    this.node = node;
    this.address = address;
  }

  @Override
  public Future<?> start() {
    node.view().onLeave(this::left);
    consumer = vertx.eventBus().consumer(address, message -> report(message.body()));
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return consumer.unregister();
  }

  /** A report arrived (on the verticle's event loop); it may be null or of any shape. */
  protected abstract void report(JsonObject report);

  /** A member left the cluster. Runs on a Hazelcast event thread: the state must be thread-safe. */
  protected abstract void left(ClusterMember member);

  /** Drops the nodes whose reports stopped. */
  protected abstract void sweep();

  /** Whether a member of the cluster now matches: a report of a node that already left must not bring it back. */
  protected boolean hasMember(Predicate<ClusterMember> which) {
    return node.view().members().stream().anyMatch(which);
  }
}
