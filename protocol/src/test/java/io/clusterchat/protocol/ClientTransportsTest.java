package io.clusterchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClientOptions;
import org.junit.jupiter.api.Test;

class ClientTransportsTest {

  @Test
  void webSocketUrlsOfAGateway() {
    assertThat(ClientTransports.webSocketUrl("127.0.0.1", 24091, false)).isEqualTo("ws://127.0.0.1:24091/ws");
    assertThat(ClientTransports.webSocketUrl("gw.example.com", 24091, true)).isEqualTo("wss://gw.example.com:24091/ws");
    assertThat(ClientTransports.webSocketUrl("::1", 24091, false)).isEqualTo("ws://[::1]:24091/ws");
  }

  @Test
  void aUrlBecomesConnectOptionsWithoutAnOrigin() {
    WebSocketConnectOptions plain = ClientTransports.webSocketConnect("ws://127.0.0.1:24091/ws");
    assertThat(plain.getHost()).isEqualTo("127.0.0.1");
    assertThat(plain.getPort()).isEqualTo(24091);
    assertThat(plain.getURI()).isEqualTo("/ws");
    assertThat(plain.isSsl()).isFalse();
    assertThat(plain.getAllowOriginHeader()).isFalse();

    WebSocketConnectOptions secure = ClientTransports.webSocketConnect("WSS://[::1]/ws?x=1");
    assertThat(secure.getHost()).isEqualTo("::1");
    assertThat(secure.getPort()).isEqualTo(443);
    assertThat(secure.getURI()).isEqualTo("/ws?x=1");
    assertThat(secure.isSsl()).isTrue();
    assertThat(ClientTransports.webSocketConnect("ws://h").getPort()).isEqualTo(80);

    for (String bad : new String[] {null, "http://h/ws", "ws:///ws", "ws://h:x/ws", "h:1"}) {
      assertThatThrownBy(() -> ClientTransports.webSocketConnect(bad)).as(String.valueOf(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void tlsIsOneTwoOrOneThreeWithTheHostnameChecked() {
    NetClientOptions net = ClientTransports.tls(new NetClientOptions(), null, true);
    assertThat(net.isSsl()).isTrue();
    assertThat(net.getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(net.getEnabledSecureTransportProtocols()).isEqualTo(Limits.TLS_PROTOCOLS);
    assertThat(ClientTransports.tls(new NetClientOptions(), "ca.pem", false).getHostnameVerificationAlgorithm())
        .isEmpty();
    WebSocketClientOptions ws = ClientTransports.tls(new WebSocketClientOptions(), "ca.pem", true);
    assertThat(ws.isSsl()).isTrue();
    assertThat(ws.isVerifyHost()).isTrue();
    assertThat(ws.getTrustOptions()).isNotNull();
    assertThat(ws.getEnabledSecureTransportProtocols()).isEqualTo(Limits.TLS_PROTOCOLS);
  }
}
