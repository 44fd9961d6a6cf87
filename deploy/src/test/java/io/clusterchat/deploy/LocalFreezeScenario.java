package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12's zombie clients, on the real local cluster: gateway {@code gw-sh-1} is frozen (SIGSTOP, a stand-in for
 * a partition) long enough for the cluster to declare it gone, then thawed. None of its clients may be left
 * connected where nobody can reach it: carol gets {@code BYE shutdown} (or, should the gateway have merged back
 * before it cut her off, stays reachable). Then the gateway serves again: carol logs in there, WHO tells the truth,
 * and a message to her is pushed.
 */
final class LocalFreezeScenario {

  private static final String PW = "s3cret-pass";
  /** Past the cluster's 5 s heartbeat timeout, with a margin: the cluster declares the gateway gone. */
  private static final long FROZEN_MILLIS = 15_000;
  /** After the thaw: up to 5 s to see it is alone, 5 s more before it lets its clients go, and slack. */
  private static final int BYE_WAIT_MILLIS = 40_000;
  /** Until the gateway has merged back and serves again (Hazelcast merges every 5 s now, not every 2 minutes). */
  private static final long SERVE_AGAIN_MILLIS = 90_000;
  private static final int RETRY_PAUSE_MILLIS = 1_000;

  private final LocalClusterScenario cluster;

  LocalFreezeScenario(LocalClusterScenario cluster) {
    this.cluster = cluster;
  }

  void run() throws Exception {
    long pid = Long.parseLong(Files.readString(cluster.home.resolve(Path.of("run", "gw-sh-1.pid"))).trim());
    try (LineClient carol = new LineClient(cluster.gatewaySh())) {
      carol.hello();
      carol.registerAndLogin("frozencarol", PW);
      signal("STOP", pid);
      try {
        Thread.sleep(FROZEN_MILLIS);
      } finally {
        signal("CONT", pid);
      }
      long thawed = System.nanoTime();
      String seen = carol.poll(BYE_WAIT_MILLIS);
      System.out.printf("frozen gateway: %s %d ms after the thaw%n",
          seen == null ? "carol still connected" : "carol got '" + seen + "'",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - thawed));
      if (seen != null) {
        assertThat(seen).as("what carol's frozen gateway says once thawed").isEqualTo("BYE shutdown");
      } else {
        // Still connected: then she must be reachable, or she would be a zombie.
        assertThat(carol.call("PING")).isEqualTo("PONG");
        assertReachable(carol);
      }
    }
    try (LineClient carol = serveAgain()) {
      assertReachable(carol);
    }
  }

  /** WHO says carol is online in sh, and a message to her is pushed to her connection. */
  private void assertReachable(LineClient carol) throws Exception {
    try (LineClient dave = new LineClient(cluster.gatewaySh())) {
      dave.hello();
      dave.registerAndLogin("thawdave" + System.nanoTime() % 1_000_000, PW);
      assertThat(dave.call("WHO frozencarol@sh")).isEqualTo("OK WHO frozencarol@sh online sh");
      assertThat(dave.call("SEND frozencarol@sh are you there")).startsWith("OK SEND ");
      LineClient.Msg msg = carol.readMsg();
      assertThat(msg.text()).isEqualTo("are you there");
    }
  }

  /** Connects to the thawed gateway until it greets and logs carol in (503s while it merges back are retried). */
  private LineClient serveAgain() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SERVE_AGAIN_MILLIS);
    String last = null;
    while (System.nanoTime() < deadline) {
      LineClient client = null;
      try {
        client = new LineClient(cluster.gatewaySh());
        client.hello();
        last = client.call("LOGIN frozencarol " + PW);
        if (last.startsWith("OK LOGIN ")) {
          return client;
        }
      } catch (java.io.IOException | AssertionError e) {
        last = e.toString();
      }
      if (client != null) {
        client.close();
      }
      Thread.sleep(RETRY_PAUSE_MILLIS);
    }
    throw new AssertionError("gw-sh-1 did not serve again within " + SERVE_AGAIN_MILLIS + " ms; last: " + last);
  }

  private void signal(String signal, long pid) throws Exception {
    LocalClusterScenario.Result result = cluster.run(List.of("kill", "-" + signal, String.valueOf(pid)), "");
    assertThat(result.exitCode()).as(result.output()).isZero();
  }
}
