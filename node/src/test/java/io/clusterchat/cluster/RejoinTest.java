package io.clusterchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that leaves the cluster and merges back (finding 10 of docs/reliability.md: a coordinator split off for a
 * second and was deaf afterwards) is heard again, and hears the others: every node's consumers stay reachable.
 */
class RejoinTest {

  private static final long START_SECONDS = 60;
  private static final long MERGE_SECONDS = 60;
  private static final long SETTLE_MILLIS = 1_000;
  private static final long POLL_MILLIS = 200;
  private static final long REACH_MILLIS = 20_000;

  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (ClusterNode node : nodes) {
      node.closeAndWait(30_000);
    }
  }

  /**
   * A node's removal, handled by another node only once the removed node is back (membership events queue up on a
   * busy node; a split of a second is over before they are handled), deletes none of its consumers. Seen failing
   * with Vert.x's own cluster manager: the consumer was gone for good ("No handlers").
   */
  @Test
  void aRemovalHandledAfterTheNodeIsBackDeletesNoneOfItsConsumers() throws Exception {
    ClusterNode first = coordinatorReachingSs1();

    HazelcastInstance hazelcast = first.clusterManager().getHazelcastInstance();
    Member back = memberNamed(hazelcast, "ss-1");
    first.clusterManager().memberRemoved(new MembershipEvent(hazelcast.getCluster(), back,
        MembershipEvent.MEMBER_REMOVED, hazelcast.getCluster().getMembers()));
    Thread.sleep(SETTLE_MILLIS);

    assertThat(call(first, "test.on-ss-1")).isEqualTo("ss-1");
  }

  /**
   * A removal that was mid-way when its node merged back deletes registrations after the merge, once Vert.x has
   * registered the node's consumers again: the node registers them once more a moment later. Without that second
   * time the consumer stayed unreachable.
   */
  @Test
  void registrationsDeletedJustAfterAMergeAreRegisteredAgain() throws Exception {
    ClusterNode first = coordinatorReachingSs1();
    ClusterNode merged = nodes.get(1);

    merged.clusterManager().stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.MERGED));
    Thread.sleep(SETTLE_MILLIS / 2); // Vert.x's own registering again is done
    first.clusterManager().getHazelcastInstance().getMultiMap(ClusterNode.VERTX_SUBSCRIPTIONS).remove("test.on-ss-1");

    assertReaches(first, "test.on-ss-1", "ss-1");
  }

  /**
   * A real split and merge: the master removes a data member that is alive; it finds itself alone, forms a cluster
   * of one and merges back (Hazelcast's split-brain merge, under a new member id). Afterwards every node reaches a
   * consumer only the merged node has, and the merged node reaches one only another node has.
   */
  @Test
  void aNodeThatSplitOffAndMergedBackIsHeardAndHears() throws Exception {
    ClusterNode master = start("coordinator-1", NodeRole.COORDINATOR, true);
    ClusterNode split = start("ss-1", NodeRole.SESSION_STORE, false);
    ClusterNode third = start("ss-2", NodeRole.SESSION_STORE, false);
    answer(master, "test.on-coordinator-1");
    answer(split, "test.on-ss-1");
    answer(third, "test.on-ss-2");
    for (ClusterNode node : nodes) {
      assertThat(call(node, "test.on-ss-1")).isEqualTo("ss-1");
      assertThat(call(node, "test.on-ss-2")).isEqualTo("ss-2");
    }

    HazelcastInstance splitHazelcast = split.clusterManager().getHazelcastInstance();
    CountDownLatch merged = new CountDownLatch(1);
    splitHazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        merged.countDown();
      }
    });
    HazelcastInstance masterHazelcast = master.clusterManager().getHazelcastInstance();
    Member victim = memberNamed(masterHazelcast, "ss-1");
    ((HazelcastInstanceProxy) masterHazelcast).getOriginal().node.getClusterService()
        .suspectMember(victim, "a test splits it off", true);

    assertThat(merged.await(MERGE_SECONDS, TimeUnit.SECONDS)).as("ss-1 merged back").isTrue();
    assertThat(splitHazelcast.getCluster().getLocalMember().getUuid()).isNotEqualTo(victim.getUuid());
    for (ClusterNode node : nodes) {
      assertReaches(node, "test.on-ss-1", "ss-1");
      assertReaches(node, "test.on-ss-2", "ss-2");
      assertReaches(node, "test.on-coordinator-1", "coordinator-1");
    }
  }

  /** coordinator-1 (the seed) and ss-1, whose consumer of test.on-ss-1 coordinator-1 reaches. */
  private ClusterNode coordinatorReachingSs1() throws Exception {
    ClusterNode first = start("coordinator-1", NodeRole.COORDINATOR, true);
    answer(start("ss-1", NodeRole.SESSION_STORE, false), "test.on-ss-1");
    assertThat(call(first, "test.on-ss-1")).isEqualTo("ss-1");
    return first;
  }

  private static Member memberNamed(HazelcastInstance hazelcast, String nodeId) {
    return hazelcast.getCluster().getMembers().stream()
        .filter(member -> nodeId.equals(member.getAttribute(ClusterMember.ATTR_NODE_ID))).findFirst().orElseThrow();
  }

  private ClusterNode start(String nodeId, NodeRole role, boolean seed) throws Exception {
    ClusterNode node = ClusterNode.start(cluster.node(nodeId, role, null, seed)).toCompletionStage()
        .toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
    nodes.add(node);
    return node;
  }

  private static void answer(ClusterNode node, String address) throws Exception {
    String nodeId = node.options().getNodeId();
    await(node.vertx().eventBus().<String>consumer(address, message -> message.reply(nodeId)).completion());
  }

  private static String call(ClusterNode node, String address) throws Exception {
    return await(node.vertx().eventBus().<String>request(address, "who").map(reply -> reply.body()));
  }

  /** The consumer answers within REACH_MILLIS: a merge takes a moment to settle on every node. */
  private static void assertReaches(ClusterNode node, String address, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REACH_MILLIS);
    String reply = null;
    while (!expected.equals(reply) && System.nanoTime() < deadline) {
      try {
        reply = call(node, address);
      } catch (Exception e) {
        reply = e.toString();
        Thread.sleep(POLL_MILLIS);
      }
    }
    assertThat(reply).as(node.options().getNodeId() + " reaches " + address).isEqualTo(expected);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
  }
}
