package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.StoreService;
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
 * Keeps the store's shard map for the dashboard: takes every persistence-node's {@link StoreService#SHARD_REPORT},
 * forgets a node at once when it leaves the cluster, and sweeps out the ones that stopped reporting.
 */
public class StoreShardsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StoreShardsVerticle.class);
  private static final long SWEEP_MILLIS = 1_000;

  private final ClusterNode node;
  private final StoreShards shards;
  private MessageConsumer<JsonObject> consumer;
  private long sweepTimer = -1;

  public StoreShardsVerticle(ClusterNode node, StoreShards shards) {
    this.node = node;
    this.shards = shards;
  }

  @Override
  public Future<?> start() {
    node.view().onLeave(this::left);
    consumer = vertx.eventBus().consumer(StoreService.SHARD_REPORT, message -> report(message.body()));
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> shards.sweep());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return consumer.unregister();
  }

  private void report(JsonObject report) {
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
    for (ClusterMember member : node.view().members()) {
      if (memberId.equals(member.memberId()) && member.role() == NodeRole.PERSISTENCE_NODE) {
        return true;
      }
    }
    return false;
  }

  /** Runs on a Hazelcast event thread: the map is thread-safe, so no hop is needed. */
  private void left(ClusterMember member) {
    if (member.role() == NodeRole.PERSISTENCE_NODE && member.nodeId() != null
        && shards.remove(member.nodeId(), member.memberId())) {
      LOG.info("persistence-node {} left the cluster: its shards are off the dashboard", member.nodeId());
    }
  }
}
