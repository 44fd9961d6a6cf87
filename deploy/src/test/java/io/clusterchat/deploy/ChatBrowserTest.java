package io.clusterchat.deploy;

import static io.clusterchat.deploy.ControlCluster.ADMIN_TOKEN;
import static io.clusterchat.deploy.ControlCluster.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.http.HttpHardening;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's browser chat client (the coordinator's {@code /chat/}) in Debian's headless chromium, driven by
 * Playwright, against a whole cluster in this JVM: alice in region bj on a desktop-sized window and bob in region sh
 * on a phone-sized one register, chat 1:1 (unread counts, live pushes, SENT on alice's second tab) and in a group;
 * alice's network drops while bob floods her (her page catches up once each, with a few coalesced ACKs and no
 * ERR 429); then alice's gateway is drained (her page follows RECONNECT, RESUMEs, SYNCs and resends what was in flight),
 * and her next gateway dies outright (her page reconnects through dispatch and SYNCs what she missed). Every message
 * shows exactly once on both pages. The screenshots in docs/ come from {@code target/chat-screenshots}.
 */
class ChatBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The scenario's users' password and its flood's size (chat-scenario.mjs). */
  private static final String PASSWORD = "s3cret-pass";
  private static final int FLOOD = 250;
  private static final long FLOOD_PACE_MILLIS = 15;

  @Test
  void twoBrowserUsersChatAcrossRegionsAndSurviveADrainAndAGatewayCrash(@TempDir Path dir) throws Exception {
    BrowserScenario.assumeReady();
    CoordinatorOptions coordinator = new CoordinatorOptions().setDrainBatchSize(10).setDrainBatchIntervalMillis(100);
    try (ControlCluster cluster = new ControlCluster(dir.resolve("data"), coordinator).start()) {
      servedWithAPolicyThatLetsItReachTheGateways(cluster);
      // The page comes from the coordinator's origin; the gateways take WebSockets from pages of that origin only.
      String origin = "http://" + cluster.coordinatorUrl();
      UnaryOperator<GatewayOptions> ws = options -> options.setWsPort(0).setWsOrigins(List.of(origin));
      cluster.gateway("gw-bj-1", "bj", ws);
      Gateway sh = cluster.gateway("gw-sh-1", "sh", ws);

      Map<String, BrowserScenario.Action> harness = Map.of(
          "flood", () -> {
            // Paced under the rate limit (100 frames/s): what piles up is alice's, not bob's.
            try (LineClient bob = new LineClient(sh.port())) {
              assertThat(bob.call("LOGIN bob@sh " + PASSWORD)).startsWith("OK LOGIN bob@sh ");
              for (int i = 0; i < FLOOD; i++) {
                assertThat(bob.call("SEND alice@bj flood " + i)).startsWith("OK SEND ");
                Thread.sleep(FLOOD_PACE_MILLIS);
              }
            }
          },
          "drain", () -> {
            cluster.gateway("gw-bj-2", "bj", ws);
            ControlCluster.Reply drain = cluster.post("/api/gateways/gw-bj-1/drain", ADMIN_TOKEN, new JsonObject());
            assertThat(drain.status()).as("drain gw-bj-1").isEqualTo(202);
          },
          "restart-gateway", () -> {
            // Another bj gateway is up before gw-bj-2 dies without a goodbye: dispatch sends alice there.
            cluster.gateway("gw-bj-3", "bj", ws);
            cluster.crash(cluster.gatewayNode("gw-bj-2"));
          });
      BrowserScenario.Result result = BrowserScenario.run("http://" + cluster.coordinatorUrl() + "/chat/",
          Path.of("target", "chat-screenshots"), "", harness);

      assertThat(result.exitCode()).as(result.output()).isZero();
      assertThat(result.lines()).as(result.output()).contains("PASS");
      assertThat(result.facts()).as(result.output())
          .containsEntry("alice-node", "gw-bj-1")
          .containsEntry("bob-node", "gw-sh-1")
          .containsEntry("alice-moved", "gw-bj-1 gw-bj-2")
          .containsEntry("alice-back", "gw-bj-2 gw-bj-3");
      awaitUntil("gw-bj-1 drained", () -> "draining".equals(cluster.gatewayState("gw-bj-1")));
    }
  }

  /** {@code /chat} leads to the page, which may open WebSockets; the dashboard keeps its stricter policy. */
  private static void servedWithAPolicyThatLetsItReachTheGateways(ControlCluster cluster) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    String base = "http://" + cluster.coordinatorUrl();

    HttpResponse<String> bare = http.send(HttpRequest.newBuilder(URI.create(base + "/chat")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("location")).contains("/chat/");

    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/chat/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>clusterchat</title>").contains("src=\"app.js\"");
    assertThat(page.headers().firstValue("content-security-policy"))
        .contains(HttpHardening.CHAT_CONTENT_SECURITY_POLICY);
    assertThat(HttpHardening.CHAT_CONTENT_SECURITY_POLICY).contains("connect-src 'self' ws: wss:")
        .contains("script-src 'self'");

    HttpResponse<String> dashboard = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(dashboard.headers().firstValue("content-security-policy"))
        .contains(HttpHardening.CONTENT_SECURITY_POLICY);
  }
}
