package io.clusterchat.coordinator.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Dispatch choices and expiry of the gateway registry, on a clock the test moves. */
class GatewayRegistryTest {

  private static final long EXPIRY = 5_000;

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final GatewayRegistry registry = new GatewayRegistry(EXPIRY, now::get);

  @Test
  void dispatchPicksFewestConnectionsThenNodeId() {
    registry.report(report("gw-bj-2", "bj", 5, "accepting"));
    registry.report(report("gw-bj-1", "bj", 5, "accepting"));
    registry.report(report("gw-bj-3", "bj", 9, "accepting"));
    assertThat(found("bj")).isEqualTo("gw-bj-1");
    // The dispatch counts against gw-bj-1 until its next report: the next client goes to gw-bj-2.
    assertThat(found("bj")).isEqualTo("gw-bj-2");
    registry.report(report("gw-bj-1", "bj", 2, "accepting"));
    assertThat(found("bj")).isEqualTo("gw-bj-1");
  }

  @Test
  void unknownRegionDiffersFromNoneLive() {
    assertThat(registry.dispatch("bj")).isInstanceOf(GatewayRegistry.UnknownRegion.class);
    registry.report(report("gw-bj-1", "bj", 0, "draining"));
    assertThat(registry.dispatch("bj")).isInstanceOf(GatewayRegistry.NoneLive.class);
  }

  @Test
  void silentGatewayExpiresAndLeftGatewayGoesAtOnce() {
    registry.report(report("gw-bj-1", "bj", 0, "accepting"));
    registry.report(report("gw-bj-2", "bj", 1, "accepting"));
    now.addAndGet(EXPIRY - 1);
    registry.report(report("gw-bj-2", "bj", 1, "accepting"));
    assertThat(found("bj")).isEqualTo("gw-bj-1");
    now.addAndGet(1);
    assertThat(found("bj")).isEqualTo("gw-bj-2");
    registry.remove("gw-bj-2");
    assertThat(registry.dispatch("bj")).isInstanceOf(GatewayRegistry.NoneLive.class);
  }

  @Test
  void markedDrainingStaysDrainingWhateverItsNextReportSays() {
    registry.report(report("gw-bj-1", "bj", 0, "accepting"));
    registry.markDraining("gw-bj-1");
    registry.report(report("gw-bj-1", "bj", 0, "accepting"));
    assertThat(registry.dispatch("bj")).isInstanceOf(GatewayRegistry.NoneLive.class);
  }

  /** A drain that never reached its gateway (its coordinator died right after the mark) does not hold forever. */
  @Test
  void aDrainMarkLapsesWhenTheGatewayKeepsReportingAcceptingPastTheExpiry() {
    registry.report(report("gw-bj-1", "bj", 0, "accepting"));
    registry.markDraining("gw-bj-1");
    now.addAndGet(EXPIRY - 1);
    registry.report(report("gw-bj-1", "bj", 0, "accepting"));
    assertThat(registry.dispatch("bj")).isInstanceOf(GatewayRegistry.NoneLive.class);
    now.addAndGet(1);
    registry.report(report("gw-bj-1", "bj", 0, "accepting"));
    assertThat(found("bj")).isEqualTo("gw-bj-1");
  }

  @Test
  void ratesComeFromSuccessiveReports() {
    registry.report(report("gw-bj-1", "bj", 0, "accepting").put("sends", 100).put("deliveries", 50));
    now.addAndGet(2_000);
    registry.report(report("gw-bj-1", "bj", 0, "accepting").put("sends", 300).put("deliveries", 450));
    assertThat(registry.rates()).isEqualTo(new GatewayRegistry.Rates(100, 200));
  }

  @Test
  void malformedReportsAreIgnored() {
    assertThat(registry.report(new JsonObject())).isFalse();
    assertThat(registry.report(report("gw-bj-1", "BJ!", 0, "accepting"))).isFalse();
    assertThat(registry.report(report("gw-bj-1", "bj", 0, "sleeping"))).isFalse();
    assertThat(registry.report(report("gw-bj-1", "bj", 0, "accepting").put("port", "x"))).isFalse();
    assertThat(registry.live()).isEmpty();
  }

  private String found(String region) {
    GatewayRegistry.Dispatch dispatch = registry.dispatch(region);
    assertThat(dispatch).isInstanceOf(GatewayRegistry.Found.class);
    return ((GatewayRegistry.Found) dispatch).gateway().node();
  }

  private static JsonObject report(String node, String region, int connections, String state) {
    return new JsonObject().put("node", node).put("region", region).put("host", "127.0.0.1").put("port", 9001)
        .put("connections", connections).put("state", state).put("sends", 0).put("deliveries", 0)
        .put("startedAt", 42);
  }
}
