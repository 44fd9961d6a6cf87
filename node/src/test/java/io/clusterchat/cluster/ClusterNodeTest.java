package io.clusterchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration a node gets from its options. */
class ClusterNodeTest {

  @Test
  void joinsByTcpIpMemberListNeverMulticast() {
    Config config = ClusterNode.hazelcastConfig(new ClusterOptions()
        .setNodeId("gw-bj-1").setRole(NodeRole.GATEWAY).setRegion("bj")
        .setClusterName("c1").setHost("10.1.2.3").setPort(5705)
        .setMembers(List.of("10.1.2.1:5701", "10.1.2.2")));

    config.getNetworkConfig().getJoin().verify();
    TcpIpConfig tcp = config.getNetworkConfig().getJoin().getTcpIpConfig();
    assertThat(tcp.isEnabled()).isTrue();
    assertThat(tcp.getMembers()).containsExactly("10.1.2.1:5701", "10.1.2.2");
    assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isFalse();
    assertThat(config.getClusterName()).isEqualTo("c1");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5705);
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.1.2.3");
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
    // Hazelcast's 120 s: a member claiming mastership asks the others again and again while they do not yet see
    // the old master gone; 10 s split the cluster when its master was killed (reliability.md, finding 2).
    assertThat(config.getProperty("hazelcast.mastership.claim.timeout.seconds")).isNull();
  }

  @Test
  void joinsByKubernetesDnsDiscoveryWithTcpIpOff() {
    Config config = ClusterNode.hazelcastConfig(new ClusterOptions()
        .setNodeId("ss-0").setRole(NodeRole.SESSION_STORE).setHost("10.244.1.7").setPort(5801)
        .setJoin(ClusterJoin.KUBERNETES).setKubernetesServiceDns("clusterchat-cluster.chat.svc.cluster.local"));

    JoinConfig join = config.getNetworkConfig().getJoin();
    KubernetesConfig kubernetes = join.getKubernetesConfig();
    assertThat(kubernetes.isEnabled()).isTrue();
    assertThat(kubernetes.getProperties())
        .containsEntry("service-dns", "clusterchat-cluster.chat.svc.cluster.local")
        .containsEntry("service-port", "5801");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    // Hazelcast refuses a config with two join methods on: its own check, as at a node's start.
    join.verify();
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.244.1.7");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
  }

  /**
   * A node starts with Kubernetes discovery on (no Kubernetes here): Hazelcast takes the config at start (one join
   * method, the discovery strategy found) and its DNS lookup of "localhost" gives this host, a cluster of one. That
   * several pods find each other is not tested here.
   */
  @Test
  void aNodeJoinsThroughKubernetesDnsDiscovery() throws Exception {
    TestClusters cluster = new TestClusters();
    ClusterOptions options = cluster.node("ss-k8s", NodeRole.SESSION_STORE, null, true)
        .setJoin(ClusterJoin.KUBERNETES).setKubernetesServiceDns("localhost");

    ClusterNode node = ClusterNode.start(options).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    try {
      assertThat(node.clusterManager().getHazelcastInstance().getConfig().getNetworkConfig().getJoin()
          .getKubernetesConfig().isEnabled()).isTrue();
      assertThat(node.view().members()).hasSize(1);
    } finally {
      node.closeAndWait(30_000);
    }
  }

  /** After a split, the merging side's copy of Vert.x's registrations is dropped: its nodes register theirs again. */
  @Test
  void theMergingSideDropsItsCopyOfTheEventBusRegistrations() {
    Config config = ClusterNode.hazelcastConfig(new TestClusters().node("ss-1", NodeRole.SESSION_STORE, null, true));

    assertThat(config.getMultiMapConfig(ClusterNode.VERTX_SUBSCRIPTIONS).getMergePolicyConfig().getPolicy())
        .isEqualTo(DiscardMergePolicy.class.getName());
    assertThat(config.getMultiMapConfig(ClusterNode.VERTX_SUBSCRIPTIONS).getValueCollectionType())
        .as("Vert.x's own setting kept").isEqualTo(MultiMapConfig.ValueCollectionType.SET);
    assertThat(config.getMapConfig(ClusterNode.VERTX_NODE_INFO).getMergePolicyConfig().getPolicy())
        .isEqualTo(DiscardMergePolicy.class.getName());
  }

  @Test
  void onlySessionStoreAndCoordinatorHoldData() {
    for (NodeRole role : NodeRole.values()) {
      Config config = ClusterNode.hazelcastConfig(new ClusterOptions().setNodeId("n1").setRole(role));
      boolean dataMember = role == NodeRole.SESSION_STORE || role == NodeRole.COORDINATOR;
      assertThat(config.isLiteMember()).as(role.wireName()).isEqualTo(!dataMember);
    }
  }

  @Test
  void identityIsInMemberAttributes() {
    Config config = ClusterNode.hazelcastConfig(new ClusterOptions()
        .setNodeId("gw-sh-1").setRole(NodeRole.GATEWAY).setRegion("sh"));

    assertThat(config.getMemberAttributeConfig().getAttributes())
        .containsEntry("clusterchat.node-id", "gw-sh-1")
        .containsEntry("clusterchat.role", "gateway")
        .containsEntry("clusterchat.region", "sh");
  }

  @Test
  void keepsVertxSubscriptionMapBackedUp() {
    Config config = ClusterNode.hazelcastConfig(new ClusterOptions().setNodeId("s1").setRole(NodeRole.SESSION_STORE));

    assertThat(config.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(1);
  }
}
