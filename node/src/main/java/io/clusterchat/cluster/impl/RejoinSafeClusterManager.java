package io.clusterchat.cluster.impl;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Completable;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's Hazelcast cluster manager, made safe for a member that leaves and merges back (a split brain, a frozen or
 * cut-off node): without this, such a node could end up deaf, or make the others deaf, for good.
 *
 * <p>On a member's removal every node deletes that member's event-bus registrations from the shared map, keyed by
 * its Vert.x node id, which a merge does not change. A removal event handled late (a node's membership events queue
 * up while it is busy, and a split of one second is over before they are all handled) would then delete the
 * registrations of a node that is back, or, on the node that split off, those of the whole cluster it rejoined; no
 * one registers them again. So a removal is ignored while the node it names is a member, and after a merge (this
 * node's, or a departed member's return) a node registers its consumers again a few times, in case a removal was
 * mid-way. Vert.x's own resync scans the whole registration map, so it is not run on an ordinary arrival.
 */
public final class RejoinSafeClusterManager extends HazelcastClusterManager {

  private static final Logger LOG = LoggerFactory.getLogger(RejoinSafeClusterManager.class);
  /** The member attribute Vert.x keeps its node id in (HazelcastClusterManager's own, private, constant). */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  /** When a node registers its consumers again after a merge (its own or another's), in seconds. */
  static final List<Integer> RESYNC_AFTER_SECONDS = List.of(2, 10, 30);
  /** How many departed members a node remembers (node ids are new per process: restarts add one each). */
  static final int DEPARTED_REMEMBERED = 10_000;

  private final ScheduledExecutorService resyncer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "clusterchat-cluster-resync");
    thread.setDaemon(true);
    return thread;
  });

  private final List<ScheduledFuture<?>> pendingResyncs = new ArrayList<>();
  /** The node ids of members that left, the most recent first to stay: one that comes back merged back. */
  private final Map<String, Boolean> departed = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > DEPARTED_REMEMBERED;
    }
  };

  public RejoinSafeClusterManager(Config config) {
    super(config);
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
    if (nodeId != null && isMember(nodeId)) {
      LOG.info("ignored the removal of node {} ({}): it is a member again", nodeId, event.getMember().getAddress());
      resyncLater(); // it may have removed some of ours while it was apart
      return;
    }
    if (nodeId != null) {
      synchronized (departed) {
        departed.put(nodeId, Boolean.TRUE);
      }
    }
    super.memberRemoved(event);
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    super.memberAdded(event);
    String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
    boolean back;
    synchronized (departed) {
      back = nodeId != null && departed.remove(nodeId) != null;
    }
    if (back) {
      // A node that merged back: it may have been removing our registrations just as it rejoined.
      resyncLater();
    }
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    super.stateChanged(event);
    if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
      resyncLater();
    }
  }

  /**
   * Runs again, a few times, what Vert.x runs on a merge: forget the nodes that are gone, register this node's
   * address and consumers again (a consumer already registered is left as it is, and no one is told of it).
   */
  private void resyncLater() {
    synchronized (pendingResyncs) {
      // Merges in a burst make one series, after the last of them.
      pendingResyncs.forEach(resync -> resync.cancel(false));
      pendingResyncs.clear();
      for (int seconds : RESYNC_AFTER_SECONDS) {
        try {
          pendingResyncs.add(resyncer.schedule(this::resync, seconds, TimeUnit.SECONDS));
        } catch (RejectedExecutionException e) {
          return; // leaving the cluster
        }
      }
    }
  }

  private void resync() {
    if (!isActive()) {
      return;
    }
    try {
      super.stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.MERGED));
    } catch (RuntimeException e) {
      LOG.warn("could not register this node's consumers again: {}", e.toString());
    }
  }

  @Override
  public void leave(Completable<Void> promise) {
    resyncer.shutdownNow();
    super.leave(promise);
  }

  private boolean isMember(String nodeId) {
    try {
      for (Member member : getHazelcastInstance().getCluster().getMembers()) {
        if (nodeId.equals(member.getAttribute(NODE_ID_ATTRIBUTE))) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      return false; // Hazelcast is shutting down: let Vert.x clean up as it would
    }
  }
}
