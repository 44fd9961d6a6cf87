package io.clusterchat.gateway.impl;

import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterView;
import io.clusterchat.metrics.NodeHealth;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the cluster for a gateway. A gateway that sees no data member (session-store or coordinator) for
 * {@link #ISOLATION_MILLIS} has been cut off or frozen and declared gone: it stops accepting and closes its clients
 * with {@code BYE shutdown} ({@link ConnectionRegistry#isolate()}), so none stays connected where nobody can reach
 * it, and it serves again once a data member is back. When a data member leaves, and after a merge, it reasserts
 * its sessions ({@link SessionSync}); when any node leaves, requests it may have taken with it that are safe to send
 * twice are sent again at once ({@link Backend}) rather than left to time out. Its readiness check
 * ({@value #HEALTH_CHECK}) is down while it is isolated.
 */
public class GatewayClusterVerticle extends VerticleBase {

  /** How long a gateway may see no data member before it lets its clients go. */
  public static final long ISOLATION_MILLIS = 5_000;
  /** The readiness check that is down while the gateway sees no data member. */
  public static final String HEALTH_CHECK = "data-members";
  private static final long CHECK_MILLIS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(GatewayClusterVerticle.class);

  private final ClusterView view;
  private final ConnectionRegistry registry;
  // ClusterView cannot remove a listener: a stopped verticle's listeners must do nothing.
  private volatile boolean stopped;
  private long lastSeenNanos;
  private long timer;

  public GatewayClusterVerticle(ClusterView view, ConnectionRegistry registry) {
    this.view = view;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    lastSeenNanos = System.nanoTime();
    view.onLeave(this::memberLeft);
    view.onMerge(() -> {
      if (!stopped) {
        context.runOnContext(v -> registry.reassertSessions("merged back into the cluster"));
      }
    });
    timer = vertx.setPeriodic(CHECK_MILLIS, id -> check());
    NodeHealth.of(vertx).register(HEALTH_CHECK, () -> registry.isIsolated()
        ? Future.failedFuture("no data member of the cluster seen for " + ISOLATION_MILLIS + " ms")
        : Future.succeededFuture());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    NodeHealth.of(vertx).unregister(HEALTH_CHECK);
    return Future.succeededFuture();
  }

  /** Runs on a Hazelcast event thread. */
  private void memberLeft(ClusterMember member) {
    if (stopped || member.role() == null) {
      return;
    }
    context.runOnContext(v -> {
      registry.nodeLeft(member);
      if (member.role().dataMember()) {
        registry.reassertSessions("data member " + member.nodeId() + " left");
      }
    });
  }

  private void check() {
    long now = System.nanoTime();
    if (seesDataMember()) {
      lastSeenNanos = now;
      if (registry.rejoin()) {
        LOG.info("a data member is back: accepting clients again");
        registry.reassertSessions("back in the cluster");
      }
    } else if (now - lastSeenNanos >= TimeUnit.MILLISECONDS.toNanos(ISOLATION_MILLIS) && registry.isolate()) {
      LOG.warn("no data member of the cluster seen for {} ms: cut off; closing {} clients (BYE shutdown) and "
          + "accepting none until the cluster is back", ISOLATION_MILLIS, registry.size());
    }
  }

  private boolean seesDataMember() {
    try {
      return view.seesDataMember();
    } catch (RuntimeException e) {
      // Hazelcast itself is not running: no member is seen.
      return false;
    }
  }
}
