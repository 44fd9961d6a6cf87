package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.CoordinatorService;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the gateway registry: takes every gateway's load report, drops a gateway at once when its node leaves the
 * cluster, and sweeps out the ones that stopped reporting.
 */
public class GatewayRegistryVerticle extends ReportKeeperVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayRegistryVerticle.class);

  private final GatewayRegistry registry;

  public GatewayRegistryVerticle(ClusterNode node, GatewayRegistry registry) {
    super(node, CoordinatorService.GATEWAY_REPORT);
    this.registry = registry;
  }

  @Override
  protected void sweep() {
    registry.sweep();
  }

  @Override
  protected void report(JsonObject report) {
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
    return hasMember(member -> nodeId.equals(member.nodeId()) && member.role() == NodeRole.GATEWAY);
  }

  @Override
  protected void left(ClusterMember member) {
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
