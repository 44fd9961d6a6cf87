package io.clusterchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

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
        .setMembers(List.of("10.0.0.1")).setBusPort(6000);

    assertThat(new ClusterOptions(options).toJson()).isEqualTo(options.toJson());
  }
}
