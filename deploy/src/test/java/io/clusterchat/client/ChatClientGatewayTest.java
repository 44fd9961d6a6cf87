package io.clusterchat.client;

import static io.clusterchat.client.TestGateways.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterchat.client.TestGateways.Running;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;

/** The client against a real gateway without back ends: framing, errors, heartbeat, reconnect. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatClientGatewayTest {

  private static final long EVENT_WAIT_SECONDS = 10;

  private final BlockingQueue<ChatEvent> events = new LinkedBlockingQueue<>();
  private Running gateway;
  private ChatClient client;

  @BeforeEach
  void startGateway() throws Exception {
    gateway = TestGateways.start(TestGateways.options(0));
  }

  @AfterEach
  void stopAll() throws Exception {
    if (client != null) {
      await(client.close());
    }
    gateway.stop();
  }

  private ChatClient connect(Vertx vertx, ChatClientOptions options) throws Exception {
    client = ChatClient.create(vertx, options.setHost(TestGateways.HOST).setPort(gateway.port()));
    client.eventHandler(events::add);
    await(client.connect());
    return client;
  }

  private ChatClientOptions fastReconnect() {
    return new ChatClientOptions().setReconnectInitialDelayMillis(50).setReconnectMaxDelayMillis(400)
        .setRequestTimeoutMillis(5_000);
  }

  private <T extends ChatEvent> T next(Class<T> type) throws InterruptedException {
    while (true) {
      ChatEvent event = events.poll(EVENT_WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(event).as("a %s event", type.getSimpleName()).isNotNull();
      if (type.isInstance(event)) {
        return type.cast(event);
      }
    }
  }

  private static ChatException failure(io.vertx.core.Future<?> future) {
    ExecutionException thrown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(future));
    assertThat(thrown.getCause()).isInstanceOf(ChatException.class);
    return (ChatException) thrown.getCause();
  }

  @Test
  void connectReadsHello(Vertx vertx) throws Exception {
    connect(vertx, new ChatClientOptions());
    assertThat(client.region()).isEqualTo(TestGateways.REGION);
    assertThat(client.nodeId()).isEqualTo(TestGateways.NODE_ID);
    assertThat(client.isConnected()).isTrue();
    assertThat(client.session()).isNull();
  }

  @Test
  void pingIsAnswered(Vertx vertx) throws Exception {
    connect(vertx, new ChatClientOptions());
    assertThat(await(client.ping())).isGreaterThanOrEqualTo(0L);
    // Several at once: replies are matched to their requests by id, in order.
    List<Long> rtts = await(io.vertx.core.Future.all(client.ping(), client.ping(), client.ping())).list();
    assertThat(rtts).hasSize(3);
  }

  @Test
  void sendBeforeLoginIsUnauthorized(Vertx vertx) throws Exception {
    connect(vertx, new ChatClientOptions());
    ChatException e = failure(client.send("bob@sh", "hello"));
    assertThat(e.code()).isEqualTo(ChatException.UNAUTHORIZED);
    assertThat(e.clientSide()).isFalse();
    // The connection is still good after an error.
    assertThat(await(client.ping())).isNotNull();
  }

  @Test
  void loginWithoutAuthBackendIsUnavailable(Vertx vertx) throws Exception {
    connect(vertx, new ChatClientOptions());
    assertThat(failure(client.login("alice", "password1")).code()).isEqualTo(ChatException.UNAVAILABLE);
    assertThat(failure(client.register("alice", "password1")).code()).isEqualTo(ChatException.UNAVAILABLE);
    assertThat(failure(client.login("alice", "short")).code()).isEqualTo(ChatException.BAD_REQUEST);
    assertThat(client.session()).isNull();
  }

  @Test
  void requestsBeforeConnectFail(Vertx vertx) {
    client = ChatClient.create(vertx, new ChatClientOptions().setPort(gateway.port()));
    assertThat(failure(client.ping()).code()).isEqualTo(ChatException.NOT_CONNECTED);
  }

  @Test
  void heartbeatKeepsAnIdleConnectionOpen(Vertx vertx) throws Exception {
    gateway.stop();
    gateway = TestGateways.start(TestGateways.options(0).setIdleTimeoutMillis(400));
    connect(vertx, new ChatClientOptions().setHeartbeatIntervalMillis(100));
    Thread.sleep(1_500);
    assertThat(events).isEmpty();
    assertThat(gateway.gateway().connections()).isEqualTo(1);
    assertThat(client.isConnected()).isTrue();
  }

  @Test
  void withoutHeartbeatTheGatewaySaysByeIdle(Vertx vertx) throws Exception {
    gateway.stop();
    gateway = TestGateways.start(TestGateways.options(0).setIdleTimeoutMillis(300));
    connect(vertx, new ChatClientOptions().setHeartbeatIntervalMillis(60_000).setReconnect(false));
    assertThat(next(ChatEvent.Bye.class).reason()).isEqualTo("idle");
    assertThat(next(ChatEvent.Disconnected.class).reconnecting()).isFalse();
    assertThat(failure(client.ping()).code()).isEqualTo(ChatException.NOT_CONNECTED);
  }

  @Test
  void reconnectsWithBackoffWhenTheGatewayComesBack(Vertx vertx) throws Exception {
    connect(vertx, fastReconnect());
    int port = gateway.port();
    gateway.stop();
    assertThat(next(ChatEvent.Disconnected.class).reconnecting()).isTrue();
    assertThat(client.isConnected()).isFalse();
    // Asked while down: waits in the outbox and goes out on the new connection.
    io.vertx.core.Future<Long> queued = client.ping();
    Thread.sleep(600);
    gateway = TestGateways.start(TestGateways.options(port));
    ChatEvent.Reconnected back = next(ChatEvent.Reconnected.class);
    assertThat(back.port()).isEqualTo(port);
    assertThat(back.address()).isNull();
    assertThat(await(queued)).isNotNull();
    assertThat(client.isConnected()).isTrue();
    assertThat(await(client.ping())).isNotNull();
  }

  @Test
  void noReconnectAfterClose(Vertx vertx) throws Exception {
    connect(vertx, fastReconnect());
    await(client.close());
    Thread.sleep(500);
    assertThat(events).isEmpty();
    assertThat(gateway.gateway().connections()).isZero();
    assertThat(failure(client.ping()).code()).isEqualTo(ChatException.CLOSED);
    client = null;
  }

  @Test
  void unansweredRequestTimesOutAndDeadLinkIsDropped(Vertx vertx) throws Exception {
    // A server that says HELLO and then nothing: only the client's timers can tell.
    NetServer silent = vertx.createNetServer()
        .connectHandler(socket -> socket.write("HELLO clusterchat/1 bj gw-silent\n"));
    int port = await(silent.listen(0, TestGateways.HOST)).actualPort();
    client = ChatClient.create(vertx, new ChatClientOptions().setHost(TestGateways.HOST).setPort(port)
        .setRequestTimeoutMillis(200).setHeartbeatIntervalMillis(300).setReconnect(false));
    client.eventHandler(events::add);
    await(client.connect());
    assertThat(client.nodeId()).isEqualTo("gw-silent");
    assertThat(failure(client.ping()).code()).isEqualTo(ChatException.TIMEOUT);
    ChatEvent.Disconnected lost = next(ChatEvent.Disconnected.class);
    assertThat(lost.cause()).isInstanceOf(ChatException.class).hasMessageContaining("heartbeat");
    await(silent.close());
  }

  @Test
  void followsReconnectPushToAnotherGateway(Vertx vertx) throws Exception {
    int target = gateway.port();
    NetServer draining = vertx.createNetServer().connectHandler(socket -> socket.write(
        "HELLO clusterchat/1 bj gw-draining\nRECONNECT " + TestGateways.HOST + " " + target + "\n"));
    int port = await(draining.listen(0, TestGateways.HOST)).actualPort();
    client = ChatClient.create(vertx, fastReconnect().setHost(TestGateways.HOST).setPort(port));
    client.eventHandler(events::add);
    await(client.connect());
    ChatEvent.Reconnect move = next(ChatEvent.Reconnect.class);
    assertThat(move.port()).isEqualTo(target);
    ChatEvent.Reconnected back = next(ChatEvent.Reconnected.class);
    assertThat(back.port()).isEqualTo(target);
    assertThat(client.nodeId()).isEqualTo(TestGateways.NODE_ID);
    await(draining.close());
  }

  @Test
  void byeKickedStopsReconnecting(Vertx vertx) throws Exception {
    List<Integer> accepted = new CopyOnWriteArrayList<>();
    NetServer kicking = vertx.createNetServer().connectHandler(socket -> {
      accepted.add(1);
      socket.write("HELLO clusterchat/1 bj gw-kick\nBYE kicked\n").onComplete(v -> socket.close());
    });
    int port = await(kicking.listen(0, TestGateways.HOST)).actualPort();
    client = ChatClient.create(vertx, fastReconnect().setHost(TestGateways.HOST).setPort(port));
    client.eventHandler(events::add);
    await(client.connect());
    assertThat(next(ChatEvent.Bye.class).reason()).isEqualTo("kicked");
    assertThat(next(ChatEvent.Disconnected.class).reconnecting()).isFalse();
    Thread.sleep(500);
    assertThat(accepted).hasSize(1);
    await(kicking.close());
  }

  @Test
  void optionsValidateAndCopy() {
    ChatClientOptions options = new ChatClientOptions().setPort(9002).setReconnect(false)
        .setHeartbeatIntervalMillis(45_000);
    assertThat(new ChatClientOptions(options).toJson()).isEqualTo(options.toJson());
    assertThat(new ChatClientOptions(options.toJson()).getPort()).isEqualTo(9002);
    assertThat(new ChatClientOptions().getReconnectInitialDelayMillis())
        .isEqualTo(ChatClientOptions.DEFAULT_RECONNECT_INITIAL_DELAY_MILLIS);
    assertThatThrownBy(() -> new ChatClientOptions().setPort(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChatClientOptions().setRequestTimeoutMillis(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChatClientOptions().setReconnectMaxDelayMillis(1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
