package io.clusterchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.client.TestGateways.Running;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ChatCli's main logic with piped stdin against a real gateway (no back ends: login answers 503). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatCliTest {

  private static final long WAIT_MILLIS = 10_000;
  private static final long POLL_MILLIS = 20;

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
  private Running gateway;

  @AfterEach
  void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.stop();
    }
  }

  private String output() {
    synchronized (output) {
      return output.toString(StandardCharsets.UTF_8);
    }
  }

  private void awaitOutput(String expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (!output().contains(expected)) {
      assertThat(System.currentTimeMillis()).as("'%s' in:%n%s", expected, output()).isLessThan(deadline);
      Thread.sleep(POLL_MILLIS);
    }
  }

  private static byte[] lines(String... lines) {
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void scriptedSessionExitsAtEndOfInput() throws Exception {
    gateway = TestGateways.start(TestGateways.options(0));
    String[] args = {"--host", TestGateways.HOST, "--port", String.valueOf(gateway.port())};
    byte[] script = lines("/ping", "/help", "hello there", "/send bob@sh hi", "/login alice password1",
        "/ack x", "/bogus");
    int code = ChatCli.run(args, new ByteArrayInputStream(script), out);
    assertThat(code).isZero();
    assertThat(output())
        .contains("connected to " + TestGateways.NODE_ID + " (region bj)")
        .containsPattern("pong in \\d+ ms")
        .contains("/history <peer> [<limit>]")
        .contains("no peer: set one with /to <user>")
        .contains("error 401")
        .contains("error 503")
        .contains("usage: /ack <seq>")
        .contains("unknown command /bogus")
        .endsWith("bye" + System.lineSeparator());
    assertThat(gateway.gateway().connections()).isZero();
  }

  @Test
  void quitLeavesBeforeTheRest() throws Exception {
    gateway = TestGateways.start(TestGateways.options(0));
    String[] args = {"--host", TestGateways.HOST, "--port", String.valueOf(gateway.port())};
    int code = ChatCli.run(args, new ByteArrayInputStream(lines("/quit", "/ping")), out);
    assertThat(code).isZero();
    assertThat(output()).doesNotContain("pong");
  }

  @Test
  void cannotConnectExitsWithOne() {
    int port = io.clusterchat.cluster.TestClusters.freePort();
    String[] args = {"--host", TestGateways.HOST, "--port", String.valueOf(port), "--timeout", "1"};
    assertThat(ChatCli.run(args, new ByteArrayInputStream(new byte[0]), out)).isEqualTo(1);
    assertThat(output()).contains("cannot connect");
  }

  @Test
  void badOptionIsAUsageError() {
    assertThat(ChatCli.run(new String[] {"--port", "zero"}, new ByteArrayInputStream(new byte[0]), out))
        .isEqualTo(2);
  }

  @Test
  void pushesAndReconnectsArePrintedWhileReading() throws Exception {
    // Idle timeout shorter than the heartbeat: the gateway pushes ERR 408 + BYE idle, the CLI reconnects.
    gateway = TestGateways.start(TestGateways.options(0).setIdleTimeoutMillis(500));
    String[] args = {"--host", TestGateways.HOST, "--port", String.valueOf(gateway.port()), "--heartbeat", "60"};
    PipedOutputStream typing = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(typing);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ChatCli.run(args, stdin, out));
    type(typing, "/ping");
    awaitOutput("pong in");
    awaitOutput("*** server says bye: idle");
    awaitOutput("*** disconnected");
    awaitOutput("*** reconnected to " + TestGateways.HOST + ":" + gateway.port());
    type(typing, "/to bob@sh");
    type(typing, "/quit");
    assertThat(exit.get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isZero();
    typing.close();
  }

  private static void type(PipedOutputStream typing, String line) throws IOException {
    typing.write(lines(line));
    typing.flush();
  }
}
