package io.clusterchat.loadgen.impl;

import io.clusterchat.protocol.ClientTransports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Opens the generator's connections on its transport: a Vert.x {@code NetClient} for TCP and TLS, a
 * {@code WebSocketClient} for WebSocket ({@code ws://host:port/ws}, or {@code wss://}), set up as the Java client
 * sets up its own ({@link ClientTransports}).
 */
public final class Connector {

  /** No cap on WebSockets to one server: the connections mode holds tens of thousands (Vert.x's default is 50). */
  private static final int MAX_WEBSOCKETS = Integer.MAX_VALUE;

  private final TransportOptions transport;
  /** TCP and TLS; null on WebSocket. */
  private final NetClient netClient;
  /** On WebSocket; else null. */
  private final WebSocketClient webSocketClient;
  private final long timeoutMillis;

  /**
   * @param timeoutMillis how long a connect (and a WebSocket's handshake) may take
   * @param localAddress the address to connect from, or null for any
   */
  public Connector(Vertx vertx, TransportOptions transport, long timeoutMillis, String localAddress) {
    this.transport = transport;
    this.timeoutMillis = timeoutMillis;
    int connectTimeout = (int) Math.min(Integer.MAX_VALUE, timeoutMillis);
    String trust = transport.trust == null ? null : transport.trust.toString();
    if (transport.webSocket) {
      WebSocketClientOptions options = new WebSocketClientOptions().setConnectTimeout(connectTimeout)
          .setTcpNoDelay(true).setMaxConnections(MAX_WEBSOCKETS).setMaxFrameSize(LineSocket.MAX_LINE)
          .setMaxMessageSize(LineSocket.MAX_LINE);
      if (localAddress != null) {
        options.setLocalAddress(localAddress);
      }
      if (transport.tls) {
        ClientTransports.tls(options, trust, true);
      }
      webSocketClient = vertx.createWebSocketClient(options);
      netClient = null;
    } else {
      NetClientOptions options = new NetClientOptions().setConnectTimeout(connectTimeout).setTcpNoDelay(true);
      if (localAddress != null) {
        options.setLocalAddress(localAddress);
      }
      if (transport.tls) {
        ClientTransports.tls(options, trust, true);
      }
      netClient = vertx.createNetClient(options);
      webSocketClient = null;
    }
  }

  /** Connects to {@code server} from the calling context; the connection's events run there. */
  public Future<LineSocket> connect(SocketAddress server) {
    if (netClient != null) {
      return netClient.connect(server).map(LineSocket::over);
    }
    String url = ClientTransports.webSocketUrl(server.host(), server.port(), transport.tls);
    return webSocketClient.connect(ClientTransports.webSocketConnect(url).setTimeout(timeoutMillis))
        .map(LineSocket::over);
  }

  public Future<Void> close() {
    return netClient != null ? netClient.close() : webSocketClient.close();
  }
}
