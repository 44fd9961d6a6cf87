package io.clusterchat.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's members as this node sees them, with their roles; logs every join and leave, crashes included
 * (Hazelcast notices a dead member by its heartbeat), and tells listeners.
 *
 * <p>It also elects a leader per role: the oldest member of that role. Hazelcast keeps one member list, oldest
 * first, that every member sees in the same order, so every node names the same leader without a vote; when the
 * leader leaves, the next oldest of its role leads at once (on each node, with the leave event). During a split
 * brain each side has its own leader, until the merge.
 *
 * <p>Listeners run on a Hazelcast event thread: hand work to a Vert.x context, never block.
 */
public final class ClusterView {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

  private final HazelcastInstance hazelcast;
  private final List<Consumer<ClusterMember>> joinListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ClusterMember>> leaveListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> mergeListeners = new CopyOnWriteArrayList<>();
  private final List<LeaderWatch> leaderWatches = new CopyOnWriteArrayList<>();

  ClusterView(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        LOG.info("merged back into the cluster after a split; {} members now", members().size());
        leaderWatches.forEach(watch -> watch.check(hazelcast.getCluster().getMembers()));
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
        leaderWatches.forEach(watch -> watch.check(event.getMembers()));
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        ClusterMember member = ClusterMember.of(event.getMember());
        LOG.info("node {} left from {}; {} members now", member.describe(), member.address(),
            event.getMembers().size());
        leaveListeners.forEach(listener -> listener.accept(member));
        leaderWatches.forEach(watch -> watch.check(event.getMembers()));
      }
    });
  }

  /** Every member now, this node included, oldest first. */
  public List<ClusterMember> members() {
    return hazelcast.getCluster().getMembers().stream().map(ClusterMember::of).collect(Collectors.toList());
  }

  /** This node. */
  public ClusterMember local() {
    return ClusterMember.of(hazelcast.getCluster().getLocalMember());
  }

  /** The leader of {@code role}: its oldest member in the cluster, if any member has that role. */
  public Optional<ClusterMember> leader(NodeRole role) {
    return leaderOf(hazelcast.getCluster().getMembers(), role);
  }

  /** True when this node leads its own role now. */
  public boolean leads() {
    ClusterMember local = local();
    return local.role() != null
        && leader(local.role()).map(leader -> leader.memberId().equals(local.memberId())).orElse(false);
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

  /**
   * Tells {@code listener} the new leader of {@code role} (null when no member has the role) each time it changes
   * from the one at registration; read {@link #leader} for the leader at registration.
   */
  public void onLeaderChange(NodeRole role, Consumer<ClusterMember> listener) {
    leaderWatches.add(new LeaderWatch(role, listener, leader(role).map(ClusterMember::memberId).orElse(null)));
  }

  private static Optional<ClusterMember> leaderOf(Collection<Member> members, NodeRole role) {
    String wireName = role.wireName();
    return members.stream().filter(member -> wireName.equals(member.getAttribute(ClusterMember.ATTR_ROLE)))
        .findFirst().map(ClusterMember::of);
  }

  /** One listener of one role's leader, with the leader it was last told of. */
  private static final class LeaderWatch {
    private final NodeRole role;
    private final Consumer<ClusterMember> listener;
    private final AtomicReference<String> current;

    LeaderWatch(NodeRole role, Consumer<ClusterMember> listener, String current) {
      this.role = role;
      this.listener = listener;
      this.current = new AtomicReference<>(current);
    }

    void check(Collection<Member> members) {
      ClusterMember leader = leaderOf(members, role).orElse(null);
      String id = leader == null ? null : leader.memberId();
      String previous = current.getAndSet(id);
      if (!Objects.equals(previous, id)) {
        listener.accept(leader);
      }
    }
  }
}
