package io.clusterchat.client.impl;

import io.clusterchat.client.ChatClientOptions;
import io.clusterchat.client.ChatException;
import io.clusterchat.protocol.ClientTransports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * Where the client connects on its transport (PROTOCOL.md, "Transports"): TCP, TLS or WebSocket (plain or over
 * TLS), and the Vert.x client that connects there (a {@code NetClient}, with TLS when asked: the trust file, TLS 1.2
 * or 1.3, hostname verification unless turned off; or a {@code WebSocketClient}). Dispatch names a gateway's every
 * transport; this picks the one the client speaks.
 */
final class Endpoints {

  private final boolean tls;
  private final boolean webSocket;
  private final ChatClientOptions options;
  /** TCP and TLS; null on WebSocket. */
  private final NetClient netClient;
  /** On WebSocket; else null. */
  private final WebSocketClient webSocketClient;

  Endpoints(Vertx vertx, ChatClientOptions options) {
    this.options = options;
    this.tls = options.isTls();
    this.webSocket = options.isWebSocket();
    int connectTimeout = (int) Math.min(Integer.MAX_VALUE, options.getRequestTimeoutMillis());
    if (webSocket) {
      WebSocketClientOptions ws = new WebSocketClientOptions().setConnectTimeout(connectTimeout)
          .setTcpNoDelay(true).setTcpKeepAlive(true).setMaxFrameSize(options.getMaxLine())
          .setMaxMessageSize(options.getMaxLine());
      if (tls) {
        ClientTransports.tls(ws, options.getTrustFile(), options.isHostnameVerification());
      }
      this.webSocketClient = vertx.createWebSocketClient(ws);
      this.netClient = null;
    } else {
      NetClientOptions net = new NetClientOptions().setConnectTimeout(connectTimeout).setTcpNoDelay(true)
          .setTcpKeepAlive(true);
      if (tls) {
        ClientTransports.tls(net, options.getTrustFile(), options.isHostnameVerification());
      }
      this.netClient = vertx.createNetClient(net);
      this.webSocketClient = null;
    }
  }

  /** Connects to {@code gateway} on the client's transport and waits for its HELLO. */
  Future<LineConnection> open(Dispatcher.Gateway gateway) {
    return webSocketClient != null
        ? LineConnection.open(webSocketClient, gateway.url(), options.getRequestTimeoutMillis())
        : LineConnection.open(netClient, gateway.host(), gateway.port(), options.getMaxLine(),
            options.getRequestTimeoutMillis());
  }

  Future<Void> close() {
    return webSocketClient != null ? webSocketClient.close() : netClient.close();
  }

  /** The configured gateway: on WebSocket, its endpoint at the configured host and port. */
  Dispatcher.Gateway configured(String host, int port) {
    return new Dispatcher.Gateway(null, host, port, webSocket ? url(host, port) : null);
  }

  /**
   * A gateway as dispatch names it; fails with {@link ChatException#NOT_CONNECTED} when it lacks the client's
   * transport (a later dispatch may name another).
   */
  Dispatcher.Gateway of(String node, String host, int port, Integer tlsPort, String wsUrl) {
    if (webSocket) {
      if (wsUrl == null) {
        throw new ChatException(ChatException.NOT_CONNECTED, "gateway " + node + " offers no WebSocket");
      }
      boolean secure;
      try {
        // As the connection will read it: the scheme in any case.
        secure = ClientTransports.webSocketConnect(wsUrl).isSsl();
      } catch (IllegalArgumentException e) {
        throw new ChatException(ChatException.NOT_CONNECTED, "gateway " + node + ": " + e.getMessage());
      }
      if (tls != secure) {
        throw new ChatException(ChatException.NOT_CONNECTED, "gateway " + node + "'s WebSocket is " + wsUrl
            + (tls ? ", not over TLS" : ", over TLS"));
      }
      return new Dispatcher.Gateway(node, host, port, wsUrl);
    }
    if (tls) {
      if (tlsPort == null) {
        throw new ChatException(ChatException.NOT_CONNECTED, "gateway " + node + " offers no TLS");
      }
      return new Dispatcher.Gateway(node, host, tlsPort, null);
    }
    return new Dispatcher.Gateway(node, host, port, null);
  }

  /** A gateway a RECONNECT names: on WebSocket its URL, else its host and port of this transport. */
  Dispatcher.Gateway redirect(String host, int port, String url) {
    return new Dispatcher.Gateway(null, host, port, webSocket ? (url != null ? url : url(host, port)) : null);
  }

  private String url(String host, int port) {
    return ClientTransports.webSocketUrl(host, port, tls);
  }
}
