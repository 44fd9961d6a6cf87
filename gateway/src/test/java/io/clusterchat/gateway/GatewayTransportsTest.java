package io.clusterchat.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.Transports;
import io.clusterchat.metrics.NodeMetrics;
import io.clusterchat.protocol.Limits;
import io.clusterchat.testing.LinePeer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROTOCOL.md's "Transports" against peers nobody here wrote: Debian's {@code openssl s_client} on the TLS port,
 * Python's {@code websockets} on {@code /ws}. The gateway runs without a back end: PING, ECHO and the framing rules
 * are enough to see that the same protocol, limits and timers hold on every transport.
 */
class GatewayTransportsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String HELLO = "HELLO clusterchat/1 " + TestGateways.REGION + " " + TestGateways.NODE_ID;
  private static final long RELOAD_CHECK_MILLIS = 200;
  private static final long IDLE_TIMEOUT_MILLIS = 1_500;
  private static final long PING_EVERY_MILLIS = 300;
  private static final int PINGS = 10;
  private static final int SLOW_MAX_OUTBOUND = 64 * 1024;
  private static final int NOTICES_PER_ROUND = 50;
  private static final long NOTICE_PAUSE_MILLIS = 20;
  private static final String HANDSHAKE_PREFIX = "HTTP/1.1 101";
  /** The coordinator's web chat, as the browser names its page's origin. */
  private static final String CHAT_ORIGIN = "http://127.0.0.1:24080";
  private static final String OTHER_CHAT_ORIGIN = "https://chat.example.com";
  private static final String FOREIGN_ORIGIN = "http://evil.example:24080";

  @TempDir
  Path dir;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private Gateway deploy(GatewayOptions options) throws Exception {
    return await(Gateway.deploy(vertx, options));
  }

  /** A gateway with a TLS port and a WebSocket port (both free ports) and a self-signed certificate. */
  private GatewayOptions withTransports() throws Exception {
    Path[] pair = selfSigned("first");
    return TestGateways.options().setTlsPort(0).setWsPort(0).setTlsCert(pair[0].toString())
        .setTlsKey(pair[1].toString()).setTlsReloadCheckMillis(RELOAD_CHECK_MILLIS);
  }

  // ---- TLS ----

  @Test
  void opensslSeesTheHelloAndSpeaksTheProtocol() throws Exception {
    LinePeer.assumeOpenssl();
    Gateway gateway = deploy(withTransports());
    assertThat(gateway.tlsPort()).isPositive().isNotEqualTo(gateway.port());
    try (LinePeer peer = LinePeer.openssl(gateway.tlsPort())) {
      assertThat(peer.next(WAIT)).isEqualTo(HELLO);
      peer.send("PING over tls");
      assertThat(peer.next(WAIT)).isEqualTo("PONG over tls");
      peer.send("{\"op\":\"ping\",\"id\":\"7\",\"data\":\"j\"}");
      assertThat(peer.next(WAIT)).isEqualTo("{\"op\":\"pong\",\"id\":\"7\",\"data\":\"j\"}");
      peer.send("ECHO hi there");
      assertThat(peer.next(WAIT)).matches("ECHO \\[" + TestGateways.CTIME + "\\] hi there");
      peer.send("x".repeat(GatewayOptions.DEFAULT_MAX_LINE + 1));
      assertThat(peer.next(WAIT)).isEqualTo("ERR 413 line too long");
      peer.send("QUIT");
      assertThat(peer.next(WAIT)).isEqualTo("OK QUIT");
      assertThat(peer.next(WAIT)).isEqualTo(LinePeer.EOF);
    }
  }

  @Test
  void tlsOneTwoIsTakenAndTlsOneOneRefused() throws Exception {
    LinePeer.assumeOpenssl();
    Gateway gateway = deploy(withTransports());
    try (LinePeer peer = LinePeer.openssl(gateway.tlsPort(), "-tls1_2")) {
      assertThat(peer.next(WAIT)).isEqualTo(HELLO);
    }
    // SECLEVEL=0 lets openssl itself offer TLS 1.1: the refusal must be the gateway's.
    try (LinePeer peer = LinePeer.openssl(gateway.tlsPort(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")) {
      assertThat(peer.next(WAIT)).isEqualTo(LinePeer.EOF);
      assertThat(peer.exit(WAIT)).isNotZero();
      assertThat(peer.stderr()).doesNotContain("no protocols available");
    }
  }

  @Test
  void aChangedCertificateIsServedWithoutARestart() throws Exception {
    LinePeer.assumeOpenssl();
    GatewayOptions options = withTransports().setWsTls(true);
    Gateway gateway = deploy(options);
    assertThat(serverSubject(gateway.tlsPort())).contains("CN=first");
    assertThat(serverSubject(gateway.wsPort())).contains("CN=first");
    try (LinePeer before = LinePeer.openssl(gateway.tlsPort())) {
      assertThat(before.next(WAIT)).isEqualTo(HELLO);

      Path[] second = selfSigned("second");
      // Key first, then the certificate, each replaced in one step, as an operator's tooling would.
      Files.move(second[1], Path.of(options.getTlsKey()), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.move(second[0], Path.of(options.getTlsCert()), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!serverSubject(gateway.tlsPort()).contains("CN=second") && System.nanoTime() < deadline) {
        Thread.sleep(RELOAD_CHECK_MILLIS);
      }
      assertThat(serverSubject(gateway.tlsPort())).contains("CN=second");
      assertThat(serverSubject(gateway.wsPort())).contains("CN=second");

      // The connection made before the reload goes on.
      before.send("PING still here");
      assertThat(before.next(WAIT)).isEqualTo("PONG still here");
    }
  }

  /**
   * A drain names each client's own transport of a target: the TLS client passes over a target without TLS; the
   * WebSocket client, for which no target has a WebSocket port, gets BYE drain alone (dispatch finds it a gateway).
   */
  @Test
  void aDrainSendsEachClientToItsOwnTransportOfATarget() throws Exception {
    LinePeer.assumeOpenssl();
    LinePeer.assumeWebSockets();
    Gateway gateway = deploy(withTransports());
    try (LinePeer tls = LinePeer.openssl(gateway.tlsPort()); LinePeer ws = LinePeer.webSocket(gateway.wsUrl(), null)) {
      assertThat(tls.next(WAIT)).isEqualTo(HELLO);
      assertThat(ws.next(WAIT)).isEqualTo("!open");
      assertThat(ws.next(WAIT)).isEqualTo(HELLO);
      GatewayService.Drain drain = new GatewayService.Drain(List.of(new GatewayService.Target("10.0.0.1", 7001),
          new GatewayService.Target("10.0.0.2", 7002, new Transports(7443, 0, null))), 1, 10L);
      Future<?> drained = vertx.eventBus().request(GatewayService.address(TestGateways.NODE_ID), drain.toJson(),
          new DeliveryOptions().addHeader(GatewayService.ACTION, GatewayService.DRAIN));
      assertThat(tls.next(WAIT)).isEqualTo("RECONNECT 10.0.0.2 7443");
      assertThat(tls.next(WAIT)).isEqualTo("BYE drain");
      assertThat(ws.next(WAIT)).isEqualTo("BYE drain");
      assertThat(ws.next(WAIT)).startsWith("!closed");
      await(drained);
    }
  }

  @Test
  void tlsNeedsACertificateThatCanBeRead() {
    GatewayOptions options = TestGateways.options().setTlsPort(0);
    assertThatThrownBy(() -> Gateway.deploy(vertx, options)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-cert");
    GatewayOptions missing = options.setTlsCert(dir.resolve("none.pem").toString())
        .setTlsKey(dir.resolve("none-key.pem").toString());
    assertThatThrownBy(() -> Gateway.deploy(vertx, missing)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the TLS certificate " + dir.resolve("none.pem"));
  }

  // ---- WebSocket ----

  @Test
  void aWebSocketClientSpeaksTheProtocolOneFramePerMessage() throws Exception {
    LinePeer.assumeWebSockets();
    Gateway gateway = deploy(withTransports());
    assertThat(gateway.wsUrl()).isEqualTo("ws://127.0.0.1:" + gateway.wsPort() + "/ws");
    try (LinePeer peer = LinePeer.webSocket(gateway.wsUrl(), null)) {
      assertThat(peer.next(WAIT)).isEqualTo("!open");
      assertThat(peer.next(WAIT)).isEqualTo(HELLO);
      peer.send("PING over ws");
      assertThat(peer.next(WAIT)).isEqualTo("PONG over ws");
      peer.send("{\"op\":\"ping\",\"id\":\"1\"}");
      assertThat(peer.next(WAIT)).isEqualTo("{\"op\":\"pong\",\"id\":\"1\"}");
      peer.send("!binary PING");
      assertThat(peer.next(WAIT)).startsWith("{\"op\":\"err\",\"code\":400,");
      peer.send("!long " + GatewayOptions.DEFAULT_MAX_LINE);
      assertThat(peer.next(WAIT)).isEqualTo("{\"op\":\"err\",\"code\":413,\"error\":\"line too long\"}");
      peer.send("PING text again");
      assertThat(peer.next(WAIT)).isEqualTo("PONG text again");
      peer.send("!binary PING");
      assertThat(peer.next(WAIT)).startsWith("ERR 400 ");
      // Just within max-line: "PING " and max-line - 5 bytes.
      peer.send("!long " + (GatewayOptions.DEFAULT_MAX_LINE - "PING ".length()));
      assertThat(peer.next(WAIT)).startsWith("PONG xxx").hasSize(GatewayOptions.DEFAULT_MAX_LINE);
      peer.send("QUIT");
      assertThat(peer.next(WAIT)).isEqualTo("OK QUIT");
      assertThat(peer.next(WAIT)).startsWith("!closed");
    }
  }

  @Test
  void aWebSocketPingResetsTheIdleTimer() throws Exception {
    LinePeer.assumeWebSockets();
    Gateway gateway = deploy(withTransports().setIdleTimeoutMillis(IDLE_TIMEOUT_MILLIS));
    try (LinePeer peer = LinePeer.webSocket(gateway.wsUrl(), null)) {
      assertThat(peer.next(WAIT)).isEqualTo("!open");
      assertThat(peer.next(WAIT)).isEqualTo(HELLO);
      // Pings alone, for twice the idle timeout.
      for (int i = 0; i < PINGS; i++) {
        peer.send("!ping");
        Thread.sleep(PING_EVERY_MILLIS);
      }
      peer.send("PING alive");
      assertThat(peer.next(WAIT)).isEqualTo("PONG alive");
      // Then silence: the idle timeout as on TCP.
      assertThat(peer.next(WAIT)).isEqualTo("ERR 408 idle timeout");
      assertThat(peer.next(WAIT)).isEqualTo("BYE idle");
      assertThat(peer.next(WAIT)).startsWith("!closed");
    }
  }

  /** Backpressure holds on WebSocket too: a client that reads none of its pushes gets BYE slow and is closed. */
  @Test
  void aWebSocketClientThatDoesNotReadIsClosedAsSlow() throws Exception {
    Gateway gateway = deploy(withTransports().setMaxOutbound(SLOW_MAX_OUTBOUND));
    // A client that does the WebSocket handshake, then never reads again.
    Socket raw = new Socket(LineClient.HOST, gateway.wsPort());
    raw.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    byte[] head = new byte[HANDSHAKE_PREFIX.length()];
    raw.getInputStream().readNBytes(head, 0, head.length);
    assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo(HANDSHAKE_PREFIX);
    long connected = System.nanoTime() + WAIT.toNanos();
    while (gateway.connections() == 0 && System.nanoTime() < connected) {
      Thread.sleep(NOTICE_PAUSE_MILLIS);
    }
    String text = "n".repeat(Limits.MAX_TEXT_BYTES);
    DeliveryOptions notice = new DeliveryOptions().addHeader(GatewayService.ACTION, GatewayService.NOTICE);
    assertThat(gateway.connections()).isEqualTo(1);
    long deadline = System.nanoTime() + WAIT.toNanos();
    // Pushes it never reads, until the gateway lets it go.
    while (gateway.connections() > 0 && System.nanoTime() < deadline) {
      for (int i = 0; i < NOTICES_PER_ROUND; i++) {
        vertx.eventBus().send(GatewayService.address(TestGateways.NODE_ID),
            new GatewayService.Notice(text).toJson(), notice);
      }
      Thread.sleep(NOTICE_PAUSE_MILLIS);
    }
    assertThat(gateway.connections()).isZero();
    raw.close();
  }

  @Test
  void wssWithTheCertificateTrusted() throws Exception {
    LinePeer.assumeWebSockets();
    GatewayOptions options = withTransports().setWsTls(true);
    Gateway gateway = deploy(options);
    assertThat(gateway.wsUrl()).isEqualTo("wss://127.0.0.1:" + gateway.wsPort() + "/ws");
    try (LinePeer peer = LinePeer.webSocket(gateway.wsUrl(), Path.of(options.getTlsCert()))) {
      assertThat(peer.next(WAIT)).isEqualTo("!open");
      assertThat(peer.next(WAIT)).isEqualTo(HELLO);
      peer.send("PING secure");
      assertThat(peer.next(WAIT)).isEqualTo("PONG secure");
    }
  }

  @Test
  void onlyTheWsPathIsAWebSocket() throws Exception {
    LinePeer.assumeWebSockets();
    Gateway gateway = deploy(withTransports());
    try (LinePeer peer = LinePeer.webSocket("ws://127.0.0.1:" + gateway.wsPort() + "/other", null)) {
      assertThat(peer.next(WAIT)).isEqualTo(LinePeer.EOF);
      assertThat(peer.exit(WAIT)).isNotZero();
      assertThat(peer.stderr()).contains("404");
    }
  }

  // ---- WebSocket origins ----

  /** A gateway whose WebSocket lets in the pages of the two chat origins only. */
  private Gateway withOrigins() throws Exception {
    return deploy(withTransports().setWsOrigins(List.of(CHAT_ORIGIN, OTHER_CHAT_ORIGIN)));
  }

  @Test
  void aPageOfAnAllowedOriginUpgrades() throws Exception {
    LinePeer.assumeWebSockets();
    Gateway gateway = withOrigins();
    // As browsers send it, and spelled otherwise: scheme and host in capitals, the default port written out.
    for (String origin : List.of(CHAT_ORIGIN, "HTTPS://Chat.Example.COM:443")) {
      try (LinePeer peer = LinePeer.webSocket(gateway.wsUrl(), null, origin)) {
        assertThat(peer.next(WAIT)).as(origin).isEqualTo("!open");
        assertThat(peer.next(WAIT)).isEqualTo(HELLO);
        peer.send("PING from the page");
        assertThat(peer.next(WAIT)).isEqualTo("PONG from the page");
      }
    }
    assertThat(refused("origin")).isZero();
  }

  @Test
  void aPageOfAForeignOriginGets403AndNoConnection() throws Exception {
    LinePeer.assumeWebSockets();
    Gateway gateway = withOrigins();
    // The port or scheme differing is another origin.
    List<String> foreign = List.of(FOREIGN_ORIGIN, "http://127.0.0.1:24081", "https://127.0.0.1:24080", "null");
    for (String origin : foreign) {
      try (LinePeer peer = LinePeer.webSocket(gateway.wsUrl(), null, origin)) {
        assertThat(peer.next(WAIT)).as(origin).isEqualTo(LinePeer.EOF);
        assertThat(peer.exit(WAIT)).isNotZero();
        assertThat(peer.stderr()).contains("403");
      }
    }
    // Checked while the refused socket is still open: once it is closed a zero would prove nothing.
    assertThat(rawHandshake(gateway.wsPort(), FOREIGN_ORIGIN, () -> assertThat(gateway.connections()).isZero()))
        .isEqualTo("HTTP/1.1 403 Forbidden");
    assertThat(refused("origin")).isEqualTo(foreign.size() + 1.0);
    assertThat(accepted("ws")).isZero();
  }

  /** Non-browser clients send no Origin: always let in, whatever the list. */
  @Test
  void aClientWithoutAnOriginUpgradesWhateverTheList() throws Exception {
    LinePeer.assumeWebSockets();
    Gateway gateway = withOrigins();
    try (LinePeer peer = LinePeer.webSocket(gateway.wsUrl(), null)) {
      assertThat(peer.next(WAIT)).isEqualTo("!open");
      assertThat(peer.next(WAIT)).isEqualTo(HELLO);
    }
    assertThat(rawHandshake(gateway.wsPort(), null)).isEqualTo("HTTP/1.1 101 Switching Protocols");
    assertThat(refused("origin")).isZero();
  }

  /**
   * Vert.x's WebSocket client sends an Origin made of the URL it connects to unless told not to; a client that is
   * no browser page (clusterchat's client, the load generator) leaves it out, and so is let in.
   */
  @Test
  void vertxClientsLeaveTheOriginOut() throws Exception {
    Gateway gateway = withOrigins();
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost(LineClient.HOST)
        .setPort(gateway.wsPort()).setURI(Limits.WEBSOCKET_PATH);
    assertThatThrownBy(() -> await(client.connect(connect))).hasMessageContaining("403");
    await(await(client.connect(new WebSocketConnectOptions(connect).setAllowOriginHeader(false))).close());
    await(client.close());
  }

  @Test
  void anyOriginIsTheDefault() throws Exception {
    LinePeer.assumeWebSockets();
    GatewayOptions options = withTransports();
    assertThat(options.getWsOrigins()).containsExactly(GatewayOptions.ANY_ORIGIN);
    Gateway gateway = deploy(options);
    for (String origin : List.of(FOREIGN_ORIGIN, "null")) {
      try (LinePeer peer = LinePeer.webSocket(gateway.wsUrl(), null, origin)) {
        assertThat(peer.next(WAIT)).as(origin).isEqualTo("!open");
        assertThat(peer.next(WAIT)).isEqualTo(HELLO);
      }
    }
    assertThat(refused("origin")).isZero();
  }

  @Test
  void badOriginListsAreRefused() {
    GatewayOptions options = TestGateways.options();
    for (String bad : List.of("", "127.0.0.1:24080", "ftp://example.com", "ws://example.com", "http://",
        "http://example.com/", "http://example.com/chat", "http://example.com?x=1", "http://example.com#top",
        "http://user@example.com", "http://example.com:0", "https://example.com:70000", "null", "**")) {
      assertThatThrownBy(() -> options.setWsOrigins(List.of(bad))).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WebSocket origin");
    }
    assertThatThrownBy(() -> options.setWsOrigins(List.of("*", CHAT_ORIGIN)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("* stands alone");
    assertThatThrownBy(() -> options.setWsOrigins(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThat(options.getWsOrigins()).containsExactly(GatewayOptions.ANY_ORIGIN);
    options.setWsOrigins(List.of(CHAT_ORIGIN, "http://[::1]:24080", "https://localhost"));
    assertThat(new GatewayOptions(options.toJson()).getWsOrigins())
        .containsExactly(CHAT_ORIGIN, "http://[::1]:24080", "https://localhost");
    assertThat(options.allowsWsOrigin("http://[::1]:24080")).isTrue();
    assertThat(options.allowsWsOrigin("https://localhost:443")).isTrue();
    assertThat(options.allowsWsOrigin("http://localhost")).isFalse();
    assertThat(options.allowsWsOrigin(null)).isTrue();
  }

  // ---- helpers ----

  /** The status line of a WebSocket handshake on {@code /ws} sent over a plain socket, with {@code origin} if any. */
  private static String rawHandshake(int port, String origin) throws IOException {
    return rawHandshake(port, origin, () -> { });
  }

  /** As {@link #rawHandshake(int, String)}, running {@code whileOpen} after the status line, before closing. */
  private static String rawHandshake(int port, String origin, Runnable whileOpen) throws IOException {
    try (Socket raw = new Socket(LineClient.HOST, port)) {
      // A server that never answers fails the test (SocketTimeoutException) instead of hanging it.
      raw.setSoTimeout((int) WAIT.toMillis());
      raw.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(raw.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      whileOpen.run();
      return status;
    }
  }

  /**
   * WebSocket handshakes refused for {@code reason} on this test's Vert.x. GatewayMeters registers the meter when
   * the gateway deploys, so a missing one (renamed, retagged) throws MeterNotFoundException rather than reading 0.
   */
  private double refused(String reason) {
    return NodeMetrics.of(vertx).registry().get("clusterchat.gateway.ws.refused").tag("reason", reason).counter()
        .count();
  }

  /** Connections accepted over {@code transport}; registered eagerly too, see {@link #refused}. */
  private double accepted(String transport) {
    return NodeMetrics.of(vertx).registry().get("clusterchat.gateway.accepted").tag("transport", transport)
        .counter().count();
  }


  /** A self-signed certificate for 127.0.0.1 and localhost, made by openssl: {certificate, key}. */
  private Path[] selfSigned(String name) throws IOException, InterruptedException {
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + "-key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name, "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString())
        .redirectErrorStream(true).start();
    String output = new String(openssl.getInputStream().readAllBytes());
    assertThat(openssl.waitFor()).as(output).isZero();
    return new Path[] {cert, key};
  }

  /** The subject of the certificate a TLS handshake with {@code port} shows (trusting anything). */
  private static String serverSubject(int port) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustAll()}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(LineClient.HOST, port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Only to read what certificate is shown; never to trust a connection. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

}
