package io.clusterchat.client.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterchat.client.ChatClientOptions;
import io.clusterchat.client.ChatException;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  private static final int PORT = 24080;
  private static final long CLOSE_SECONDS = 5;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(CLOSE_SECONDS, TimeUnit.SECONDS);
  }

  /** The scheme is read as the connection reads it, in any case. */
  @Test
  void aWebSocketClientTellsTlsFromTheSchemeInAnyCase() {
    Endpoints plain = new Endpoints(vertx, new ChatClientOptions().setWebSocket(true));
    assertThat(plain.of("gw-1", "127.0.0.1", PORT, null, "WS://127.0.0.1:24080/ws").url())
        .isEqualTo("WS://127.0.0.1:24080/ws");
    for (String secure : new String[] {"wss://127.0.0.1:24443/ws", "WSS://127.0.0.1:24443/ws"}) {
      assertThatThrownBy(() -> plain.of("gw-1", "127.0.0.1", PORT, null, secure)).as(secure)
          .isInstanceOf(ChatException.class).hasMessageContaining("over TLS")
          .extracting(e -> ((ChatException) e).code()).isEqualTo(ChatException.NOT_CONNECTED);
    }
    assertThatThrownBy(() -> plain.of("gw-1", "127.0.0.1", PORT, null, "http://127.0.0.1:24080/ws"))
        .isInstanceOf(ChatException.class).hasMessageContaining("bad WebSocket URL");
  }
}
