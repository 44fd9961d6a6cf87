package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.StoreRouter;
import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.session.SessionStore;
import io.clusterchat.session.SessionStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards move between persistence-nodes of a real Hazelcast cluster (one JVM, one H2 file) under continuous
 * appends: a second and a third node take their share by hand-over, a node that stops hands its shards on, and
 * through all of it every acknowledged append is stored exactly once, in order, with gap-free seqs.
 */
class ShardHandOverTest {

  private static final long TIMEOUT_SECONDS = 60;
  private static final int SHARDS = 64;
  private static final int RECIPIENTS = 16;
  private static final long APPEND_TIMEOUT_MILLIS = 5_000;
  private static final int ATTEMPTS = 10;
  /** Appends slower than this are logged with their time, to be read beside the keepers' log lines. */
  private static final long SLOW_MILLIS = 300;

  @TempDir
  Path dataDir;

  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }
  }

  @Test
  void shardsMoveToNewNodesAndAwayFromStoppedOnesWithoutLosingAnAppend() throws Exception {
    ClusterNode data = start("session-store-1", NodeRole.SESSION_STORE, true);
    await(SessionStore.deploy(data, new SessionStoreOptions()));
    ClusterNode first = start("persistence-1", NodeRole.PERSISTENCE_NODE, false);
    PersistenceNode store1 = await(PersistenceNode.deploy(first, options()));
    ClusterNode client = start("gw-bj-1", NodeRole.GATEWAY, false);

    String sender = "sender@bj";
    List<String> recipients = new ArrayList<>();
    createAccount(client, sender);
    for (int i = 0; i < RECIPIENTS; i++) {
      recipients.add("r" + i + "@bj");
      createAccount(client, recipients.get(i));
    }
    assertThat(heldShards(store1)).hasSize(SHARDS);

    Traffic traffic = new Traffic(new StoreRouter(client.vertx()), sender, recipients);
    Thread appender = new Thread(traffic, "appender");
    appender.start();
    traffic.awaitAcks(50);

    ClusterNode second = start("persistence-2", NodeRole.PERSISTENCE_NODE, false);
    PersistenceNode store2 = await(PersistenceNode.deploy(second, options()));
    awaitSpread(List.of(store1, store2));
    traffic.awaitAcks(traffic.acked() + 50);

    ClusterNode third = start("persistence-3", NodeRole.PERSISTENCE_NODE, false);
    PersistenceNode store3 = await(PersistenceNode.deploy(third, options()));
    awaitSpread(List.of(store1, store2, store3));
    traffic.awaitAcks(traffic.acked() + 50);

    await(store1.close());
    nodes.remove(first);
    first.closeAndWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    awaitSpread(List.of(store2, store3));
    traffic.awaitAcks(traffic.acked() + 50);

    traffic.stop();
    appender.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    assertThat(traffic.failed).as("appends that failed every attempt").isEmpty();
    System.out.printf("hand-over test: %d appends acknowledged, longest wait for one %d ms%n", traffic.acked(),
        TimeUnit.NANOSECONDS.toMillis(traffic.longestNanos.get()));

    for (String recipient : recipients) {
      JsonObject page = await(client.vertx().eventBus().<JsonObject>request(StoreService.INBOX_SYNC,
          new StoreService.InboxSync(recipient, 0L, 1000L).toJson())).body();
      List<StoreService.InboxItem> items = StoreService.InboxPage.fromJson(page).items();
      List<Long> acked = traffic.ackedTexts.getOrDefault(recipient, List.of());
      assertThat(items.stream().map(StoreService.InboxItem::seq).collect(Collectors.toList()))
          .as("seqs of " + recipient).containsExactlyElementsOf(
              LongStream.rangeClosed(1, items.size()).boxed().collect(Collectors.toList()));
      // Exactly the acknowledged appends, once each, in the order they were sent.
      assertThat(items.stream().map(item -> Long.parseLong(item.text().substring(1)))
          .collect(Collectors.toList())).as("appends stored for " + recipient).containsExactlyElementsOf(acked);
    }
  }

  private PersistenceOptions options() {
    return new PersistenceOptions().setDataDir(dataDir.toString()).setShards(SHARDS);
  }

  private static Set<Integer> heldShards(PersistenceNode store) {
    return new HashSet<>(store.heldShards());
  }

  /** Waits until every shard is held by exactly one of {@code stores}, and each holds some. */
  private static void awaitSpread(List<PersistenceNode> stores) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      Set<Integer> all = new HashSet<>();
      int total = 0;
      boolean eachHolds = true;
      for (PersistenceNode store : stores) {
        Set<Integer> held = heldShards(store);
        eachHolds &= !held.isEmpty();
        total += held.size();
        all.addAll(held);
      }
      if (eachHolds && total == SHARDS && all.size() == SHARDS) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("shards did not settle on " + stores.size() + " nodes");
  }

  private static void createAccount(ClusterNode client, String address) throws Exception {
    await(client.vertx().eventBus().request(StoreService.ACCOUNT_CREATE,
        new StoreService.AccountCreate(address, "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA").toJson()));
  }

  private ClusterNode start(String nodeId, NodeRole role, boolean seed) throws Exception {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, role == NodeRole.GATEWAY ? "bj" : null,
        seed)));
    nodes.add(node);
    return node;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** One sender appending to the recipients in turn, each append retried with its client id until stored. */
  private static final class Traffic implements Runnable {
    private final StoreRouter router;
    private final String sender;
    private final List<String> recipients;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong longestNanos = new AtomicLong();
    final Map<String, List<Long>> ackedTexts = new ConcurrentHashMap<>();
    final List<Long> failed = new ArrayList<>();

    Traffic(StoreRouter router, String sender, List<String> recipients) {
      this.router = router;
      this.sender = sender;
      this.recipients = recipients;
    }

    @Override
    public void run() {
      for (long i = 0; running.get(); i++) {
        String recipient = recipients.get((int) (i % recipients.size()));
        long start = System.nanoTime();
        if (appendWithRetries(recipient, i)) {
          ackedTexts.computeIfAbsent(recipient, key -> new ArrayList<>()).add(i);
          acks.incrementAndGet();
          long took = System.nanoTime() - start;
          longestNanos.accumulateAndGet(took, Math::max);
          if (took > TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS)) {
            System.out.printf("%s append %d to %s took %d ms%n", java.time.LocalTime.now(), i, recipient,
                TimeUnit.NANOSECONDS.toMillis(took));
          }
        } else {
          failed.add(i);
        }
      }
    }

    private boolean appendWithRetries(String recipient, long i) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          router.append(new StoreService.Append(sender, recipient, "m" + i, "c" + i), APPEND_TIMEOUT_MILLIS)
              .toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return true;
        } catch (Exception e) {
          System.out.printf("append %d attempt %d failed: %s%n", i, attempt, e);
        }
      }
      return false;
    }

    long acked() {
      return acks.get();
    }

    void awaitAcks(long count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (acks.get() < count && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(acks.get()).as("appends acknowledged").isGreaterThanOrEqualTo(count);
    }

    void stop() {
      running.set(false);
    }
  }
}
