package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.cluster.TestClusters;
import io.clusterchat.deploy.LineClient.Msg;
import io.clusterchat.gateway.Gateway;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions that never read their pushes (issue 11, finding 2: eight of them once kept ~39 MB in a gateway): past
 * max-outbound bytes waiting, each is closed (with {@code BYE slow} where the client lets it through), while a
 * session of the same user that reads gets every message, in order, gap-free.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowReaderTest {

  private static final String PW = "s3cret-pass";
  /** Small, so the test needs few messages to pass it; big enough for the bursts a reading session gets. */
  private static final int MAX_OUTBOUND = 256 * 1024;
  private static final int NEVER_READING_SESSIONS = 3;
  /** 1,500 x 3,900 bytes: about 5.9 MB for each session, past every socket buffer on the way and max-outbound. */
  private static final int MESSAGES = 1_500;
  private static final int TEXT_BYTES = 3_900;
  /** A small receive buffer on the client: its kernel takes only a little before the gateway has to hold it. */
  private static final int CLIENT_RECEIVE_BUFFER = 4 * 1024;
  private static final int CLOSE_WAIT_MILLIS = 10_000;
  private static final int HIGH_RATE = 1_000_000;
  private static final long POLL_MILLIS = 100;

  private TestChatCluster cluster;
  private Gateway gateway;

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    cluster = new TestChatCluster(dataDir).start();
    gateway = cluster.startGateway("gw-sl-1", "sl", options -> options.setMaxOutbound(MAX_OUTBOUND)
        .setRateLimit(HIGH_RATE).setRateBurst(HIGH_RATE).setAbuseLimit(HIGH_RATE));
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void sessionsThatNeverReadAreClosedAndTheOneThatReadsGetsEverything() throws Exception {
    try (LineClient alice = new LineClient(gateway.port()); LineClient bob = new LineClient(gateway.port())) {
      alice.hello();
      alice.registerAndLogin("alice", PW);
      bob.hello();
      bob.registerAndLogin("bob", PW);
      List<Socket> neverReading = new ArrayList<>();
      for (int i = 0; i < NEVER_READING_SESSIONS; i++) {
        neverReading.add(neverReadingLogin("bob"));
      }
      String text = "t".repeat(TEXT_BYTES);
      StringBuilder sends = new StringBuilder();
      for (int i = 0; i < MESSAGES; i++) {
        sends.append("SEND bob ").append(text).append('\n');
      }
      // Sent from another thread: bob reads meanwhile, as a live client does.
      Thread sender = new Thread(() -> {
        try {
          alice.send(sends.toString());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, "alice-sends");
      sender.start();
      for (int i = 1; i <= MESSAGES; i++) {
        Msg msg = bob.readMsg();
        assertThat(msg.seq()).isEqualTo(i);
      }
      sender.join();
      // Without the clients reading a byte, the gateway lets go of them (and of what waited for them).
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
      while (gateway.connections() > 2 && System.nanoTime() < deadline) {
        Thread.sleep(POLL_MILLIS);
      }
      assertThat(gateway.connections()).as("connections left: alice and bob").isEqualTo(2);
      for (Socket socket : neverReading) {
        assertThat(closedByTheGateway(socket)).as("a session that never reads is closed").isTrue();
        socket.close();
      }
      assertThat(bob.call("PING still-here")).isEqualTo("PONG still-here");
    }
  }

  /** A socket that logs in and then never reads; its small receive buffer fills at once. */
  private Socket neverReadingLogin(String user) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
    socket.connect(new InetSocketAddress(TestClusters.HOST, gateway.port()));
    socket.getOutputStream().write(("LOGIN " + user + " " + PW + "\n").getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return socket;
  }

  /** Reads what the gateway sent until the end of the stream: true if it ended (the gateway closed it). */
  private static boolean closedByTheGateway(Socket socket) throws IOException {
    socket.setSoTimeout(CLOSE_WAIT_MILLIS);
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    try {
      String last = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        last = line;
      }
      // The goodbye gets through only if the client's buffers had room for it; if it did, it is the last line.
      assertThat(last == null || last.equals("BYE slow") || last.startsWith("MSG ")).as("last line " + last)
          .isTrue();
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
