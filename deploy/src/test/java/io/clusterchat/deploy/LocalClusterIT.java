package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The local cluster on its default database, embedded H2 under {@code ./data}; plus the tutorial echo clients. */
class LocalClusterIT extends LocalClusterScenario {

  private static final int PORT_OFFSET = 20_000;
  /** Shifted by the offset, the echo port would be in the kernel's ephemeral range: the script turns it off there. */
  private static final int ECHO_PORT = 21_067;

  @Override
  int portOffset() {
    return PORT_OFFSET;
  }

  @Override
  Map<String, String> environment() {
    return Map.of("CLUSTERCHAT_ECHO_PORT", String.valueOf(ECHO_PORT));
  }

  /**
   * The README's browser step: the chat client at the coordinator's {@code /chat/}, two people in two regions, in
   * headless chromium (the drain and a gateway crash under the same client: {@link ChatBrowserTest}).
   */
  @Test
  @Order(5)
  void theReadmesBrowserChat() throws Exception {
    BrowserScenario.assumeReady();
    BrowserScenario.Result result = BrowserScenario.run("http://127.0.0.1:" + (8080 + PORT_OFFSET) + "/chat/",
        Path.of("target", "local-chat-screenshots"), null, Map.of());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.facts()).as(result.output()).containsEntry("alice-node", "gw-bj-1")
        .containsEntry("bob-node", "gw-sh-1");
  }

  @Test
  @Order(6)
  void scaleOutDispatchDrainAndMetrics() throws Exception {
    new LocalScaleOutScenario(this).run();
  }

  @Test
  @Order(7)
  void aFrozenGatewayLeavesNoZombieClientsAndServesAgain() throws Exception {
    new LocalFreezeScenario(this).run();
  }

  @Test
  @Order(2)
  void classicTutorialClientsGetStampedEchoes() throws Exception {
    for (String client : List.of("tsTclnt.py", "tsUclnt.py")) {
      Path script = home.resolve(client);
      try (var source = LocalClusterIT.class.getResourceAsStream("/tutorial/" + client)) {
        Files.copy(source, script);
      }
      Result result = run(List.of("python3", script.toString(), "127.0.0.1", String.valueOf(ECHO_PORT)),
          "hello\nsecond line\n");
      assertThat(result.exitCode()).as(result.output()).isZero();
      assertThat(result.output()).as(client)
          .containsPattern("\\[" + CTIME + "\\] hello")
          .containsPattern("\\[" + CTIME + "\\] second line");
    }
  }
}
