package io.clusterchat.gateway.impl;

import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.protocol.Limits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts client connections on the gateway's ports and hands each to the connection registry: the TCP port, and
 * when configured the TLS port and the WebSocket port ({@code /ws}, plain or over TLS). Deployed once per core; the
 * instances share the ports and the registry. The certificate and key are reloaded without a restart when their
 * files change ({@link TlsFiles}). On stop it stops accepting and sends {@code BYE shutdown} to its clients, giving
 * them the shutdown grace to leave before they are closed.
 */
public class GatewayVerticle extends VerticleBase {

  /**
   * The ports one instance listens on: {@link GatewayOptions#OFF} for a transport that is off; negative otherwise
   * to share a free port with the other instances given the same negative number (Vert.x does not share port 0:
   * each instance would bind a port of its own).
   */
  public record ListenPorts(int tcp, int tls, int ws) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final long MAX_IDLE_SWEEP_MILLIS = 1_000;
  /** An idle connection is closed at most a quarter of the timeout late. */
  private static final long SWEEPS_PER_IDLE_TIMEOUT = 4;
  /** Room for a reconnect storm: every client of a drained gateway arriving at once. */
  private static final int ACCEPT_BACKLOG = 4096;
  /** A TLS client has this long to finish its handshake. */
  private static final long TLS_HANDSHAKE_TIMEOUT_SECONDS = 10;
  /**
   * The largest single WebSocket frame, as a multiple of max-line: a message over max-line gets {@code ERR 413} and
   * the connection stays, up to this; a single frame larger still is refused by the WebSocket codec (close 1009).
   * Fragmented messages are put together here under max-line whatever their length.
   */
  private static final int WS_FRAME_LINES = 4;
  private static final int MIN_WS_FRAME = 64 * 1024;
  private static final int FORBIDDEN = 403;
  private static final int NOT_FOUND = 404;
  private static final int UPGRADE_REQUIRED = 426;

  private final GatewayOptions options;
  private final ConnectionRegistry registry;
  private final ListenPorts ports;
  private NetServer server;
  private NetServer tlsServer;
  private HttpServer wsServer;
  private TlsFiles tlsFiles;
  private GatewayMeters meters;

  public GatewayVerticle(GatewayOptions options, ConnectionRegistry registry) {
    this(options, registry, options.getPort());
  }

  /**
   * @param listenPort the TCP port to listen on; negative to share a free port (see {@link ListenPorts}); no TLS
   *     or WebSocket port
   */
  public GatewayVerticle(GatewayOptions options, ConnectionRegistry registry, int listenPort) {
    this(options, registry, new ListenPorts(listenPort, GatewayOptions.OFF, GatewayOptions.OFF));
  }

  public GatewayVerticle(GatewayOptions options, ConnectionRegistry registry, ListenPorts ports) {
    this.options = options;
    this.registry = registry;
    this.ports = ports;
  }

  @Override
  public Future<?> start() {
    meters = GatewayMeters.of(vertx);
    server = vertx.createNetServer(netOptions(ports.tcp()));
    server.connectHandler(registry::accept);
    List<Future<?>> listening = new ArrayList<>();
    listening.add(server.listen().onSuccess(s -> listeningOn("TCP", s.actualPort())));
    if (options.hasTls()) {
      tlsFiles = new TlsFiles(vertx, options.getTlsCert(), options.getTlsKey());
    }
    if (ports.tls() != GatewayOptions.OFF) {
      tlsServer = vertx.createNetServer(netOptions(ports.tls()).setSsl(true)
          .setSslHandshakeTimeout(TLS_HANDSHAKE_TIMEOUT_SECONDS).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
          .setKeyCertOptions(keyCert()).setEnabledSecureTransportProtocols(Limits.TLS_PROTOCOLS));
      tlsServer.connectHandler(registry::accept);
      listening.add(tlsServer.listen().onSuccess(s -> listeningOn("TLS", s.actualPort())));
    }
    if (ports.ws() != GatewayOptions.OFF) {
      wsServer = vertx.createHttpServer(webSocketOptions());
      wsServer.webSocketHandshakeHandler(this::handshake);
      wsServer.webSocketHandler(registry::accept);
      wsServer.requestHandler(request -> request.response().setStatusCode(UPGRADE_REQUIRED)
          .putHeader("Upgrade", "websocket").end("clusterchat: WebSocket only, at " + Limits.WEBSOCKET_PATH + "\n"));
      listening.add(wsServer.listen().onSuccess(s -> listeningOn(options.isWsTls() ? "wss" : "ws", s.actualPort())));
    }
    Context own = context;
    long sweep = Math.max(1, Math.min(MAX_IDLE_SWEEP_MILLIS, options.getIdleTimeoutMillis() / SWEEPS_PER_IDLE_TIMEOUT));
    vertx.setPeriodic(sweep, id -> registry.closeIdle(own, System.nanoTime()));
    Future<?> all = Future.all(listening);
    if (tlsFiles != null) {
      all = all.compose(v -> tlsFiles.watch(options.getTlsReloadCheckMillis(), this::reload));
    }
    return all;
  }

