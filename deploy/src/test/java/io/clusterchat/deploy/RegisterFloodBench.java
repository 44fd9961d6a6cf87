package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.auth.AuthOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figure of docs/benchmarks.md, "Hostile clients: a REGISTER flood and another user's LOGIN": how long a LOGIN
 * of another user takes, from its own address, right after 60 REGISTERs were sent at once, against the same LOGIN on
 * a quiet cluster. The flood comes from one address (the auth-node's default limit of 5 a minute holds it back) or
 * from 60 addresses (every registration passes the limit and hashes: the registration lane fills and answers 503).
 * A measurement, not a test: it runs only when asked for ({@code -Dclusterchat.bench=true}) and prints its figures.
 */
@EnabledIfSystemProperty(named = "clusterchat.bench", matches = "true")
class RegisterFloodBench {

  private static final String PW = "s3cret-pass";
  private static final int FLOOD = 60;
  private static final int ROUNDS = 10;
  private static final long NANOS_PER_MILLI = 1_000_000;

  @Test
  void loginOfAnotherUserDuringARegisterFlood(@TempDir Path dataDir) throws Exception {
    try (TestChatCluster cluster = new TestChatCluster(dataDir,
        auth -> auth.setRegisterLimit(AuthOptions.DEFAULT_REGISTER_LIMIT)).start()) {
      try (LineClient registrar = new LineClient(cluster.bj.port(), "127.0.0.3")) {
        assertThat(registrar.call("REGISTER victim " + PW)).startsWith("OK REGISTER ");
      }
      long[] quiet = new long[ROUNDS];
      long[] oneAddress = new long[ROUNDS];
      long[] manyAddresses = new long[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        quiet[round] = loginMillis(cluster);
        int r = round;
        oneAddress[round] = duringFlood(cluster, "a" + r, i -> "127.0.2." + (1 + r));
        manyAddresses[round] = duringFlood(cluster, "b" + r, i -> "127.0." + (3 + r) + "." + (1 + i));
      }
      print("quiet cluster", quiet);
      print("60 REGISTERs from one address", oneAddress);
      print("60 REGISTERs from 60 addresses", manyAddresses);
    }
  }

  /** Sends FLOOD registrations, then times the victim's LOGIN; reads every registration's answer before returning. */
  private static long duringFlood(TestChatCluster cluster, String prefix, IntFunction<String> source)
      throws Exception {
    List<LineClient> flood = new ArrayList<>();
    try {
      for (int i = 0; i < FLOOD; i++) {
        flood.add(new LineClient(cluster.bj.port(), source.apply(i)));
      }
      for (int i = 0; i < FLOOD; i++) {
        flood.get(i).send("REGISTER " + prefix + "x" + i + " " + PW);
      }
      long millis = loginMillis(cluster);
      for (LineClient client : flood) {
        assertThat(client.read()).matches("OK REGISTER .*|ERR 429 .*|ERR 503 .*");
      }
      return millis;
    } finally {
      for (LineClient client : flood) {
        client.close();
      }
    }
  }

  private static long loginMillis(TestChatCluster cluster) throws Exception {
    try (LineClient victim = new LineClient(cluster.bj.port(), "127.0.0.4")) {
      long start = System.nanoTime();
      String reply = victim.call("LOGIN victim " + PW);
      long millis = (System.nanoTime() - start) / NANOS_PER_MILLI;
      assertThat(reply).startsWith("OK LOGIN victim@bj ");
      return millis;
    }
  }

  private static void print(String what, long[] millis) {
    long[] sorted = millis.clone();
    Arrays.sort(sorted);
    System.out.printf("register flood: %s: LOGIN of another user %d ms median, %d ms at most (%d rounds: %s)%n",
        what, sorted[sorted.length / 2], sorted[sorted.length - 1], sorted.length, Arrays.toString(millis));
  }
}
