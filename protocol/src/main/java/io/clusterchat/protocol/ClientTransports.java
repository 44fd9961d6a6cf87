package io.clusterchat.protocol;

import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * How a client reaches a gateway on each transport of PROTOCOL.md ("Transports"), for every program that is one
 * (the Java client, the load generator): TLS on a Vert.x {@code NetClient} or {@code WebSocketClient} (TLS 1.2 or
 * 1.3, a PEM trust file, hostname verification), and WebSocket URLs and their connect options.
 */
public final class ClientTransports {

  private static final String VERIFY_HOSTNAME = "HTTPS";
  private static final int WS_PORT = 80;
  private static final int WSS_PORT = 443;

  private ClientTransports() {
  }

  /**
   * Turns TLS on in {@code options}: TLS 1.2 or 1.3, the certificates of {@code trustFile} trusted (a PEM file; null
   * for the JVM's own), the gateway's name checked against its certificate when {@code verifyHostname}.
   */
  public static NetClientOptions tls(NetClientOptions options, String trustFile, boolean verifyHostname) {
    options.setSsl(true).setHostnameVerificationAlgorithm(verifyHostname ? VERIFY_HOSTNAME : "")
        .setEnabledSecureTransportProtocols(Limits.TLS_PROTOCOLS);
    if (trustFile != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(trustFile));
    }
    return options;
  }

  /** As {@link #tls(NetClientOptions, String, boolean)}, for {@code wss://}. */
  public static WebSocketClientOptions tls(WebSocketClientOptions options, String trustFile, boolean verifyHostname) {
    options.setSsl(true).setVerifyHost(verifyHostname).setEnabledSecureTransportProtocols(Limits.TLS_PROTOCOLS);
    if (trustFile != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(trustFile));
    }
    return options;
  }

  /** A gateway's WebSocket endpoint: {@code ws://host:port/ws}, or {@code wss://} over TLS (an IPv6 host bracketed). */
  public static String webSocketUrl(String host, int port, boolean tls) {
    String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (tls ? "wss" : "ws") + "://" + hostPart + ":" + port + Limits.WEBSOCKET_PATH;
  }

  /**
   * What a client connects to for a {@code ws://} or {@code wss://} URL: host, port (80 or 443 when the URL has
   * none), path with query, TLS for wss; and no {@code Origin} header, since a client is no web page (Vert.x would
   * make one up from the URL, which a gateway that lets in only some web origins refuses).
   *
   * @throws IllegalArgumentException if {@code url} is not a WebSocket URL
   */
  public static WebSocketConnectOptions webSocketConnect(String url) {
    if (url == null) {
      throw new IllegalArgumentException("no WebSocket URL");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bad WebSocket URL " + url);
    }
    boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
    if (!secure && !"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("bad WebSocket URL " + url);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    int port = uri.getPort() > 0 ? uri.getPort() : secure ? WSS_PORT : WS_PORT;
    return new WebSocketConnectOptions().setHost(uri.getHost().replace("[", "").replace("]", "")).setPort(port)
        .setURI(path).setSsl(secure).setAllowOriginHeader(false);
  }
}