  private NetServerOptions netOptions(int port) {
    return new NetServerOptions()
        .setHost(options.getHost())
        .setPort(port)
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setAcceptBacklog(ACCEPT_BACKLOG);
  }

  private HttpServerOptions webSocketOptions() {
    int frame = Math.max(MIN_WS_FRAME, WS_FRAME_LINES * options.getMaxLine());
    HttpServerOptions http = new HttpServerOptions()
        .setHost(options.getHost())
        .setPort(ports.ws())
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setAcceptBacklog(ACCEPT_BACKLOG)
        .setMaxWebSocketFrameSize(frame)
        .setMaxWebSocketMessageSize(frame);
    if (options.isWsTls()) {
      http.setSsl(true).setSslHandshakeTimeout(TLS_HANDSHAKE_TIMEOUT_SECONDS)
          .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
          .setKeyCertOptions(keyCert()).setEnabledSecureTransportProtocols(Limits.TLS_PROTOCOLS);
    }
    return http;
  }

  private PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(options.getTlsCert()).setKeyPath(options.getTlsKey());
  }

  /**
   * Only {@code /ws} is a WebSocket endpoint, and only for web pages of the allowed origins (a handshake without an
   * {@code Origin} header is not from a browser's page and always goes on): others get 403 before the upgrade.
   */
  private void handshake(ServerWebSocketHandshake handshake) {
    if (!Limits.WEBSOCKET_PATH.equals(handshake.path())) {
      meters.wsRefusedPath.increment();
      handshake.reject(NOT_FOUND);
      return;
    }
    String origin = handshake.headers().get(HttpHeaders.ORIGIN);
    if (!options.allowsWsOrigin(origin)) {
      meters.wsRefusedOrigin.increment();
      LOG.debug("WebSocket handshake from {} refused: origin '{}' is not in ws-origins", handshake.remoteAddress(),
          origin);
      handshake.reject(FORBIDDEN);
      return;
    }
    handshake.accept();
  }

  /** The certificate or key changed: every TLS listener of this instance takes the new pair for new connections. */
  private Future<Void> reload() {
    ServerSSLOptions ssl = new ServerSSLOptions().setKeyCertOptions(keyCert())
        .setEnabledSecureTransportProtocols(Limits.TLS_PROTOCOLS);
    List<Future<Boolean>> updates = new ArrayList<>();
    if (tlsServer != null) {
      updates.add(tlsServer.updateSSLOptions(ssl, true));
    }
    if (wsServer != null && options.isWsTls()) {
      updates.add(wsServer.updateSSLOptions(ssl, true));
    }
    return Future.all(updates).mapEmpty();
  }

  private void listeningOn(String transport, int port) {
    LOG.info("gateway {} (region {}) accepting {} clients on {}:{}", options.getNodeId(), options.getRegion(),
        transport, options.getHost(), port);
  }

  @Override
  public Future<?> stop() {
    if (tlsFiles != null) {
      tlsFiles.stop();
    }
    List<Future<?>> stopping = new ArrayList<>();
    stopping.add(server.shutdown(options.getShutdownGraceMillis(), TimeUnit.MILLISECONDS));
    if (tlsServer != null) {
      stopping.add(tlsServer.shutdown(options.getShutdownGraceMillis(), TimeUnit.MILLISECONDS));
    }
    if (wsServer != null) {
      stopping.add(wsServer.shutdown(options.getShutdownGraceMillis(), TimeUnit.MILLISECONDS));
    }
    return Future.all(stopping);
  }

  /** The TCP port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** The TLS port actually bound, or {@link GatewayOptions#OFF}. */
  public int actualTlsPort() {
    return tlsServer == null ? GatewayOptions.OFF : tlsServer.actualPort();
  }

  /** The WebSocket port actually bound, or {@link GatewayOptions#OFF}. */
  public int actualWsPort() {
    return wsServer == null ? GatewayOptions.OFF : wsServer.actualPort();
  }
}
