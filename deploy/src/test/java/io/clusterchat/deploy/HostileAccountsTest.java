package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.auth.AuthOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registration floods and login guessing over real sockets, each client from a loopback address of its own where it
 * matters (issue 11, findings 3 and 4).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileAccountsTest {

  private static final String PW = "s3cret-pass";
  private static final int FLOOD = 60;
  private static final int CROWD = 50;
  /** Registrations per address per minute (the auth-node's default). */
  private static final int REGISTER_LIMIT = 5;
  /** Retries of a 503 (each answered at once when hashing is at capacity): about 20 s of backing off at most. */
  private static final int RETRIES = 100;
  private static final long RETRY_PAUSE_MILLIS = 200;
  private static final long WAIT_SECONDS = 120;

  private TestChatCluster cluster;
  private final ExecutorService pool = Executors.newFixedThreadPool(CROWD);

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    // The auth-node's own register limit, not the lifted one of other test clusters.
    cluster = new TestChatCluster(dataDir, auth -> auth.setRegisterLimit(AuthOptions.DEFAULT_REGISTER_LIMIT)).start();
  }

  @AfterAll
  void stop() throws Exception {
    pool.shutdownNow();
    cluster.close();
  }

  /** Finding 3: the flood gets 429s (or honest 503s), another user's login still goes through at once. */
  @Test
  void aRegisterFloodFromOneAddressStoresNothingBehindA503AndDoesNotHoldUpLogins() throws Exception {
    try (LineClient victim = new LineClient(cluster.bj.port(), "127.0.0.3")) {
      assertThat(victim.call("REGISTER victim " + PW)).startsWith("OK REGISTER ");
      List<LineClient> flood = new ArrayList<>();
      for (int i = 0; i < FLOOD; i++) {
        flood.add(new LineClient(cluster.bj.port(), "127.0.0.2"));
      }
      for (int i = 0; i < FLOOD; i++) {
        flood.get(i).send("REGISTER flood" + i + " " + PW);
      }
      assertThat(victim.call("LOGIN victim " + PW)).startsWith("OK LOGIN victim@bj ");
      List<String> replies = new ArrayList<>();
      for (LineClient client : flood) {
        replies.add(client.read());
        client.close();
      }
      assertThat(replies).allMatch(reply -> reply.startsWith("OK REGISTER ") || reply.startsWith("ERR 429 ")
          || reply.startsWith("ERR 503 "));
      assertThat(replies.stream().filter(reply -> reply.startsWith("OK "))).hasSizeLessThanOrEqualTo(REGISTER_LIMIT);
      assertThat(replies.stream().filter(reply -> reply.startsWith("ERR 429 "))).isNotEmpty();
      // A 503 means nothing was stored: the same name registers now, from an address with registrations left.
      try (LineClient again = new LineClient(cluster.bj.port(), "127.0.0.4")) {
        for (int i = 0; i < FLOOD; i++) {
          if (replies.get(i).startsWith("ERR 503 ")) {
            assertThat(again.call("REGISTER flood" + i + " " + PW)).startsWith("OK REGISTER ");
          }
        }
      }
    }
  }

  /** Finding 4: five wrong guesses from one address do not stop the right password from another. */
  @Test
  void guessesFromOneAddressDoNotLockTheUserOutElsewhere() throws Exception {
    try (LineClient owner = new LineClient(cluster.bj.port(), "127.0.0.5");
         LineClient guesser = new LineClient(cluster.bj.port(), "127.0.0.6")) {
      assertThat(owner.call("REGISTER target " + PW)).startsWith("OK REGISTER ");
      for (int i = 0; i < REGISTER_LIMIT; i++) {
        assertThat(guesser.call("LOGIN target wrong-guess-" + i)).isEqualTo("ERR 401 wrong name or password");
      }
      assertThat(guesser.call("LOGIN target " + PW)).startsWith("ERR 429 ");
      assertThat(owner.call("LOGIN target " + PW)).startsWith("OK LOGIN target@bj ");
    }
  }

  /** Finding 4: fifty users behind one address (an office, a carrier NAT) all log in at once; none gets a 429. */
  @Test
  void fiftyUsersBehindOneAddressAllLogIn() throws Exception {
    for (int i = 0; i < CROWD; i++) {
      try (LineClient registrar = new LineClient(cluster.bj.port(), "127.0.1." + (1 + i / REGISTER_LIMIT))) {
        assertThat(registrar.call("REGISTER crowd" + i + " " + PW)).startsWith("OK REGISTER ");
      }
    }
    List<Future<String>> logins = new ArrayList<>();
    for (int i = 0; i < CROWD; i++) {
      String name = "crowd" + i;
      logins.add(pool.submit(() -> loginRetryingOn503(name)));
    }
    for (Future<String> login : logins) {
      assertThat(login.get(WAIT_SECONDS, TimeUnit.SECONDS)).startsWith("OK LOGIN ");
    }
  }

  /** What a client does: a 503 says try again shortly. */
  private String loginRetryingOn503(String name) throws Exception {
    try (LineClient client = new LineClient(cluster.bj.port(), "127.0.0.7")) {
      String reply = client.call("LOGIN " + name + " " + PW);
      for (int i = 0; i < RETRIES && reply.startsWith("ERR 503 "); i++) {
        Thread.sleep(RETRY_PAUSE_MILLIS);
        reply = client.call("LOGIN " + name + " " + PW);
      }
      return reply;
    }
  }
}
