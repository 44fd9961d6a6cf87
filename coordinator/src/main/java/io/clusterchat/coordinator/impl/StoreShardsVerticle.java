package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store's shard map for the dashboard: takes every persistence-node's {@link StoreService#SHARD_REPORT},
 * forgets a node at once when it leaves the cluster, and sweeps out the ones that stopped reporting.
 */
public class StoreShardsVerticle extends ReportKeeperVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(StoreShardsVerticle.class);

  private final StoreShards shards;

  public StoreShardsVerticle(ClusterNode node, StoreShards shards) {
    super(node, StoreService.SHARD_REPORT);
    this.shards = shards;
  }

  @Override
  protected void sweep() {
    shards.sweep();
  }

  @Override
  protected void report(JsonObject report) {
    String member = report == null ? null : report.getValue("member") instanceof String m ? m : null;
    // A report still in flight when its node left must not bring the node back.
    if (member == null || !isPersistenceNode(member)) {
      return;
    }
    boolean known = shards.knows(String.valueOf(report.getValue("node")));
    StoreService.ShardReport taken = shards.report(report);
    if (taken != null && !isPersistenceNode(member)) {
      // It left between the check and the take (its leave event has run): forget it again.
      shards.remove(taken.node(), member);
      return;
    }
    if (taken != null && !known) {
      LOG.info("persistence-node {} reports {} of {} shards", taken.node(), taken.owned().size(), taken.shards());
    }
  }

  private boolean isPersistenceNode(String memberId) {
    return hasMember(member -> memberId.equals(member.memberId()) && member.role() == NodeRole.PERSISTENCE_NODE);
  }

  @Override
  protected void left(ClusterMember member) {
    if (member.role() == NodeRole.PERSISTENCE_NODE && member.nodeId() != null
        && shards.remove(member.nodeId(), member.memberId())) {
      LOG.info("persistence-node {} left the cluster: its shards are off the dashboard", member.nodeId());
    }
  }
}
