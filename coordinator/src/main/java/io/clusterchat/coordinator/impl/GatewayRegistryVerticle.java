package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.CoordinatorService;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the gateway registry: takes every gateway's load report, drops a gateway at once when its node leaves the
 * cluster, and sweeps out the ones that stopped reporting.
 */
public class GatewayRegistryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayRegistryVerticle.class);
  private static final long SWEEP_MILLIS = 1_000;

  private final ClusterNode node;
  private final GatewayRegistry registry;
  private MessageConsumer<JsonObject> consumer;
  private long sweepTimer = -1;

  public GatewayRegistryVerticle(ClusterNode node, GatewayRegistry registry) {
    this.node = node;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    node.view().onLeave(this::left);
    consumer = vertx.eventBus().consumer(CoordinatorService.GATEWAY_REPORT, message -> report(message.body()));
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> registry.sweep());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return consumer.unregister();
  }

  private void report(JsonObject report) {
    String gateway = report == null ? null : report.getString("node");
    // A report still in flight when its node left must not bring the node back.
    if (gateway == null || !isMember(gateway)) {
      return;
    }
    boolean known = registry.get(gateway).isPresent();
    if (registry.report(report) && !known) {
      LOG.info("gateway {} (region {}) reports from {}:{}, {}", gateway, report.getString("region"),
          report.getString("host"), report.getValue("port"), report.getString("state"));
    }
  }

  private boolean isMember(String nodeId) {
    for (ClusterMember member : node.view().members()) {
      if (nodeId.equals(member.nodeId()) && member.role() == NodeRole.GATEWAY) {
        return true;
      }
    }
    return false;
  }

  /** Runs on a Hazelcast event thread: the registry is thread-safe, so no hop is needed. */
  private void left(ClusterMember member) {
    if (member.role() != NodeRole.GATEWAY || member.nodeId() == null) {
      return;
    }
    boolean wasLive = registry.get(member.nodeId()).isPresent();
    registry.remove(member.nodeId());
    if (wasLive) {
      LOG.info("gateway {} left the cluster: out of dispatch", member.nodeId());
    }
  }
}
