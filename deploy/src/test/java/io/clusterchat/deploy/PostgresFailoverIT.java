package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.StoreService;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.clusterchat.persistence.PersistenceNode;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.session.SessionStore;
import io.clusterchat.session.SessionStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's own HA under the store in its HA layout (issue 13): {@code deploy/pg-ha.sh up} starts a primary and a
 * synchronous streaming standby in a temporary directory; two persistence-nodes of one Hazelcast cluster (with a
 * session-store as its data member) share the shards and reach the databases through pgjdbc's multi-host URL
 * ({@code targetServerType=primary}). Senders append without pause to recipients in several shards, each append
 * retried with its client id until it is acknowledged; the primary is killed with {@code kill -9} mid-stream and the
 * standby promoted by {@code pg-ha.sh failover}. Every acknowledged message must then be in its recipient's inbox
 * exactly once, with gap-free seqs: synchronous commit lost none, and the client ids kept the retries of ambiguous
 * commits single. The shard leases live in the same databases: the nodes must keep them through the failover.
 * Then {@code pg-ha.sh rejoin} rebuilds the old primary as the new standby, and the same is done the other way.
 *
 * <p>Needs root (the script runs PostgreSQL as {@code postgres} through runuser) and PostgreSQL's binaries
 * ({@code PG_BIN}, default {@code /usr/lib/postgresql/15/bin}); skipped, saying why, without them, except with
 * {@code CI=true}, where that is a failure.
 */
class PostgresFailoverIT {

  private static final Path PG_BIN = Path.of(System.getenv().getOrDefault("PG_BIN", "/usr/lib/postgresql/15/bin"));
  private static final String HASH = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
  private static final long SCRIPT_TIMEOUT_SECONDS = 120;
  private static final long AWAIT_SECONDS = 60;
  private static final int SENDERS = 4;
  private static final int PERSISTENCE_NODES = 2;
  private static final int ACKS_BEFORE_KILL = 400;
  private static final int ACKS_AFTER_FAILOVER = 400;
  /** Above the node's append deadline (3 s) and connect timeout (2 s): an append answers or fails in time. */
  private static final long APPEND_TIMEOUT_MILLIS = 5_000;
  /** The longest one append may be retried; the failover is expected to take far less. */
  private static final long RETRY_BOUND_MILLIS = 60_000;
  private static final long RETRY_PAUSE_MILLIS = 20;
  /**
   * How long the primary stays dead before the failover starts, as if an operator or a monitor took that long to
   * notice: longer than the node's connect timeout and append deadline, so appends fail 503 meanwhile and are
   * retried, and the pool has to find the promoted node after giving up on both.
   */
  private static final long OUTAGE_MILLIS = 3_000;
  private static final long POLL_MILLIS = 10;
  private static final int SYNC_PAGE = 500;
  private static final long NANOS_PER_MILLI = 1_000_000;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
  private final Queue<Throwable> senderFailures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicBoolean stop = new AtomicBoolean();
  private Path dir;
  private Vertx vertx;
  private final TestClusters cluster = new TestClusters();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<PersistenceNode> stores = new ArrayList<>();

  /** One acknowledged append: its client id, the store's answer, when its successful attempt started and ended. */
  private record Ack(String to, String clientId, String msg, long seq, String text, boolean duplicate,
                     long attemptStart, long acked) {
  }

  @BeforeEach
  void startPrimaryAndStandby() throws Exception {
    requireRootAndPostgres();
    dir = Files.createTempDirectory("pg-ha-it");
    List<String> up = script("up", dir.toString(), String.valueOf(freePort()), String.valueOf(freePort()));
    String url = up.get(up.size() - 1);
    assertThat(url).startsWith("jdbc:postgresql://").endsWith("targetServerType=primary");
    ClusterNode data = start("session-store-1", NodeRole.SESSION_STORE, true);
    await(SessionStore.deploy(data, new SessionStoreOptions()));
    for (int i = 1; i <= PERSISTENCE_NODES; i++) {
      ClusterNode persistence = start("persistence-" + i, NodeRole.PERSISTENCE_NODE, false);
      stores.add(await(PersistenceNode.deploy(persistence,
          new PersistenceOptions().setJdbcUrl(url).setDbUser("postgres"))));
    }
    vertx = data.vertx();
    waitFor("the shards spread over both persistence-nodes",
        () -> stores.stream().allMatch(store -> !store.heldShards().isEmpty())
            && stores.stream().mapToInt(store -> store.heldShards().size()).sum()
            == PersistenceOptions.DEFAULT_SHARDS);
  }

