package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.CoordinatorService;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's part in the coordinators' cluster: its own address {@code coordinator.node.<node-id>}, where the
 * other coordinators ask it to run a drain while it leads; the drain marks every coordinator hears; and a log line
 * whenever the leading coordinator changes.
 */
public class CoordinatorBusVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorBusVerticle.class);

  private final ClusterNode node;
  private final GatewayRegistry registry;
  private final ClusterAdmin admin;
  private MessageConsumer<JsonObject> own;
  private MessageConsumer<JsonObject> marks;
  // ClusterView cannot remove a listener: a stopped verticle's listener must do nothing.
  private volatile boolean stopped;

  public CoordinatorBusVerticle(ClusterNode node, GatewayRegistry registry, ClusterAdmin admin) {
    this.node = node;
    this.registry = registry;
    this.admin = admin;
  }

  @Override
  public Future<?> start() {
    node.view().onLeaderChange(NodeRole.COORDINATOR, this::leaderChanged);
    ClusterMember leader = node.view().leader(NodeRole.COORDINATOR).orElse(null);
    LOG.info("leading coordinator: {}{}", leader == null ? "none" : leader.nodeId(),
        node.view().leads() ? " (this node)" : "");
    own = vertx.eventBus().consumer(CoordinatorService.address(node.options().getNodeId()), this::request);
    marks = vertx.eventBus().consumer(CoordinatorService.DRAIN_MARK, this::mark);
    return Future.join(own.completion(), marks.completion());
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.join(own.unregister(), marks.unregister());
  }

  private void request(Message<JsonObject> message) {
    String action = message.headers().get(CoordinatorService.ACTION);
    if (!CoordinatorService.DRAIN.equals(action)) {
      message.fail(BusContractException.FAILURE_CODE, "unknown action " + action);
      return;
    }
    String gateway;
    try {
      gateway = CoordinatorService.DrainGateway.fromJson(message.body()).node();
    } catch (BusContractException e) {
      message.fail(BusContractException.FAILURE_CODE, e.getMessage());
      return;
    }
    // Checked as the request arrives: a coordinator that no longer leads must not run a second drain beside the
    // new leader's.
    if (!node.view().leads()) {
      message.fail(ErrorCode.UNAVAILABLE.code(), "coordinator " + node.options().getNodeId() + " does not lead");
      return;
    }
    ClusterAdmin.DrainStart start = admin.drainHere(gateway);
    if (start instanceof ClusterAdmin.Started started) {
      message.reply(new CoordinatorService.DrainStarted(started.node(), started.targets()).toJson());
    } else if (start instanceof ClusterAdmin.UnknownGateway) {
      message.fail(ErrorCode.NOT_FOUND.code(), "no live gateway " + gateway);
    } else if (start instanceof ClusterAdmin.Refused refused) {
      message.fail(ErrorCode.CONFLICT.code(), refused.reason());
    } else {
      message.fail(ErrorCode.UNAVAILABLE.code(), "drain of " + gateway + " not started");
    }
  }

  private void mark(Message<JsonObject> message) {
    CoordinatorService.DrainMark mark;
    try {
      mark = CoordinatorService.DrainMark.fromJson(message.body());
    } catch (BusContractException e) {
      return;
    }
    if (mark.draining()) {
      registry.markDraining(mark.node());
    } else {
      registry.unmarkDraining(mark.node());
    }
  }

  /** Runs on a Hazelcast event thread: only logs. */
  private void leaderChanged(ClusterMember leader) {
    if (stopped) {
      return;
    }
    if (leader == null) {
      LOG.info("no leading coordinator: no coordinator is left in the cluster");
    } else {
      LOG.info("leading coordinator now: {}{}", leader.nodeId(), node.view().leads() ? " (this node)" : "");
    }
  }
}
