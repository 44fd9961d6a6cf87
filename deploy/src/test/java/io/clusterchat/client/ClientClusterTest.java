package io.clusterchat.client;

import static io.clusterchat.client.ClientTestCluster.PASSWORD;
import static io.clusterchat.client.ClientTestCluster.await;
import static io.clusterchat.client.ClientTestCluster.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.client.ChatEvent.MessageReceived;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.gateway.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full chat through a real in-JVM cluster on 127.0.0.1: a session-store (the data member) first, then a
 * persistence-node on an H2 file, an auth-node, and gateways in regions bj and sh, each on its own clustered
 * Vert.x instance. Clients talk to the gateways over real sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientClusterTest {

  private static final long EVENT_WAIT_SECONDS = 15;

  @TempDir
  static Path dataDir;

  private ClientTestCluster fixture;
  private Vertx clientVertx;
  private Gateway bj;
  private Gateway sh;

  @BeforeAll
  void startCluster() throws Exception {
    fixture = ClientTestCluster.start(dataDir);
    clientVertx = fixture.clientVertx;
    bj = fixture.bj;
    sh = fixture.sh;
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void chatBetweenRegions() throws Exception {
    Events aliceEvents = new Events();
    Events bobEvents = new Events();
    ChatClient alice = client(bj.port(), aliceEvents);
    ChatClient bob = client(sh.port(), bobEvents);
    assertThat(await(alice.register("alice", PASSWORD))).isEqualTo("alice@bj");
    assertThat(await(bob.register("bob", PASSWORD))).isEqualTo("bob@sh");
    assertThat(failure(alice.register("alice", PASSWORD)).code()).isEqualTo(ChatException.CONFLICT);
    assertThat(failure(bob.login("bob@sh", "wrong-password")).code()).isEqualTo(ChatException.UNAUTHORIZED);

    Session aliceSession = await(alice.login("alice", PASSWORD));
    assertThat(aliceSession.address()).isEqualTo("alice@bj");
    assertThat(aliceSession.token()).isNotBlank();
    assertThat(await(bob.login("bob@sh", PASSWORD)).address()).isEqualTo("bob@sh");

    Sent sent = await(alice.send("bob@sh", "hello bob"));
    MessageReceived atBob = bobEvents.next(m -> m.text().equals("hello bob"));
    assertThat(atBob.from()).isEqualTo("alice@bj");
    assertThat(atBob.to()).isEqualTo("bob@sh");
    assertThat(atBob.msg()).isEqualTo(sent.msg());
    assertThat(atBob.seq()).isEqualTo(1);

    await(bob.send("alice@bj", "hi alice, from sh"));
    assertThat(aliceEvents.next(m -> m.text().equals("hi alice, from sh")).from()).isEqualTo("bob@sh");

    Presence presence = await(alice.who("bob@sh"));
    assertThat(presence.online()).isTrue();
    assertThat(presence.regions()).containsExactly("sh");

    List<HistoryItem> history = await(bob.history("alice@bj", null));
    assertThat(history).extracting(HistoryItem::text).containsExactly("hello bob", "hi alice, from sh");
    SyncResult sync = await(bob.sync(0L, null));
    assertThat(sync.messages()).extracting(MessageReceived::seq).containsExactly(1L);
    await(bob.ack(1));
  }

  @Test
  void resumeOnTheOtherGatewayAndRetriedSendIsStoredOnce() throws Exception {
    Events carolEvents = new Events();
    Events daveEvents = new Events();
    ChatClient carol = client(bj.port(), carolEvents);
    ChatClient dave = client(sh.port(), daveEvents);
    await(carol.register("carol", PASSWORD));
    await(dave.register("dave", PASSWORD));
    Session carolSession = await(carol.login("carol", PASSWORD));
    await(dave.login("dave", PASSWORD));

    // The token works at any gateway, of any region.
    ChatClient carolOnSh = client(sh.port(), new Events());
    Session resumed = await(carolOnSh.resume(carolSession.token()));
    assertThat(resumed.address()).isEqualTo("carol@bj");
    assertThat(await(dave.who("carol@bj")).regions()).containsExactlyInAnyOrder("bj", "sh");

    // The same idempotency key, sent again on the same and on another connection of the same user.
    Sent first = await(carol.send("dave@sh", "exactly once", "retry-key-1"));
    Sent again = await(carol.send("dave@sh", "exactly once", "retry-key-1"));
    Sent elsewhere = await(carolOnSh.send("dave", "exactly once", "retry-key-1"));
    assertThat(again.msg()).isEqualTo(first.msg());
    assertThat(again.ts()).isEqualTo(first.ts());
    assertThat(elsewhere.msg()).isEqualTo(first.msg());
    await(carol.send("dave@sh", "a marker after it"));
    daveEvents.next(m -> m.text().equals("a marker after it"));
    assertThat(daveEvents.received).extracting(MessageReceived::text).containsOnlyOnce("exactly once");
    assertThat(await(dave.history("carol@bj", null))).extracting(HistoryItem::text)
        .containsExactly("exactly once", "a marker after it");
  }

  @Test
  void reconnectResumesAndSyncCatchesUp() throws Exception {
    TcpProxy link = await(TcpProxy.start(clientVertx, TestClusters.HOST, sh.port()));
    Events erinEvents = new Events();
    Events frankEvents = new Events();
    ChatClient erin = client(bj.port(), erinEvents);
    ChatClient frank = client(link.port(), frankEvents);
    await(erin.register("erin", PASSWORD));
    await(frank.register("frank", PASSWORD));
    await(erin.login("erin", PASSWORD));
    await(frank.login("frank", PASSWORD));
    await(erin.send("frank@sh", "before the drop"));
    frankEvents.next(m -> m.text().equals("before the drop"));

    link.cut();
    assertThat(frankEvents.next(ChatEvent.Disconnected.class).reconnecting()).isTrue();
    awaitOffline(erin, "frank@sh");
    await(erin.send("frank@sh", "while you were away"));
    Future<Sent> queued = frank.send("erin@bj", "sent while disconnected");
    link.heal();

    MessageReceived missed = frankEvents.next(m -> m.text().equals("while you were away"));
    assertThat(missed.seq()).isEqualTo(2);
    ChatEvent.Reconnected back = frankEvents.next(ChatEvent.Reconnected.class);
    assertThat(back.address()).isEqualTo("frank@sh");
    assertThat(await(queued).msg()).isNotBlank();
    assertThat(erinEvents.next(m -> m.text().equals("sent while disconnected")).from()).isEqualTo("frank@sh");

    await(erin.send("frank@sh", "after the reconnect"));
    frankEvents.next(m -> m.text().equals("after the reconnect"));
    assertThat(frankEvents.received).extracting(MessageReceived::seq).containsExactly(1L, 2L, 3L);
    await(link.close());
  }

  private void awaitOffline(ChatClient asker, String user) throws Exception {
    long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(EVENT_WAIT_SECONDS);
    while (await(asker.who(user)).online()) {
      assertThat(System.currentTimeMillis()).as("%s offline", user).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private ChatClient client(int port, Events events) throws Exception {
    return fixture.client(port, events.queue::add);
  }

  /** One client's events, with the messages it got kept in order. */
  private static final class Events {

    final BlockingQueue<ChatEvent> queue = new LinkedBlockingQueue<>();
    final List<MessageReceived> received = new ArrayList<>();

    <T extends ChatEvent> T next(Class<T> type) throws InterruptedException {
      while (true) {
        ChatEvent event = queue.poll(EVENT_WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(event).as("a %s event", type.getSimpleName()).isNotNull();
        if (event instanceof MessageReceived message) {
          received.add(message);
        }
        if (type.isInstance(event)) {
          return type.cast(event);
        }
      }
    }

    MessageReceived next(Predicate<MessageReceived> wanted) throws InterruptedException {
      while (true) {
        MessageReceived message = next(MessageReceived.class);
        if (wanted.test(message)) {
          return message;
        }
      }
    }
  }
}
