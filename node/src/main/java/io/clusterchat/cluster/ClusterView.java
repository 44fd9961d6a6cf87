package io.clusterchat.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's members as this node sees them, with their roles; logs every join and leave, crashes included
 * (Hazelcast notices a dead member by its heartbeat), and tells listeners.
 *
 * <p>Listeners run on a Hazelcast event thread: hand work to a Vert.x context, never block.
 */
public final class ClusterView {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

  private final HazelcastInstance hazelcast;
  private final List<Consumer<ClusterMember>> joinListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ClusterMember>> leaveListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> mergeListeners = new CopyOnWriteArrayList<>();

  ClusterView(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        LOG.info("merged back into the cluster after a split; {} members now", members().size());
        mergeListeners.forEach(Runnable::run);
      }
    });
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        ClusterMember member = ClusterMember.of(event.getMember());
        LOG.info("node {} joined at {}; {} members now", member.describe(), member.address(),
            event.getMembers().size());
        joinListeners.forEach(listener -> listener.accept(member));
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        ClusterMember member = ClusterMember.of(event.getMember());
        LOG.info("node {} left from {}; {} members now", member.describe(), member.address(),
            event.getMembers().size());
        leaveListeners.forEach(listener -> listener.accept(member));
      }
    });
  }

  /** Every member now, this node included. */
  public List<ClusterMember> members() {
    return hazelcast.getCluster().getMembers().stream().map(ClusterMember::of).collect(Collectors.toList());
  }

  public void onJoin(Consumer<ClusterMember> listener) {
    joinListeners.add(listener);
  }

  public void onLeave(Consumer<ClusterMember> listener) {
    leaveListeners.add(listener);
  }

  /**
   * Called when this node merged back into the cluster after a split (it was cut off, or frozen, long enough to be
   * declared gone): whatever the others dropped of it meanwhile must be told again.
   */
  public void onMerge(Runnable listener) {
    mergeListeners.add(listener);
  }

  /** Whether this node sees a data member (session-store or coordinator): without one there is no event bus. */
  public boolean seesDataMember() {
    return members().stream().anyMatch(member -> member.role() != null && member.role().dataMember());
  }
}
