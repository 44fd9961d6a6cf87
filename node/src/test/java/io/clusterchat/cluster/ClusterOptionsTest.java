package io.clusterchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterOptionsTest {

  @Test
  void rejectsBadValuesWithAClearMessage() {
    ClusterOptions options = new ClusterOptions();
    assertThatThrownBy(() -> options.setNodeId("Bad Id")).hasMessageContaining("node id");
    assertThatThrownBy(() -> options.setHost("0.0.0.0")).hasMessageContaining("cluster host");
    assertThatThrownBy(() -> options.setPort(0)).hasMessageContaining("cluster port");
    assertThatThrownBy(() -> options.setPort(70000)).hasMessageContaining("cluster port");
    assertThatThrownBy(() -> options.setMembers(List.of())).hasMessageContaining("at least one");
    assertThatThrownBy(() -> options.setMembers(List.of("10.0.0.1:x"))).hasMessageContaining("host:port");
    assertThatThrownBy(() -> options.setRegion("BJ!")).hasMessageContaining("region");
    assertThatThrownBy(() -> options.setClusterName("")).hasMessageContaining("cluster name");
    assertThatThrownBy(options::validate).hasMessageContaining("node id");
  }

  @Test
  void copiesEverySetting() {
    ClusterOptions options = new ClusterOptions().setNodeId("gw-1").setRole(NodeRole.GATEWAY).setRegion("bj")
        .setClusterName("x").setHost("10.0.0.5").setPort(5800).setPublicHost("1.2.3.4")
        .setMembers(List.of("10.0.0.1")).setBusPort(6000)
        .setJoin(ClusterJoin.KUBERNETES).setKubernetesServiceDns("cc.chat.svc.cluster.local");

    assertThat(new ClusterOptions(options).toJson()).isEqualTo(options.toJson());
    assertThat(options.toJson().getString("join")).isEqualTo("kubernetes");
    assertThat(options.toJson().getString("kubernetesServiceDns")).isEqualTo("cc.chat.svc.cluster.local");
  }

  @Test
  void kubernetesJoinNeedsTheHeadlessServicesDnsName() {
    ClusterOptions options = new ClusterOptions().setNodeId("ss-0").setRole(NodeRole.SESSION_STORE);
    assertThat(options.getJoin()).isEqualTo(ClusterJoin.TCP);

    options.setJoin(ClusterJoin.KUBERNETES);
    assertThatThrownBy(options::validate).hasMessageContaining("headless Service");
    assertThatThrownBy(() -> options.setKubernetesServiceDns("bad name.svc")).hasMessageContaining("DNS name");
    assertThatThrownBy(() -> options.setKubernetesServiceDns("-x.svc")).hasMessageContaining("DNS name");
    assertThatThrownBy(() -> options.setJoin(null)).hasMessageContaining("cluster join");
    assertThatThrownBy(() -> ClusterJoin.fromWireName("multicast")).hasMessageContaining("tcp or kubernetes");
    assertThat(ClusterJoin.fromWireName("Kubernetes")).isEqualTo(ClusterJoin.KUBERNETES);

    assertThat(options.setKubernetesServiceDns("clusterchat-cluster").validate().getKubernetesServiceDns())
        .isEqualTo("clusterchat-cluster");
    assertThat(options.setKubernetesServiceDns(" ").getKubernetesServiceDns()).isNull();
  }

  @Test
  void busTlsTakesReadableFilesAllThreeOrNone(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("node.pem"), "cert");
    Path key = Files.writeString(dir.resolve("node-key.pem"), "key");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    ClusterOptions options = new ClusterOptions().setNodeId("gw-1").setRole(NodeRole.GATEWAY);

    assertThatThrownBy(() -> options.setBusTlsCert(dir.resolve("missing.pem").toString()))
        .hasMessageContaining("event bus TLS certificate").hasMessageContaining("not a readable file")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> options.setBusTlsCa(dir.toString())).hasMessageContaining("event bus TLS CA");
    assertThat(options.isBusTls()).isFalse();

    options.setBusTlsCert(cert.toString()).setBusTlsKey(key.toString());
    assertThatThrownBy(options::validate).hasMessageContaining("all three").hasMessageContaining("no CA");

    options.setBusTlsCa(ca.toString());
    assertThat(options.validate().isBusTls()).isTrue();
    assertThat(new ClusterOptions(options).toJson()).isEqualTo(options.toJson());
    assertThat(options.toJson().getString("busTlsCa")).isEqualTo(ca.toString());
  }
}
