package io.clusterchat.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The transports in load reports and drain targets: optional fields, so messages of older gateways still read. */
class TransportsTest {

  @Test
  void aReportWithoutTransportsReadsAsTcpOnly() {
    JsonObject old = new JsonObject().put("node", "gw-bj-1").put("region", "bj").put("host", "127.0.0.1")
        .put("port", 9001).put("connections", 3).put("state", "accepting").put("sends", 1L).put("deliveries", 2L)
        .put("startedAt", 5L);
    CoordinatorService.GatewayReport report = CoordinatorService.GatewayReport.fromJson(old);
    assertThat(report.transports()).isEqualTo(Transports.NONE);
    assertThat(report.toJson()).isEqualTo(old);
  }

  @Test
  void transportsGoBesideHostAndPortAndComeBack() {
    Transports both = new Transports(9443, 9091, "ws://127.0.0.1:9091/ws");
    JsonObject json = new GatewayService.Target("127.0.0.1", 9001, both).toJson();
    assertThat(json).isEqualTo(new JsonObject().put("host", "127.0.0.1").put("port", 9001).put("tlsPort", 9443)
        .put("wsPort", 9091).put("wsUrl", "ws://127.0.0.1:9091/ws"));
    assertThat(GatewayService.Target.fromJson(json).transports()).isEqualTo(both);
    assertThat(new GatewayService.Target("h", 1).toJson().fieldNames()).containsExactlyInAnyOrder("host", "port");
  }

  @Test
  void aWebSocketPortNeedsItsUrl() {
    assertThatThrownBy(() -> Transports.fromJson(new JsonObject().put("wsPort", 9091)))
        .isInstanceOf(BusContractException.class);
    assertThatThrownBy(() -> Transports.fromJson(new JsonObject().put("tlsPort", "9443")))
        .isInstanceOf(BusContractException.class);
  }
}