  private ClusterNode start(String nodeId, NodeRole role, boolean seed) {
    ClusterNode node = await(ClusterNode.start(cluster.node(nodeId, role, null, seed)));
    nodes.add(node);
    return node;
  }

  @AfterEach
  void tearDown() throws Exception {
    stop.set(true);
    for (PersistenceNode store : stores) {
      await(store.close());
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).closeAndWait(TimeUnit.SECONDS.toMillis(AWAIT_SECONDS));
    }
    if (dir != null) {
      script("down", dir.toString(), "--purge");
    }
  }

  @Test
  void noAcknowledgedMessageIsLostAcrossTwoKillsOfThePrimary() throws Exception {
    String alice = createAccount("alice");
    List<String> recipients = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      recipients.add(createAccount("bob" + s));
    }
    System.out.printf("pg-ha: persistence-nodes hold shards %s; the recipients are in shards %s%n",
        stores.stream().map(PersistenceNode::heldShards).collect(Collectors.toList()),
        recipients.stream().map(r -> StoreService.shardOf(r, PersistenceOptions.DEFAULT_SHARDS))
            .collect(Collectors.toList()));
    List<Thread> senders = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      String prefix = "s" + s + "-";
      String to = recipients.get(s);
      Thread sender = new Thread(() -> sendUntilStopped(alice, to, prefix), "sender-" + s);
      sender.setDaemon(true);
      sender.start();
      senders.add(sender);
    }
    waitFor("acks before the first kill", () -> acks.size() >= ACKS_BEFORE_KILL);
    killAndFailOver("standby");

    script("rejoin", dir.toString());
    int acksAtRejoin = acks.size();
    waitFor("acks after the rejoin", () -> acks.size() >= acksAtRejoin + ACKS_BEFORE_KILL);
    killAndFailOver("primary");

    stop.set(true);
    for (Thread sender : senders) {
      sender.join(TimeUnit.SECONDS.toMillis(AWAIT_SECONDS));
    }
    assertThat(senderFailures).isEmpty();
    System.out.printf("pg-ha: %d acks, %d retried attempts, %d answered as duplicates%n", acks.size(),
        retries.get(), acks.stream().filter(Ack::duplicate).count());
    for (String recipient : recipients) {
      assertEveryAckStoredOnceGapFree(recipient, syncAll(recipient));
    }
  }

  /**
   * Kills the primary under the senders' appends, leaves it dead {@value #OUTAGE_MILLIS} ms, promotes the standby
   * ({@code promoted}) and waits for appends acknowledged by it; prints how long each step took.
   */
  private void killAndFailOver(String promoted) throws Exception {
    script("kill-primary", dir.toString());
    // Just after the kill (the script's exit takes a few ms): an attempt started from here on met no primary.
    long kill = System.nanoTime();
    int acksAtKill = acks.size();
    Thread.sleep(OUTAGE_MILLIS);
    long failoverStart = System.nanoTime();
    List<String> failover = script("failover", dir.toString());
    long failoverEnd = System.nanoTime();
    assertThat(failover.get(failover.size() - 1)).startsWith("promoted " + promoted + " ");
    waitFor("acks after the failover", () -> acksStartedAfter(kill) >= ACKS_AFTER_FAILOVER);
    long firstAfterKill = acks.stream().filter(ack -> ack.attemptStart() >= kill).mapToLong(Ack::acked).min()
        .orElseThrow();
    System.out.printf("pg-ha failover to %s: kill -9 of the primary after %d acks, %d ms outage, failover script"
            + " %d ms (%s); first acknowledged append %d ms after the kill, %d ms after the failover script"
            + " returned%n",
        promoted, acksAtKill, OUTAGE_MILLIS, (failoverEnd - failoverStart) / NANOS_PER_MILLI,
        failover.get(failover.size() - 1), (firstAfterKill - kill) / NANOS_PER_MILLI,
        (firstAfterKill - failoverEnd) / NANOS_PER_MILLI);
  }

  private void assertEveryAckStoredOnceGapFree(String recipient, List<JsonObject> items) {
    List<Long> seqs = items.stream().map(item -> item.getLong("seq")).collect(Collectors.toList());
    assertThat(seqs).containsExactlyElementsOf(
        LongStream.rangeClosed(1, items.size()).boxed().collect(Collectors.toList()));
    Map<String, Long> storedSeqByMsg = new HashMap<>();
    for (JsonObject item : items) {
      assertThat(storedSeqByMsg.put(item.getString("msg"), item.getLong("seq"))).as("msg stored twice").isNull();
    }
    assertThat(items.stream().map(item -> item.getString("text")).distinct()).hasSize(items.size());
    Map<String, Long> ackedSeqByMsg = new HashMap<>();
    for (Ack ack : acks) {
      if (ack.to().equals(recipient)) {
        assertThat(ackedSeqByMsg.put(ack.msg(), ack.seq())).as("one ack per client id").isNull();
      }
    }
    assertThat(storedSeqByMsg).isEqualTo(ackedSeqByMsg);
  }

  /** One sender: appends with fresh client ids, each retried with the same client id until acknowledged. */
  private void sendUntilStopped(String from, String to, String clientIdPrefix) {
    try {
      for (int i = 1; !stop.get(); i++) {
        acks.add(appendUntilAcknowledged(from, to, clientIdPrefix + i));
      }
    } catch (RuntimeException | InterruptedException e) {
      senderFailures.add(e);
    }
  }

  private Ack appendUntilAcknowledged(String from, String to, String clientId) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_BOUND_MILLIS);
    String text = "text of " + clientId;
    while (true) {
      long attemptStart = System.nanoTime();
      try {
        JsonObject appended = append(from, to, text, clientId);
        return new Ack(to, clientId, appended.getString("msg"), appended.getLong("seq"), text,
            appended.getBoolean("duplicate"), attemptStart, System.nanoTime());
      } catch (ExecutionException | TimeoutException e) {
        if (System.nanoTime() > giveUp) {
          throw new IllegalStateException(clientId + " not acknowledged within " + RETRY_BOUND_MILLIS + " ms", e);
        }
        retries.incrementAndGet();
        Thread.sleep(RETRY_PAUSE_MILLIS);
      }
    }
  }

  private long acksStartedAfter(long nanos) {
    return acks.stream().filter(ack -> ack.attemptStart() >= nanos).count();
  }

  // The store's addresses, one helper each (the append address changes with sharding).

  private String createAccount(String name) {
    String address = name + "-" + run + "@t";
    await(request(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", address).put("hash", HASH)));
    return address;
  }

  private JsonObject append(String from, String to, String text, String clientId)
      throws ExecutionException, TimeoutException, InterruptedException {
    JsonObject body = new JsonObject().put("from", from).put("to", to).put("text", text).put("clientId", clientId);
    return request(StoreService.MESSAGE_APPEND, body).toCompletionStage().toCompletableFuture()
        .get(APPEND_TIMEOUT_MILLIS * 2, TimeUnit.MILLISECONDS);
  }

  private JsonObject sync(String user, long after) {
    return await(request(StoreService.INBOX_SYNC,
        new JsonObject().put("user", user).put("after", after).put("limit", SYNC_PAGE)));
  }

  /** The whole inbox, a page at a time. */
  private List<JsonObject> syncAll(String user) {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonArray page = sync(user, after).getJsonArray("items");
      if (page.isEmpty()) {
        return all;
      }
      page.stream().map(JsonObject.class::cast).forEach(all::add);
      after = all.get(all.size() - 1).getLong("seq");
    }
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body,
        new DeliveryOptions().setSendTimeout(APPEND_TIMEOUT_MILLIS)).map(reply -> reply.body());
  }

  // The script, PostgreSQL and the machine.

  /** Runs {@code deploy/pg-ha.sh} and returns its output lines; fails on a non-zero exit. */
  private static List<String> script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", Path.of("pg-ha.sh").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("pg-ha.sh " + String.join(" ", args) + " still runs after "
          + SCRIPT_TIMEOUT_SECONDS + " s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.printf("pg-ha.sh %s:%n%s", String.join(" ", args), output);
    if (process.exitValue() != 0) {
      throw new AssertionError("pg-ha.sh " + String.join(" ", args) + " exited " + process.exitValue() + ": "
          + output);
    }
    return output.lines().collect(Collectors.toList());
  }

  private static void requireRootAndPostgres() {
    String missing = null;
    if (!"root".equals(System.getProperty("user.name"))) {
      missing = "not root: pg-ha.sh runs PostgreSQL as the user postgres through runuser";
    } else if (!Files.isExecutable(PG_BIN.resolve("initdb"))) {
      missing = "no PostgreSQL binaries in " + PG_BIN + " (set PG_BIN)";
    }
    if (missing == null) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(missing + ", and CI=true");
    }
    Assumptions.abort(missing + "; CI=true makes this a failure");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Waits for {@code condition}; fails at once when a sender gave up. */
  private void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (!senderFailures.isEmpty()) {
        throw new AssertionError("a sender gave up waiting for " + what, senderFailures.peek());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + AWAIT_SECONDS + " s");
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no result within " + AWAIT_SECONDS + " s", e);
    }
  }
}
