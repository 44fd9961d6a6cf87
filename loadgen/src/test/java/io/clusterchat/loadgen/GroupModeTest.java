package io.clusterchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code loadgen group} against {@link FakeGroupGateway}: setup, sending at a fixed rate and in a closed loop, and
 * the accounting of every member's pushes (a push left out is a gap, one sent twice a duplicate). The same mode
 * against a real cluster is deploy's LoadGenTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupModeTest {

  private static final long WAIT_SECONDS = 10;

  @TempDir
  Path results;

  private Vertx vertx;
  private FakeGroupGateway gateway;
  private int port;

  @BeforeEach
  void startGateway() throws Exception {
    vertx = Vertx.vertx();
    gateway = new FakeGroupGateway();
    port = gateway.start(vertx).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopGateway() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void everyMemberGetsEveryMessageOnce() throws Exception {
    JsonObject result = run("--groups", "2", "--members", "5", "--senders", "2", "--rate", "40");
    assertThat(result.getLong("joinFailures")).isZero();
    assertThat(result.getLong("connectionFailures")).isZero();
    assertThat(result.getLong("messagesSent")).isPositive();
    assertThat(result.getLong("acknowledged")).isEqualTo(result.getLong("messagesSent"));
    // Each message reaches the 4 other members of its group.
    assertThat(result.getLong("pushesDelivered")).isEqualTo(4 * result.getLong("acknowledged"));
    assertThat(result.getLong("undelivered")).isZero();
    assertThat(result.getLong("gaps")).isZero();
    assertThat(result.getLong("duplicates")).isZero();
    assertThat(result.getLong("messagesSeenByNobody")).isZero();
    JsonObject delivery = result.getJsonObject("latency").getJsonObject("delivery");
    assertThat(delivery.getLong("count")).isPositive();
    assertThat(delivery.getDouble("p90Ms")).isPositive();
    assertThat(delivery.getDouble("maxMs")).isGreaterThanOrEqualTo(delivery.getDouble("p99Ms"));
  }

  @Test
  void usersInSeveralGroupsAndAClosedLoop() throws Exception {
    JsonObject result = run("--groups", "4", "--members", "3", "--users", "6", "--senders", "1", "--rate", "0");
    assertThat(result.getBoolean("closedLoop")).isTrue();
    assertThat(result.getInteger("users")).isEqualTo(6);
    assertThat(result.getLong("acknowledged")).isPositive();
    assertThat(result.getLong("pushesDelivered")).isEqualTo(2 * result.getLong("acknowledged"));
    assertThat(result.getLong("gaps")).isZero();
    assertThat(result.getLong("duplicates")).isZero();
  }

  @Test
  void aLostPushIsAGapAndARepeatedOneADuplicate() throws Exception {
    // Users are <prefix>u<k>: group 0's members are fu0 .. fu4, its senders fu0 and fu1; seqs 1 to 5 are its creation and joins.
    gateway.dropPush = (member, seq) -> member.startsWith("fu3@") && seq == 10;
    gateway.repeatPush = (member, seq) -> member.startsWith("fu4@") && seq == 12;
    JsonObject result = run("--groups", "1", "--members", "5", "--senders", "2", "--rate", "40");
    assertThat(result.getLong("acknowledged")).as("enough messages to reach seq 12").isGreaterThan(8);
    assertThat(result.getLong("gaps")).isEqualTo(1);
    assertThat(result.getLong("membersWithGaps")).isEqualTo(1);
    assertThat(result.getLong("duplicates")).isEqualTo(1);
    assertThat(result.getLong("membersWithDuplicates")).isEqualTo(1);
    assertThat(result.getLong("messagesSeenByNobody")).isZero();
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(usageError("--members", "1")).contains("--members must be at least 2");
    assertThat(usageError("--members", "3", "--senders", "4")).contains("--senders must be 1 to --members");
    assertThat(usageError("--groups", "2", "--members", "3", "--senders", "1", "--users", "2")).contains("--users must be");
    assertThat(usageError("--size", "10")).contains("--size must be");
    assertThat(usageError("--prefix", "Bad")).contains("--prefix");
  }

  private JsonObject run(String... options) throws Exception {
    Path out = results.resolve("group.json");
    String[] args = concat(new String[] {"group", "--target", "127.0.0.1:" + port, "--prefix", "f",
        "--warmup", "0", "--duration", "1", "--threads", "2", "--out", out.toString()}, options);
    int code = new CommandLine(new LoadGen()).execute(args);
    assertThat(code).as("exit code of loadgen %s", String.join(" ", args)).isZero();
    JsonObject result = new JsonObject(Files.readString(out));
    assertThat(result.getString("mode")).isEqualTo("group");
    return result;
  }

  private String usageError(String... options) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine commandLine = new CommandLine(new LoadGen());
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(concat(new String[] {"group", "--target", "127.0.0.1:" + port, "--rate", "1"},
        options));
    assertThat(code).isEqualTo(2);
    return err.toString();
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = new String[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
