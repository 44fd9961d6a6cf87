package io.clusterchat.deploy;

import static io.clusterchat.deploy.ControlCluster.ADMIN_TOKEN;
import static io.clusterchat.deploy.ControlCluster.await;
import static io.clusterchat.deploy.ControlCluster.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.client.ChatClient;
import io.clusterchat.client.ChatClientOptions;
import io.clusterchat.client.ChatEvent;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.deploy.ControlCluster.Reply;
import io.clusterchat.gateway.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drain under continuous traffic: N users on gateway A keep sending numbered messages around a ring while the
 * coordinator drains A; every client ends on B, every acknowledged SEND reaches its recipient exactly once (by
 * inbox seq: 1..k, no gap, no duplicate, across the move), and A reports drained.
 */
class DrainTest {

  private static final int USERS = 20;
  private static final String PW = "s3cret-pass";
  /** Between one sender's messages: well under the gateway's rate limit, still a steady stream. */
  private static final long SEND_PAUSE_MILLIS = 20;
  /** Messages each sender sends after every client is on B, so traffic spans the whole move. */
  private static final int SENDS_AFTER_MOVE = 5;

  @Test
  void drainMovesEveryClientWithNothingLostOrDuplicated(@TempDir Path dataDir) throws Exception {
    CoordinatorOptions coordinator = new CoordinatorOptions().setDrainBatchSize(4).setDrainBatchIntervalMillis(100);
    Vertx clients = Vertx.vertx();
    try (ControlCluster cluster = new ControlCluster(dataDir, coordinator).start()) {
      Gateway a = cluster.gateway("gw-bj-1", "bj");
      Gateway b = cluster.gateway("gw-bj-2", "bj");

      List<ChatClient> users = new ArrayList<>();
      Map<String, List<ChatEvent.MessageReceived>> received = new ConcurrentHashMap<>();
      for (int i = 0; i < USERS; i++) {
        String name = "user" + i;
        List<ChatEvent.MessageReceived> inbox = new CopyOnWriteArrayList<>();
        received.put(name + "@bj", inbox);
        ChatClient client = ChatClient.create(clients, new ChatClientOptions().setHost("127.0.0.1")
            .setPort(a.port()).setReconnectInitialDelayMillis(50).setReconnectMaxDelayMillis(500));
        client.eventHandler(event -> {
          if (event instanceof ChatEvent.MessageReceived message) {
            inbox.add(message);
          }
        });
        await(client.connect());
        await(client.register(name, PW));
        await(client.login(name, PW));
        assertThat(client.nodeId()).isEqualTo("gw-bj-1");
        users.add(client);
      }

      // Each user sends to the next one in the ring, one message at a time, until told to stop.
      AtomicBoolean moved = new AtomicBoolean();
      Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
      AtomicInteger failures = new AtomicInteger();
      List<Future<Integer>> senders = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        String to = "user" + ((i + 1) % USERS) + "@bj";
        Set<String> acked = ConcurrentHashMap.newKeySet();
        acknowledged.put(to, acked);
        Promise<Integer> done = Promise.promise();
        senders.add(done.future());
        sendLoop(clients, users.get(i), to, 1, -1, moved, acked, failures, done);
      }

      awaitUntil("some traffic before the drain", () -> acknowledged.values().stream().mapToInt(Set::size).sum()
          >= USERS * 2);
      Reply drain = cluster.post("/api/gateways/gw-bj-1/drain", ADMIN_TOKEN, null);
      assertThat(drain.status()).isEqualTo(202);
      assertThat(drain.body().getJsonArray("targets")).containsExactly("gw-bj-2");
      assertThat(cluster.dispatch("bj").body().getString("node")).as("A out of dispatch at once")
          .isEqualTo("gw-bj-2");

      assertThat(await(a.drained())).isEqualTo(USERS);
      awaitUntil("every client on B", () -> users.stream().allMatch(c -> c.isConnected()
          && "gw-bj-2".equals(c.nodeId())));
      assertThat(a.connections()).isZero();
      moved.set(true);
      for (Future<Integer> sender : senders) {
        await(sender);
      }
      assertThat(failures.get()).as("failed sends").isZero();
      assertThat(cluster.gatewayState("gw-bj-1")).isIn("draining", null);

      awaitUntil("every acknowledged message received", () -> acknowledged.entrySet().stream().allMatch(entry ->
          received.get(entry.getKey()).stream().map(ChatEvent.MessageReceived::msg).collect(Collectors.toSet())
              .containsAll(entry.getValue())));
      for (Map.Entry<String, Set<String>> entry : acknowledged.entrySet()) {
        List<ChatEvent.MessageReceived> inbox = received.get(entry.getKey());
        int k = entry.getValue().size();
        assertThat(inbox).as("messages to " + entry.getKey()).hasSize(k);
        assertThat(inbox.stream().mapToLong(ChatEvent.MessageReceived::seq).sorted().toArray())
            .as("seqs of " + entry.getKey()).isEqualTo(LongStream.rangeClosed(1, k).toArray());
        assertThat(k).isGreaterThan(SENDS_AFTER_MOVE);
      }
      assertThat(b.connections()).isEqualTo(USERS);
      for (ChatClient client : users) {
        await(client.close());
      }
    } finally {
      await(clients.close());
    }
  }

  /**
   * Sends message {@code n} (its text is the number), then the next after a pause; once {@code moved} is set,
   * sends {@link #SENDS_AFTER_MOVE} more and completes with the count.
   */
  private static void sendLoop(Vertx vertx, ChatClient client, String to, int n, int stopAt, AtomicBoolean moved,
                               Set<String> acked, AtomicInteger failures, Promise<Integer> done) {
    if (n == stopAt) {
      done.complete(n - 1);
      return;
    }
    int last = stopAt < 0 && moved.get() ? n + SENDS_AFTER_MOVE : stopAt;
    client.send(to, "m" + n).onComplete(sent -> {
      if (sent.succeeded()) {
        acked.add(sent.result().msg());
      } else {
        failures.incrementAndGet();
      }
      vertx.setTimer(SEND_PAUSE_MILLIS, id -> sendLoop(vertx, client, to, n + 1, last, moved, acked, failures,
          done));
    });
  }
}
