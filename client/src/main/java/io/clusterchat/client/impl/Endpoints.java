package io.clusterchat.client.impl;

import io.clusterchat.client.ChatClientOptions;
import io.clusterchat.client.ChatException;
import io.clusterchat.protocol.Limits;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the client connects on its transport (PROTOCOL.md, "Transports"): TCP, TLS or WebSocket (plain or over
 * TLS). Dispatch names a gateway's every transport; this picks the one the client speaks.
 */
final class Endpoints {

  private final boolean tls;
  private final boolean webSocket;

  Endpoints(ChatClientOptions options) {
    this.tls = options.isTls();
    this.webSocket = options.isWebSocket();
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
      if (tls != wsUrl.startsWith("wss:")) {
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
    String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (tls ? "wss" : "ws") + "://" + hostPart + ":" + port + Limits.WEBSOCKET_PATH;
  }

  /** The parts of a WebSocket URL: host, port, path (with query) and whether it is over TLS. */
  record WebSocketTarget(String host, int port, String path, boolean tls) {

    private static final int WS_PORT = 80;
    private static final int WSS_PORT = 443;

    static WebSocketTarget parse(String url) {
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new ChatException(ChatException.PROTOCOL, "bad WebSocket URL " + url);
      }
      boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
      if (!secure && !"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new ChatException(ChatException.PROTOCOL, "bad WebSocket URL " + url);
      }
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (uri.getRawQuery() != null) {
        path += "?" + uri.getRawQuery();
      }
      int port = uri.getPort() > 0 ? uri.getPort() : secure ? WSS_PORT : WS_PORT;
      return new WebSocketTarget(uri.getHost().replace("[", "").replace("]", ""), port, path, secure);
    }
  }
}
