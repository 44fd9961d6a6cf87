package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.deploy.impl.CertificateAuthority;
import io.clusterchat.gateway.impl.EchoServiceVerticle;
import io.clusterchat.loadgen.LoadGen;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every mode of the load generator, briefly, against a real cluster (gateways in bj and sh with every back end):
 * each run must finish, account for every request it sent, and write its result. Speed is not asserted here; the
 * benchmarks measure it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LoadGenTest {

  @TempDir
  static Path dataDir;

  @TempDir
  static Path results;

  /** The gateway's highest rate limit: none, in effect. */
  private static final int NO_LIMIT = 1_000_000;

  private TestChatCluster cluster;
  /** Gateways with a TLS port and a WebSocket port, bj's over TLS (wss), sh's plain; and the CA clients trust. */
  private Gateway tlsBj;
  private Gateway wsSh;
  private Path trust;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new TestChatCluster(dataDir).start();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void echoAtAFixedRateThroughTheGateway() throws Exception {
    // 25 requests a second per connection: under the gateway's default rate limit of 100.
    // Two steps on the same connections; 25 and 40 requests a second per connection stay under the gateway's
    // default rate limit of 100.
    JsonObject result = run("echo-gateway", "echo", "--target", bj(), "--connections", "2", "--rate", "50,80",
        "--warmup", "1", "--duration", "2");
    JsonObject first = step(result, 0);
    JsonObject second = step(result, 1);
    assertThat(first.getDouble("rate")).isEqualTo(50.0);
    assertThat(first.getLong("received")).isBetween(80L, 120L);
    assertThat(second.getLong("received")).isBetween(130L, 190L);
    for (JsonObject step : new JsonObject[] {first, second}) {
      assertThat(step.getLong("errors")).isZero();
      assertThat(step.getLong("unanswered")).isZero();
      assertThat(latency(step, "latency").getDouble("p50Ms")).isPositive();
      assertThat(step.getBoolean("closedLoop")).isFalse();
    }
  }

  @Test
  void echoInAClosedLoopAgainstTheEchoService() throws Exception {
    EchoServiceVerticle echo = new EchoServiceVerticle("127.0.0.1", 0);
    TestChatCluster.await(cluster.gatewayBj.vertx().deployVerticle(echo));
    JsonObject result = step(run("echo-service", "echo", "--target", "127.0.0.1:" + echo.actualPort(),
        "--protocol", "raw", "--connections", "4", "--warmup", "0", "--duration", "1"), 0);
    assertThat(result.getBoolean("closedLoop")).isTrue();
    assertThat(result.getLong("received")).isPositive();
    assertThat(result.getLong("errors")).isZero();
    assertThat(result.getLong("unanswered")).isZero();
    // The counters and the histogram are read a moment apart at the window's edges: close, not equal.
    assertThat(latency(result, "latency").getLong("count")).isCloseTo(result.getLong("received"), withinPercentage(5));
    assertThat(latency(result, "latency").getJsonArray("percentiles")).isNotEmpty();
  }

  @Test
  void chatAcrossRegionsDeliversEveryMessageInOrder() throws Exception {
    JsonObject result = step(run("chat", "chat", "--a", bj(), "--b", sh(), "--pairs", "2", "--rate", "40",
        "--prefix", "ct", "--warmup", "1", "--duration", "2"), 0);
    assertThat(result.getLong("sent")).isPositive();
    assertThat(result.getLong("errors")).isZero();
    assertThat(result.getLong("undelivered")).isZero();
    assertThat(result.getLong("outOfOrder")).isZero();
    assertThat(latency(result, "stored").getLong("count")).isPositive();
    assertThat(latency(result, "delivery").getDouble("p99Ms")).isPositive();
  }

  @Test
  void chatInAClosedLoopPlaysPingPongAcrossRegions() throws Exception {
    // A closed loop sends as fast as the cluster answers: gateways of its own without the per-connection rate limit,
    // as bench.sh's cluster has.
    Gateway bj = cluster.startGateway("gw-bj-8", "bj", LoadGenTest::unlimited);
    Gateway sh = cluster.startGateway("gw-sh-8", "sh", LoadGenTest::unlimited);
    JsonObject result = step(run("chat-closed", "chat", "--a", "127.0.0.1:" + bj.port(), "--b",
        "127.0.0.1:" + sh.port(), "--pairs", "2", "--rate", "0", "--prefix", "cl", "--warmup", "0",
        "--duration", "2"), 0);
    assertThat(result.getBoolean("closedLoop")).isTrue();
    assertThat(result.getLong("received")).isPositive();
    assertThat(result.getLong("errors")).isZero();
    assertThat(result.getLong("undelivered")).isZero();
    assertThat(result.getLong("outOfOrder")).isZero();
    // One message in flight per pair: every send but the pairs' last is answered, within the window's edges.
    assertThat(result.getLong("sent")).isBetween(result.getLong("received") - 2, result.getLong("received") + 2);
    assertThat(latency(result, "stored").getLong("count")).isPositive();
    assertThat(latency(result, "delivery").getDouble("p50Ms")).isPositive();
  }

  @Test
  void resumesInClosedLoops() throws Exception {
    JsonObject result = run("login", "login", "--target", sh(), "--kind", "resume", "--users", "2",
        "--concurrency", "2", "--prefix", "lt", "--warmup", "0", "--duration", "1");
    assertThat(result.getLong("received")).isPositive();
    assertThat(result.getLong("errors")).isZero();
  }

  @Test
  void holdsLoggedInConnectionsFromSeveralSourceAddresses() throws Exception {
    int before = cluster.bj.connections();
    JsonObject result = run("connections", "connections", "--target", bj(), "--count", "60", "--users", "3",
        "--sources", "3", "--heartbeat", "1", "--prefix", "cn", "--warmup", "0", "--duration", "2");
    assertThat(result.getLong("established")).isEqualTo(60);
    assertThat(result.getLong("failed")).isZero();
    assertThat(result.getInteger("openAtEnd")).isEqualTo(60);
    assertThat(result.getLong("droppedWhileHolding")).isZero();
    assertThat(result.getLong("pongs")).isPositive();
    assertThat(result.getJsonArray("series").getJsonObject(0).getInteger("open")).isEqualTo(60);
    // Closed at the end: the gateway sees them go.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cluster.bj.connections() > before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(cluster.bj.connections()).isEqualTo(before);
  }

  @Test
  void groupChatAcrossRegionsReachesEveryMemberOnce() throws Exception {
    // Two groups of 4 members spread over both regions' gateways, two senders each: 5 messages a second per
    // sender, under the gateways' default rate limit.
    JsonObject result = run("group", "group", "--target", bj() + "," + sh(), "--groups", "2", "--members", "4",
        "--senders", "2", "--rate", "20", "--prefix", "gt", "--warmup", "1", "--duration", "2");
    assertThat(result.getLong("connectionFailures")).isZero();
    assertThat(result.getLong("joinFailures")).isZero();
    assertThat(result.getLong("acknowledged")).isPositive().isEqualTo(result.getLong("messagesSent"));
    assertThat(result.getLong("refused")).isZero();
    // Every message reaches the 3 other members of its group, each exactly once.
    assertThat(result.getLong("pushesDelivered")).isEqualTo(3 * result.getLong("acknowledged"));
    assertThat(result.getLong("undelivered")).isZero();
    assertThat(result.getLong("gaps")).isZero();
    assertThat(result.getLong("duplicates")).isZero();
    assertThat(result.getLong("messagesSeenByNobody")).isZero();
    assertThat(latency(result, "delivery").getDouble("p99Ms")).isPositive();
    assertThat(latency(result, "stored").getLong("count")).isPositive();
  }

  @Test
  void aBadOptionIsAUsageError() {
    assertUsageError("--target wants HOST:PORT", "echo", "--target", "nowhere", "--duration", "1");
    assertUsageError("--trust is for --tls", "login", "--target", bj(), "--trust", "ca.pem");
    assertUsageError("--protocol raw runs over TCP only", "echo", "--target", bj(), "--protocol", "raw", "--ws");
    assertUsageError("--protocol irc runs over TCP only", "chat", "--a", bj(), "--rate", "1", "--protocol", "irc",
        "--tls");
  }

  // ---- TLS and WebSocket ----

  private void startTransportGateways() throws Exception {
    if (tlsBj != null) {
      return;
    }
    Path tls = dataDir.resolve("client-tls");
    CertificateAuthority ca = CertificateAuthority.openOrCreate(tls);
    CertificateAuthority.Issued cert = ca.issue(tls, "gateway", List.of("127.0.0.1", "localhost"));
    trust = tls.resolve(CertificateAuthority.CA_CERT);
    // Pages of one web origin only: the generator, no page, sends no Origin and is let in.
    tlsBj = cluster.startGateway("gw-bj-7", "bj", options -> options.setTlsPort(0).setWsPort(0).setWsTls(true)
        .setTlsCert(cert.certificate().toString()).setTlsKey(cert.key().toString())
        .setWsOrigins(List.of("https://chat.example.com")));
    wsSh = cluster.startGateway("gw-sh-7", "sh", options -> options.setTlsPort(0).setWsPort(0)
        .setTlsCert(cert.certificate().toString()).setTlsKey(cert.key().toString())
        .setWsOrigins(List.of("https://chat.example.com")));
  }

  @Test
  void chatOverTlsVerifyingTheGatewaysCertificates() throws Exception {
    startTransportGateways();
    JsonObject result = run("chat-tls", "chat", "--a", "127.0.0.1:" + tlsBj.tlsPort(), "--b",
        "127.0.0.1:" + wsSh.tlsPort(), "--tls", "--trust", trust.toString(), "--pairs", "2", "--rate", "40",
        "--prefix", "tt", "--warmup", "1", "--duration", "2");
    assertThat(result.getString("transport")).isEqualTo("tls");
    JsonObject step = step(result, 0);
    assertThat(step.getLong("sent")).isPositive();
    assertThat(step.getLong("errors")).isZero();
    assertThat(step.getLong("undelivered")).isZero();
    assertThat(step.getLong("outOfOrder")).isZero();
    assertThat(latency(step, "delivery").getDouble("p99Ms")).isPositive();
  }

  @Test
  void aTlsRunWithoutTheCaFails() throws Exception {
    startTransportGateways();
    // LoadRun reports a failed run on System.err itself, not on picocli's err writer.
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream systemErr = System.err;
    int code;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      code = new CommandLine(new LoadGen()).execute("login", "--target", "127.0.0.1:" + tlsBj.tlsPort(), "--tls",
          "--users", "1", "--concurrency", "1", "--prefix", "tn", "--warmup", "0", "--duration", "1", "--timeout",
          "5");
    } finally {
      System.setErr(systemErr);
    }
    assertThat(code).as("a certificate the JVM does not trust").isEqualTo(1);
    // The handshake's failure and, with it, why: the certificate's path to a trusted CA (PKIX).
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("loadgen login failed: javax.net.ssl.SSLHandshakeException").contains("PKIX");
  }

  @Test
  void groupChatOverWebSocket() throws Exception {
    startTransportGateways();
    JsonObject result = run("group-ws", "group", "--target", "127.0.0.1:" + wsSh.wsPort(), "--ws", "--groups", "1",
        "--members", "3", "--senders", "1", "--rate", "5", "--prefix", "gw", "--warmup", "1", "--duration", "2");
    assertThat(result.getString("transport")).isEqualTo("ws");
    assertThat(result.getLong("connectionFailures")).isZero();
    assertThat(result.getLong("joinFailures")).isZero();
    assertThat(result.getLong("acknowledged")).isPositive().isEqualTo(result.getLong("messagesSent"));
    assertThat(result.getLong("pushesDelivered")).isEqualTo(2 * result.getLong("acknowledged"));
    assertThat(result.getLong("undelivered")).isZero();
    assertThat(result.getLong("gaps")).isZero();
  }

  /** More WebSockets to one gateway than Vert.x's WebSocket client lets open at once by default (50). */
  @Test
  void holdsConnectionsOverWebSocket() throws Exception {
    startTransportGateways();
    JsonObject result = run("connections-ws", "connections", "--target", "127.0.0.1:" + wsSh.wsPort(), "--ws",
        "--count", "60", "--users", "2", "--heartbeat", "1", "--prefix", "cw", "--warmup", "0", "--duration", "1",
        "--timeout", "10");
    assertThat(result.getLong("established")).isEqualTo(60);
    assertThat(result.getLong("failed")).isZero();
    assertThat(result.getLong("droppedWhileHolding")).isZero();
    assertThat(result.getLong("pongs")).isPositive();
  }

  @Test
  void resumesOverWss() throws Exception {
    startTransportGateways();
    JsonObject result = run("login-wss", "login", "--target", "127.0.0.1:" + tlsBj.wsPort(), "--ws", "--tls",
        "--trust", trust.toString(), "--kind", "resume", "--users", "2", "--concurrency", "2", "--prefix", "lw",
        "--warmup", "0", "--duration", "1");
    assertThat(result.getString("transport")).isEqualTo("wss");
    assertThat(result.getLong("received")).isPositive();
    assertThat(result.getLong("errors")).isZero();
  }

  private static void assertUsageError(String message, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine commandLine = new CommandLine(new LoadGen());
    commandLine.setErr(new PrintWriter(err, true));
    assertThat(commandLine.execute(args)).as(String.join(" ", args)).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  private static GatewayOptions unlimited(GatewayOptions options) {
    return options.setRateLimit(NO_LIMIT).setRateBurst(NO_LIMIT).setAbuseLimit(NO_LIMIT);
  }

  private JsonObject run(String name, String... args) throws Exception {
    Path out = results.resolve(name + ".json");
    String[] withOut = new String[args.length + 2];
    System.arraycopy(args, 0, withOut, 0, args.length);
    withOut[args.length] = "--out";
    withOut[args.length + 1] = out.toString();
    int code = new CommandLine(new LoadGen()).execute(withOut);
    assertThat(code).as("exit code of loadgen %s", String.join(" ", args)).isZero();
    JsonObject result = new JsonObject(Files.readString(out));
    assertThat(result.getString("mode")).isEqualTo(args[0]);
    return result;
  }

  private static JsonObject step(JsonObject result, int index) {
    return result.getJsonArray("steps").getJsonObject(index);
  }

  private static JsonObject latency(JsonObject result, String name) {
    return result.getJsonObject("latency").getJsonObject(name);
  }

  private String bj() {
    return "127.0.0.1:" + cluster.bj.port();
  }

  private String sh() {
    return "127.0.0.1:" + cluster.sh.port();
  }
}
