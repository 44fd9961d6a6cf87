package io.clusterchat.session.impl;

import io.clusterchat.session.SessionStoreOptions;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterView;
import io.clusterchat.cluster.NodeRole;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry free of dead gateways' sessions. When a gateway leaves the cluster (a crash included, once
 * Hazelcast declares it dead) its sessions are dropped at once; a sweep at start and then every
 * {@link SessionStoreOptions#getSweepIntervalMillis()} drops sessions of any gateway that is no longer a member,
 * covering losses no session-store saw. Every session-store node does both: the drops are idempotent.
 */
public class SessionSweepVerticle extends VerticleBase {

  /**
   * Sessions younger than this are never swept: their gateway may have joined after the sweep read the member
   * list, and the bind time comes from another session-store node's clock.
   */
  public static final long SWEEP_GRACE_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(SessionSweepVerticle.class);

  private final ClusterView view;
  private final SessionRegistry registry;
  private final SessionStoreOptions options;
  // ClusterView cannot remove a listener: a stopped verticle's listener must do nothing.
  private volatile boolean stopped;
  private boolean sweeping;
  private long timer;

  public SessionSweepVerticle(ClusterView view, SessionRegistry registry, SessionStoreOptions options) {
    this.view = view;
    this.registry = registry;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    view.onLeave(this::memberLeft);
    timer = vertx.setPeriodic(options.getSweepIntervalMillis(), id -> sweep());
    sweep();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Runs on a Hazelcast event thread: hands the work to this verticle's context. */
  private void memberLeft(ClusterMember member) {
    if (!stopped && member.role() == NodeRole.GATEWAY) {
      context.runOnContext(nothing -> dropSessionsOf(member));
    }
  }

  private void dropSessionsOf(ClusterMember gateway) {
    registry.drop(DropProcessor.ofMember(gateway.memberId()))
        .onSuccess(dropped -> logDropped(dropped, "of gateway " + gateway.nodeId() + " (left the cluster)"))
        .onFailure(failure -> warnUnlessStopped("dropping the sessions of gateway " + gateway.nodeId(), failure));
  }

  private void sweep() {
    if (sweeping || stopped) {
      return;
    }
    sweeping = true;
    long bornBefore = System.currentTimeMillis() - SWEEP_GRACE_MILLIS;
    registry.drop(DropProcessor.notIn(liveGatewayMembers(), bornBefore))
        .onSuccess(dropped -> logDropped(dropped, "of gateways no longer in the cluster (sweep)"))
        .onFailure(failure -> warnUnlessStopped("sweeping the session registry", failure))
        .onComplete(done -> sweeping = false);
  }

  private Set<String> liveGatewayMembers() {
    return view.members().stream()
        .filter(member -> member.role() == NodeRole.GATEWAY)
        .map(ClusterMember::memberId)
        .collect(Collectors.toSet());
  }

  private static void logDropped(int dropped, String whose) {
    // Another session-store node may already have dropped them: only real drops are news.
    if (dropped > 0) {
      LOG.info("dropped {} sessions {}", dropped, whose);
    } else {
      LOG.debug("dropped no sessions {}", whose);
    }
  }

  private void warnUnlessStopped(String what, Throwable failure) {
    if (!stopped) {
      LOG.warn("{} failed; the next sweep retries", what, failure);
    }
  }
}
