package io.clusterchat.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.client.ChatClient;
import io.clusterchat.client.ChatClientOptions;
import io.clusterchat.client.ChatEvent;
import io.clusterchat.client.ChatEvent.GroupMessage;
import io.clusterchat.client.ChatEvent.MembershipChange;
import io.clusterchat.client.GroupSyncResult;
import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's handling of group pushes against a scripted gateway ({@link FakeJsonGateway}): each entry of a
 * group reported once, nothing from before the join, a group's SYNC items told from pushes of another group, SENT
 * reported, and after a reconnect GROUPS then a SYNC of each group from what was seen (or nothing, from a gateway
 * without groups).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupEventsTest {

  private static final long WAIT_SECONDS = 10;
  private static final long TS = 1_790_000_000_000L;

  private final BlockingQueue<ChatEvent> events = new LinkedBlockingQueue<>();
  private Vertx vertx;
  private FakeJsonGateway gateway;
  private ChatClient client;

  @BeforeEach
  void connect() throws Exception {
    vertx = Vertx.vertx();
    gateway = new FakeJsonGateway();
    int port = await(gateway.start(vertx));
    gateway.answer("login", request -> List.of(session("alice@bj")));
    gateway.answer("resume", request -> List.of(session("alice@bj")));
    gateway.answer("sync", request -> List.of(FakeJsonGateway.ok().put("count", 0).put("latest", 0)));
    gateway.answer("join", request -> List.of(FakeJsonGateway.ok().put("group", "#team@bj").put("latest", 2)));
    client = ChatClient.create(vertx, new ChatClientOptions().setHost("127.0.0.1").setPort(port)
        .setReconnectInitialDelayMillis(20).setReconnectMaxDelayMillis(100).setRequestTimeoutMillis(5_000));
    client.eventHandler(events::add);
    await(client.connect());
    await(client.login("alice", "password1"));
    await(client.join("#team"));
    gateway.requests().clear();
  }

  @AfterEach
  void close() throws Exception {
    await(client.close());
    await(vertx.close());
  }

  @Test
  void eachEntryOnceAndNothingFromBeforeTheJoin() throws Exception {
    gateway.push(gmsg("#team@bj", 2, "before my join"));
    gateway.push(gmsg("#team@bj", 3, "hello"));
    gateway.push(gmsg("#team@bj", 3, "hello"));
    gateway.push(ServerFrame.gevent("#team@bj", 4, TS, "join", "bob@sh", "bob@sh").json(null));
    gateway.push(ServerFrame.sent(new JsonObject().put("msg", "m-9").put("to", "#team@bj").put("ts", TS)
        .put("text", "from my phone")).json(null));
    assertThat(next()).isEqualTo(new GroupMessage("#team@bj", 3, "m-3", "bob@sh", TS, "hello"));
    assertThat(next()).isInstanceOf(MembershipChange.class).extracting(event -> ((MembershipChange) event).seq())
        .isEqualTo(4L);
    assertThat(next()).isEqualTo(new ChatEvent.SentElsewhere("m-9", "#team@bj", TS, "from my phone"));
    assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aGroupsSyncKeepsItsItemsAndLetsOtherPushesThrough() throws Exception {
    gateway.answer("sync", request -> List.of(gmsg("#team@bj", 3, "one"), gmsg("#ops@bj", 1, "another group"),
        new JsonObject().put("op", "msg").put("seq", 1).put("msg", "d-1").put("from", "bob@sh")
            .put("to", "alice@bj").put("ts", TS).put("text", "a direct message"),
        gmsg("#team@bj", 5, "two"), FakeJsonGateway.ok().put("count", 2).put("latest", 5)));
    GroupSyncResult result = await(client.sync("#team", 2L, null));
    assertThat(result.latest()).isEqualTo(5);
    assertThat(result.entries()).extracting(ChatEvent.GroupEntry::seq).containsExactly(3L, 5L);
    JsonObject request = gateway.requests().poll();
    assertThat(request.getString("op")).isEqualTo("sync");
    assertThat(request.getString("group")).isEqualTo("#team");
    assertThat(request.getLong("after")).isEqualTo(2);
    assertThat(next()).isEqualTo(new GroupMessage("#ops@bj", 1, "m-1", "bob@sh", TS, "another group"));
    assertThat(next()).isInstanceOf(ChatEvent.MessageReceived.class);
    // Already handed over by the SYNC: not again as a push.
    gateway.push(gmsg("#team@bj", 5, "two"));
    assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aReconnectCatchesUpTheGroupFromWhatWasSeen() throws Exception {
    gateway.push(gmsg("#team@bj", 3, "seen"));
    next();
    gateway.answer("groups", request -> List.of(ServerFrame.group("#team@bj", 5, 1, 2).json(null),
        ServerFrame.group("#quiet@bj", 9, 9, 3).json(null), FakeJsonGateway.ok().put("count", 2)));
    gateway.answer("sync", request -> request.containsKey("group")
        ? List.of(gmsg("#team@bj", 4, "missed"), gmsg("#team@bj", 5, "missed too"),
            FakeJsonGateway.ok().put("count", 2).put("latest", 5))
        : List.of(FakeJsonGateway.ok().put("count", 0).put("latest", 0)));
    gateway.drop();
    assertThat(next()).isInstanceOf(ChatEvent.Disconnected.class);
    assertThat(next()).isEqualTo(new GroupMessage("#team@bj", 4, "m-4", "bob@sh", TS, "missed"));
    assertThat(next()).isEqualTo(new GroupMessage("#team@bj", 5, "m-5", "bob@sh", TS, "missed too"));
    assertThat(next()).isInstanceOf(ChatEvent.Reconnected.class);
    List<String> ops = gateway.requests().stream().map(request -> request.getString("op")).toList();
    assertThat(ops).containsExactly("resume", "sync", "groups", "sync");
    JsonObject groupSync = gateway.requests().stream().filter(request -> request.containsKey("group"))
        .findFirst().orElseThrow();
    // Seen up to 3: the catch-up starts there, not at the read cursor (1); #quiet has nothing unread.
    assertThat(groupSync.getString("group")).isEqualTo("#team@bj");
    assertThat(groupSync.getLong("after")).isEqualTo(3);
  }

  @Test
  void aGatewayWithoutGroupsStillLetsTheClientReconnect() throws Exception {
    gateway.answer("groups", request -> List.of(new JsonObject().put("op", "err").put("code", 503)
        .put("error", "GROUPS is not available on this cluster yet")));
    gateway.drop();
    assertThat(next()).isInstanceOf(ChatEvent.Disconnected.class);
    assertThat(next()).isInstanceOf(ChatEvent.Reconnected.class);
    assertThat(await(client.ping())).isNotNull();
  }

  private ChatEvent next() throws InterruptedException {
    ChatEvent event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(event).as("an event").isNotNull();
    return event;
  }

  private static JsonObject session(String address) {
    return FakeJsonGateway.ok().put("address", address).put("token", "t-1").put("acked", 0).put("latest", 0);
  }

  private static JsonObject gmsg(String group, long seq, String text) {
    return ServerFrame.gmsg(group, seq, "m-" + seq, "bob@sh", TS, text).json(null);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
