package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.ClusterOptions;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.deploy.impl.CertificateAuthority;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-bus TLS with client certificates (issue 11, finding 11), on real Hazelcast and real sockets: nodes with a
 * certificate of the cluster CA talk; a clustered Vert.x that joined the same Hazelcast cluster without one, or with
 * one of another CA, and a raw socket on the bus port, reach no consumer. The control case shows the same intruders
 * delivering when the bus is plain, so the other cases would fail without TLS.
 */
class BusTlsTest {

  private static final long TIMEOUT_SECONDS = 30;
  private static final long REQUEST_TIMEOUT_MILLIS = 3_000;
  /** After a refused request: time for a late delivery to show up if it were coming. */
  private static final long SETTLE_MILLIS = 1_000;
  private static final String ADDRESS = "test.bustls.echo";
  private static final List<String> HOSTS = List.of(TestClusters.HOST, "localhost");

  @TempDir
  Path dir;

  private final TestClusters cluster = new TestClusters();
  /** Closed last to first: intruders and lite members before the seed. */
  private final List<Vertx> started = new ArrayList<>();
  private final AtomicInteger delivered = new AtomicInteger();

  @BeforeEach
  void makeCertificates() throws Exception {
    for (String ca : List.of("cluster", "other")) {
      CertificateAuthority.openOrCreate(dir.resolve(ca)).issue(dir.resolve(ca), "node", HOSTS);
    }
  }

