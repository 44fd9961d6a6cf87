package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.deploy.LineClient.Msg;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes that stop or crash under a running chat: each test gets a cluster of its own. */
class ChatFailureTest {

  private static final String PW = "s3cret-pass";
  private static final int POLL_MILLIS = 200;
  private static final int MAX_POLLS = 100;

  @TempDir
  Path dataDir;

  private TestChatCluster cluster;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = new TestChatCluster(dataDir).start();
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void usersOfACrashedGatewayShowOffline() throws Exception {
    try (LineClient asker = new LineClient(cluster.bj.port());
         LineClient victim = new LineClient(cluster.sh.port())) {
      asker.registerAndLogin("asker", PW);
      victim.registerAndLogin("victim", PW);
      assertThat(asker.call("WHO victim@sh")).isEqualTo("OK WHO victim@sh online sh");

      cluster.crash(cluster.gatewaySh);

      String who = "";
      for (int i = 0; i < MAX_POLLS && !who.endsWith("offline"); i++) {
        Thread.sleep(POLL_MILLIS);
        who = asker.call("WHO victim@sh");
      }
      assertThat(who).isEqualTo("OK WHO victim@sh offline");
    }
  }

  @Test
  void authNodeDownGives503WithinTheTimeout() throws Exception {
    try (LineClient client = new LineClient(cluster.bj.port())) {
      assertThat(client.call("REGISTER uma " + PW)).startsWith("OK REGISTER ");
      cluster.stop(cluster.auth);

      assertThat(client.call("LOGIN uma " + PW)).startsWith("ERR 503 ");
      assertThat(client.call("REGISTER vera " + PW)).startsWith("ERR 503 ");
      assertThat(client.call("PING")).as("the connection still works").isEqualTo("PONG");
    }
  }

  @Test
  void persistenceRestartBetweenSendAndSyncLosesNothing() throws Exception {
    try (LineClient sender = new LineClient(cluster.bj.port())) {
      sender.registerAndLogin("walt", PW);
      assertThat(sender.call("REGISTER xena " + PW)).startsWith("OK REGISTER ");
      for (int i = 1; i <= 5; i++) {
        assertThat(sender.call("SEND xena message " + i)).startsWith("OK SEND ");
      }

      cluster.stop(cluster.persistence);
      assertThat(sender.call("SEND xena while the store is down")).startsWith("ERR 503 ");
      cluster.startPersistence();

      assertThat(sender.call("SEND xena after the restart")).startsWith("OK SEND ");
      try (LineClient reader = new LineClient(cluster.sh.port())) {
        String[] login = reader.call("LOGIN xena@bj " + PW).split(" ");
        assertThat(login[5]).as("latest: the 503 send stored nothing").isEqualTo("6");
        reader.send("SYNC");
        for (int i = 1; i <= 5; i++) {
          Msg msg = reader.readMsg();
          assertThat(msg.seq()).isEqualTo(i);
          assertThat(msg.text()).isEqualTo("message " + i);
        }
        Msg last = reader.readMsg();
        assertThat(last.seq()).isEqualTo(6);
        assertThat(last.text()).isEqualTo("after the restart");
        assertThat(reader.read()).isEqualTo("OK SYNC 6 6");
      }
    }
  }
}
