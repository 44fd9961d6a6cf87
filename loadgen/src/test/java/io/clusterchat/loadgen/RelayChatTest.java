package io.clusterchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.clusterchat.loadgen.impl.JetStreamRelay;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code loadgen chat} through the durable relays it is compared with, the local NATS server with JetStream
 * (127.0.0.1:4222) and RabbitMQ (127.0.0.1:5672, guest/guest): a closed loop and a fixed rate on the same users must
 * deliver every message, count each storage acknowledgement, and leave no stream or queue behind. With {@code CI=true}
 * the servers must be there; elsewhere a test is skipped, saying why, when its server is not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayChatTest {

  private static final String HOST = "127.0.0.1";
  private static final int NATS_PORT = 4222;
  private static final int RABBITMQ_PORT = 5672;
  private static final int CONNECT_MILLIS = 1000;
  /** Messages a second of the fixed-rate step, in all; measured for one second. */
  private static final int RATE = 100;

  @TempDir
  Path results;

  @Test
  void jetStreamRelaysAClosedLoopAndAFixedRate() throws Exception {
    reachable("NATS (JetStream)", NATS_PORT);
    JsonArray steps = run("jetstream", NATS_PORT, "tj");
    steps.forEach(step -> assertEveryMessageDelivered((JsonObject) step));
    try (Connection nats = Nats.connect("nats://" + HOST + ":" + NATS_PORT)) {
      assertThatThrownBy(() -> nats.jetStreamManagement().getStreamInfo(JetStreamRelay.streamName("tj")))
          .as("the run's stream is deleted after it").isInstanceOf(JetStreamApiException.class);
    }
  }

  @Test
  void rabbitMqRelaysAClosedLoopAndAFixedRate() throws Exception {
    reachable("RabbitMQ", RABBITMQ_PORT);
    JsonArray steps = run("rabbitmq", RABBITMQ_PORT, "tr");
    steps.forEach(step -> assertEveryMessageDelivered((JsonObject) step));
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(HOST);
    factory.setPort(RABBITMQ_PORT);
    try (com.rabbitmq.client.Connection rabbit = factory.newConnection()) {
      Channel channel = rabbit.createChannel();
      assertThatThrownBy(() -> channel.queueDeclarePassive("tr.chat.tr0a"))
          .as("the run's queues are deleted after it").isInstanceOf(IOException.class);
    }
  }

  /** A closed-loop step, then a fixed-rate one, 2 pairs, a second each. */
  private JsonArray run(String protocol, int port, String prefix) throws Exception {
    Path out = results.resolve(protocol + ".json");
    int code = new CommandLine(new LoadGen()).execute("chat", "--protocol", protocol, "--a", HOST + ":" + port,
        "--pairs", "2", "--rate", "0," + RATE, "--prefix", prefix, "--warmup", "0", "--duration", "1",
        "--threads", "1", "--out", out.toString());
    assertThat(code).as("exit code of loadgen chat --protocol %s", protocol).isZero();
    JsonArray steps = new JsonObject(Files.readString(out)).getJsonArray("steps");
    assertThat(steps.getJsonObject(0).getBoolean("closedLoop")).isTrue();
    assertThat(steps.getJsonObject(1).getBoolean("closedLoop")).isFalse();
    // A second at the fixed rate, give or take a busy machine's timer ticks.
    assertThat(steps.getJsonObject(1).getLong("sent")).isBetween(RATE / 2L, RATE * 3L / 2);
    return steps;
  }

  private static void assertEveryMessageDelivered(JsonObject step) {
    assertThat(step.getLong("received")).isPositive();
    assertThat(step.getLong("errors")).isZero();
    assertThat(step.getLong("undelivered")).isZero();
    JsonObject latency = step.getJsonObject("latency");
    assertThat(latency.getJsonObject("delivery").getDouble("p50Ms")).isPositive();
    assertThat(latency.getJsonObject("stored").getLong("count")).as("storage acknowledgements").isPositive();
  }

  private static void reachable(String server, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), CONNECT_MILLIS);
    } catch (IOException e) {
      if ("true".equals(System.getenv("CI"))) {
        throw e;
      }
      Assumptions.abort(server + " is not reachable at " + HOST + ":" + port + " (" + e.getMessage()
          + "); CI=true makes this a failure");
    }
  }
}