  @AfterEach
  void closeNodes() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        await(started.get(i).close());
      } catch (ExecutionException e) {
        // A node that failed to leave cleanly must not hide the test's own result.
      }
    }
  }

  @Test
  void nodesWithCertificatesOfTheClusterCaTalkBothWays() throws Exception {
    ClusterNode seed = start(withTls(cluster.node("ss-1", NodeRole.SESSION_STORE, null, true), "cluster"));
    ClusterNode other = start(withTls(cluster.node("auth-1", NodeRole.AUTH_NODE, null, false), "cluster"));
    echo(seed.vertx(), ADDRESS);
    echo(other.vertx(), ADDRESS + ".2");

    assertThat(request(other.vertx(), ADDRESS, "ping")).isEqualTo("pong ping");
    assertThat(request(seed.vertx(), ADDRESS + ".2", "ping")).isEqualTo("pong ping");
  }

  @Test
  void aNodeWithoutACertificateCannotDeliver() throws Exception {
    ClusterNode seed = start(withTls(cluster.node("ss-1", NodeRole.SESSION_STORE, null, true), "cluster"));
    echo(seed.vertx(), ADDRESS);
    ClusterNode intruder = start(cluster.node("intruder", NodeRole.GATEWAY, "bj", false));

    assertRefused(intruder);
  }

  @Test
  void aNodeWithACertificateOfAnotherCaCannotDeliver() throws Exception {
    ClusterNode seed = start(withTls(cluster.node("ss-1", NodeRole.SESSION_STORE, null, true), "cluster"));
    echo(seed.vertx(), ADDRESS);
    ClusterNode intruder = start(withTls(cluster.node("intruder", NodeRole.GATEWAY, "bj", false), "other"));

    assertRefused(intruder);
  }

  /**
   * The other direction: a TLS node does not hand its messages to a TLS server it cannot trust. Vert.x's
   * EventBusOptions trust every server by default; ClusterNode turns that off.
   */
  @Test
  void aTlsNodeSendsNothingToAServerOfAnotherCa() throws Exception {
    ClusterNode seed = start(withTls(cluster.node("ss-1", NodeRole.SESSION_STORE, null, true), "cluster"));
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(TestClusters.HOST).setSsl(true).setClientAuth(ClientAuth.NONE)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(file("other", "node.pem"))
            .setKeyPath(file("other", "node-key.pem")));
    Vertx intruder = await(Vertx.builder().with(options)
        .withClusterManager(new HazelcastClusterManager(
            ClusterNode.hazelcastConfig(cluster.node("intruder", NodeRole.GATEWAY, "bj", false))))
        .buildClustered());
    started.add(intruder);
    echo(intruder, ADDRESS);

    ReplyFailure failure = requestFailure(seed.vertx(), ADDRESS);
    Thread.sleep(SETTLE_MILLIS);
    assertThat(failure).isIn(ReplyFailure.TIMEOUT, ReplyFailure.ERROR);
    assertThat(delivered).hasValue(0);
  }

  @Test
  void rawBytesOnTheBusPortReachNoConsumer() throws Exception {
    int busPort = TestClusters.freePort();
    ClusterNode seed = start(withTls(cluster.node("ss-1", NodeRole.SESSION_STORE, null, true), "cluster")
        .setBusPort(busPort));
    echo(seed.vertx(), ADDRESS);

    boolean closed = writeRawFrame(busPort, ADDRESS, "ping");
    Thread.sleep(SETTLE_MILLIS);
    assertThat(delivered).hasValue(0);
    assertThat(closed).as("the TLS node drops a connection that does not speak TLS").isTrue();
  }

  /** The control: with a plain bus the very same intruders deliver, so the cases above test TLS and nothing else. */
  @Test
  void controlWithAPlainBusTheSameIntrudersDeliver() throws Exception {
    int busPort = TestClusters.freePort();
    ClusterNode seed = start(cluster.node("ss-1", NodeRole.SESSION_STORE, null, true).setBusPort(busPort));
    echo(seed.vertx(), ADDRESS);

    writeRawFrame(busPort, ADDRESS, "raw");
    long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
    while (delivered.get() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(SETTLE_MILLIS / 10);
    }
    assertThat(delivered).as("a raw frame on a plain bus port reaches the consumer").hasValue(1);

    ClusterNode intruder = start(cluster.node("intruder", NodeRole.GATEWAY, "bj", false));
    assertThat(request(intruder.vertx(), ADDRESS, "ping")).isEqualTo("pong ping");
    assertThat(delivered).hasValue(2);
  }

  /** An intruder sees the consumer's registration, sends to it, and gets no reply; the consumer never runs. */
  private void assertRefused(ClusterNode intruder) throws Exception {
    ReplyFailure failure = requestFailure(intruder.vertx(), ADDRESS);
    Thread.sleep(SETTLE_MILLIS);
    // Not NO_HANDLERS: the intruder found the consumer and tried; TLS is what stopped it.
    assertThat(failure).isIn(ReplyFailure.TIMEOUT, ReplyFailure.ERROR);
    assertThat(delivered).hasValue(0);
  }

  private ClusterNode start(ClusterOptions options) throws Exception {
    ClusterNode node = await(ClusterNode.start(options));
    started.add(node.vertx());
    return node;
  }

  private ClusterOptions withTls(ClusterOptions options, String ca) {
    return options.setBusTlsCert(file(ca, "node.pem")).setBusTlsKey(file(ca, "node-key.pem"))
        .setBusTlsCa(file(ca, CertificateAuthority.CA_CERT));
  }

  private String file(String ca, String name) {
    return dir.resolve(ca).resolve(name).toString();
  }

  private void echo(Vertx vertx, String address) throws Exception {
    MessageConsumer<String> consumer = vertx.eventBus().consumer(address, message -> {
      delivered.incrementAndGet();
      message.reply("pong " + message.body());
    });
    await(consumer.completion());
  }

  /**
   * A request that has found its consumer's registration: registrations reach other nodes through Hazelcast a
   * moment after the consumer is ready, and until then a request fails at once with NO_HANDLERS, which would let a
   * refusal test pass for the wrong reason. So NO_HANDLERS is retried; any other outcome is the answer.
   */
  private static String request(Vertx from, String address, String body) throws Exception {
    long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
    while (true) {
      try {
        return await(from.eventBus().<String>request(address, body,
            new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS))).body();
      } catch (ExecutionException e) {
        boolean unrouted = e.getCause() instanceof ReplyException reply
            && reply.failureType() == ReplyFailure.NO_HANDLERS;
        if (!unrouted || System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(SETTLE_MILLIS / 10);
      }
    }
  }

  private static ReplyFailure requestFailure(Vertx from, String address) throws Exception {
    try {
      String reply = request(from, address, "ping");
      return fail("the request was answered: " + reply);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      return ((ReplyException) e.getCause()).failureType();
    }
  }

  /**
   * Writes one well-formed clustered event-bus frame (Vert.x 5 wire format, version 2: a publish of a String) to
   * the bus port, as a local process could. Returns whether the node closed the connection within a few seconds.
   */
  private static boolean writeRawFrame(int port, String address, String body) throws Exception {
    Buffer frame = Buffer.buffer().appendInt(0)
        .appendByte((byte) 2)   // wire protocol version
        .appendByte((byte) 9)   // system codec: String
        .appendByte((byte) 1);  // publish
    appendString(frame, address);
    frame.appendInt(0);         // no reply address
    appendString(frame, TestClusters.HOST + ":1");
    frame.appendInt(4);         // no headers
    appendString(frame, body);
    frame.setInt(0, frame.length() - 4);
    try (Socket socket = new Socket(TestClusters.HOST, port)) {
      socket.getOutputStream().write(frame.getBytes());
      socket.getOutputStream().flush();
      socket.setSoTimeout((int) REQUEST_TIMEOUT_MILLIS);
      InputStream in = socket.getInputStream();
      try {
        while (in.read() != -1) {
          // A TLS server may answer with an alert before it closes; read to the end.
        }
        return true;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (SocketException e) {
        return true;
      }
    }
  }

  private static void appendString(Buffer buffer, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
