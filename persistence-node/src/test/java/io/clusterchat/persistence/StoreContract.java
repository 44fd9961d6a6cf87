package io.clusterchat.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.clusterchat.bus.StoreService;
import io.clusterchat.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store's behaviour through its event-bus addresses, as gateways and auth nodes use it. Run against every
 * database by a subclass per database, which says how to reach it.
 *
 * <p>Tests block the JUnit thread on futures (never an event loop), which keeps multi-step scenarios readable.
 * Every test uses user names of its own, so tests sharing a database never see each other's rows.
 */
@ExtendWith(VertxExtension.class)
abstract class StoreContract {

  private static final long AWAIT_SECONDS = 60;
  private static final int SYNC_PAGE = 500;
  /** Long enough that appends fired together land in one batch; nothing asserts on time. */
  protected static final long ONE_BATCH_DELAY_MILLIS = 300;
  private static final String HASH = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";

  private final List<PersistenceNode> nodes = new ArrayList<>();
  private final List<Vertx> ownVertx = new ArrayList<>();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  protected Vertx vertx;

  /** Options reaching this class's database (one per test class, shared by its tests). */
  protected abstract PersistenceOptions options();

  /** The TCP port of a database that {@link #optionsVia} reaches. */
  protected abstract int proxiedDatabasePort() throws Exception;

  /** Options reaching the proxied database through {@code proxyPort}. */
  protected abstract PersistenceOptions optionsVia(int proxyPort);

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  @AfterEach
  void tearDown() {
    closeNodes();
    for (Vertx other : ownVertx) {
      await(other.close());
    }
  }

  @Test
  void accountIsCreatedOnceAndRead() {
    deploy(options());
    String alice = user("alice");
    JsonObject created = call(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", alice).put("hash", HASH));
    assertThat(created.getString("address")).isEqualTo(alice);

    JsonObject account = call(StoreService.ACCOUNT_GET, new JsonObject().put("address", alice));
    assertThat(account.getString("address")).isEqualTo(alice);
    assertThat(account.getString("hash")).isEqualTo(HASH);
    assertThat(account.getLong("created")).isPositive();

    assertFails(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", alice).put("hash", "other"),
        ErrorCode.CONFLICT, "name already registered");
    assertFails(StoreService.ACCOUNT_GET, new JsonObject().put("address", user("nobody")),
        ErrorCode.NOT_FOUND, "no such user");
  }

  /** Issue 11, finding 3: a registration that reaches the store past its deadline is refused 503, not written. */
  @Test
  void anAccountPastItsDeadlineIsRefusedUnwritten() {
    deploy(options());
    String late = user("late");
    long now = System.currentTimeMillis();
    assertFails(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", late).put("hash", HASH)
        .put("deadline", now), ErrorCode.UNAVAILABLE, "not written: past the request's deadline");
    assertFails(StoreService.ACCOUNT_GET, new JsonObject().put("address", late), ErrorCode.NOT_FOUND, "no such user");
    assertFails(StoreService.ACCOUNT_CREATE, new JsonObject().put("address", late).put("hash", HASH)
        .put("deadline", -1), ErrorCode.BAD_REQUEST, "deadline must not be negative");
    JsonObject inTime = call(StoreService.ACCOUNT_CREATE,
        new JsonObject().put("address", late).put("hash", HASH).put("deadline", now + 60_000));
    assertThat(inTime.getString("address")).isEqualTo(late);
  }

  @Test
  void appendedMessageIsSynced() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    JsonObject sent = append(alice, bob, "hello, bob", null);
    assertThat(sent.getString("msg")).startsWith("m").doesNotContain(" ");
    assertThat(sent.getLong("seq")).isEqualTo(1);
    assertThat(sent.getLong("ts")).isPositive();
    assertThat(sent.getString("from")).isEqualTo(alice);
    assertThat(sent.getString("to")).isEqualTo(bob);
    assertThat(sent.getString("text")).isEqualTo("hello, bob");
    assertThat(sent.getBoolean("duplicate")).isFalse();

    JsonObject synced = sync(bob, null, 100);
    assertThat(synced.getLong("acked")).isZero();
    assertThat(synced.getLong("latest")).isEqualTo(1);
    assertThat(synced.getJsonArray("items")).containsExactly(new JsonObject()
        .put("seq", 1L).put("msg", sent.getString("msg")).put("from", alice).put("to", bob)
        .put("ts", sent.getLong("ts")).put("text", "hello, bob"));
  }

  @Test
  void concurrentAppendsGetGapFreeSeqsInEachSendersOrder() {
    deploy(options());
    int senders = 8;
    int perSender = 200;
    String inbox = account("inbox");
    List<String> from = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      from.add(account("sender" + s));
    }
    List<List<Future<JsonObject>>> replies = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      replies.add(new ArrayList<>());
    }
    for (int i = 0; i < perSender; i++) {
      for (int s = 0; s < senders; s++) {
        replies.get(s).add(request(StoreService.MESSAGE_APPEND, appendRequest(from.get(s), inbox, "m" + i, null)));
      }
    }
    Set<Long> seqs = new HashSet<>();
    for (List<Future<JsonObject>> ofOneSender : replies) {
      List<Long> sent = ofOneSender.stream().map(f -> await(f).getLong("seq")).collect(Collectors.toList());
      assertThat(sent).isSorted().doesNotHaveDuplicates();
      seqs.addAll(sent);
    }
    int total = senders * perSender;
    assertThat(seqs).containsExactlyInAnyOrderElementsOf(
        LongStream.rangeClosed(1, total).boxed().collect(Collectors.toList()));

    List<JsonObject> items = syncAll(inbox);
    assertThat(items.stream().map(item -> item.getLong("seq")))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().collect(Collectors.toList()));
    for (String sender : from) {
      List<String> texts = items.stream()
          .filter(item -> item.getString("from").equals(sender))
          .map(item -> item.getString("text")).collect(Collectors.toList());
      assertThat(texts).containsExactlyElementsOf(
          LongStream.range(0, perSender).mapToObj(i -> "m" + i).collect(Collectors.toList()));
    }
  }

  @Test
  void retriedAppendIsStoredOnce() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    JsonObject first = append(alice, bob, "once", "req-1");
    JsonObject retry = append(alice, bob, "once", "req-1");
    assertSameMessage(retry, first);
    assertThat(first.getBoolean("duplicate")).isFalse();
    assertThat(retry.getBoolean("duplicate")).isTrue();
    JsonObject other = append(alice, bob, "twice", "req-2");
    assertThat(other.getLong("seq")).isEqualTo(2);
    assertThat(sync(bob, 0L, 100).getJsonArray("items")).hasSize(2);
  }

  @Test
  void retriedAppendInTheSameBatchIsStoredOnce() {
    deploy(options().setBatchMaxDelayMillis(ONE_BATCH_DELAY_MILLIS));
    String alice = account("alice");
    String bob = account("bob");
    Future<JsonObject> first = request(StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "once", "same"));
    Future<JsonObject> retry = request(StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "once", "same"));
    assertSameMessage(await(retry), await(first));
    assertThat(await(first).getBoolean("duplicate")).isFalse();
    assertThat(await(retry).getBoolean("duplicate")).isTrue();
    assertThat(sync(bob, 0L, 100).getJsonArray("items")).hasSize(1);
  }

  @Test
  void appendToUnknownRecipientFailsAloneInItsBatch() {
    deploy(options().setBatchMaxDelayMillis(ONE_BATCH_DELAY_MILLIS));
    String alice = account("alice");
    String bob = account("bob");
    Future<JsonObject> before = request(StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "one", null));
    Future<JsonObject> lost = request(StoreService.MESSAGE_APPEND,
        appendRequest(alice, user("ghost"), "to nobody", null));
    Future<JsonObject> after = request(StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "two", null));
    assertFailure(lost, ErrorCode.NOT_FOUND, "no such user");
    assertThat(await(before).getLong("seq")).isEqualTo(1);
    assertThat(await(after).getLong("seq")).isEqualTo(2);
    assertThat(texts(sync(bob, 0L, 100))).containsExactly("one", "two");
  }

  @Test
  void syncHonoursAfterLimitAndTheAckedCursor() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    for (int i = 1; i <= 5; i++) {
      append(alice, bob, "text " + i, null);
    }
    JsonObject page = sync(bob, 2L, 2);
    assertThat(seqs(page)).containsExactly(3L, 4L);
    assertThat(page.getLong("latest")).isEqualTo(5);

    call(StoreService.INBOX_ACK, new JsonObject().put("user", bob).put("seq", 3));
    JsonObject unacked = sync(bob, null, 100);
    assertThat(seqs(unacked)).containsExactly(4L, 5L);
    assertThat(texts(unacked)).containsExactly("text 4", "text 5");
    assertThat(unacked.getLong("acked")).isEqualTo(3);
    assertThat(unacked.getLong("latest")).isEqualTo(5);
    assertThat(seqs(sync(bob, 5L, 100))).isEmpty();
  }

  @Test
  void ackMovesTheCursorForwardOnly() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    assertThat(ack(bob, 0).getLong("acked")).isZero();
    assertFails(StoreService.INBOX_ACK, new JsonObject().put("user", bob).put("seq", 1),
        ErrorCode.BAD_REQUEST, "seq beyond latest");
    for (int i = 0; i < 3; i++) {
      append(alice, bob, "text", null);
    }
    assertThat(ack(bob, 2).getLong("acked")).isEqualTo(2);
    assertThat(ack(bob, 1).getLong("acked")).isEqualTo(2);
    assertThat(ack(bob, 3).getLong("acked")).isEqualTo(3);
    assertFails(StoreService.INBOX_ACK, new JsonObject().put("user", bob).put("seq", 4),
        ErrorCode.BAD_REQUEST, "seq beyond latest");
    assertThat(cursor(bob)).isEqualTo(new JsonObject().put("acked", 3L).put("latest", 3L));
  }

  @Test
  void cursorOfAUserWithNothingIsZero() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    assertThat(cursor(bob)).isEqualTo(new JsonObject().put("acked", 0L).put("latest", 0L));
    append(alice, bob, "one", null);
    append(alice, bob, "two", null);
    ack(bob, 1);
    assertThat(cursor(bob)).isEqualTo(new JsonObject().put("acked", 1L).put("latest", 2L));
    assertThat(cursor(alice)).isEqualTo(new JsonObject().put("acked", 0L).put("latest", 0L));
  }

  @Test
  void historyHasBothDirectionsNewestLimitOldestFirst() {
    deploy(options());
    String alice = account("alice");
    String bob = account("bob");
    String carol = account("carol");
    append(alice, bob, "a1", null);
    append(bob, alice, "b1", null);
    append(alice, carol, "to carol", null);
    append(alice, bob, "a2", null);
    append(bob, alice, "b2", null);
    append(alice, bob, "a3", null);

    JsonArray items = history(alice, bob, 4);
    assertThat(items.stream().map(JsonObject.class::cast).map(item -> item.getString("text")))
        .containsExactly("b1", "a2", "b2", "a3");
    JsonObject oldest = items.getJsonObject(0);
    assertThat(oldest.getString("from")).isEqualTo(bob);
    assertThat(oldest.getString("to")).isEqualTo(alice);
    assertThat(oldest.getString("msg")).startsWith("m");
    assertThat(oldest.getLong("ts")).isPositive();
    assertThat(history(bob, alice, 100)).hasSize(5);
    assertThat(history(carol, bob, 100)).isEmpty();
    append(alice, alice, "note to self", null);
    assertThat(history(alice, alice, 100).stream().map(JsonObject.class::cast).map(i -> i.getString("text")))
        .containsExactly("note to self");
  }

  @Test
  void badRequestsAreRefused() {
    deploy(options());
    String alice = account("alice");
    assertFails(StoreService.MESSAGE_APPEND, new JsonObject().put("from", alice).put("text", "no recipient"),
        ErrorCode.BAD_REQUEST, "missing to");
    assertFails(StoreService.MESSAGE_APPEND, new JsonObject().put("from", alice).put("to", "Alice@BJ").put("text", "x"),
        ErrorCode.BAD_REQUEST, "bad to address");
    assertFails(StoreService.MESSAGE_APPEND, appendRequest(alice, alice, "é".repeat(2001), null),
        ErrorCode.TOO_LARGE, "message text too long");
    assertFails(StoreService.INBOX_SYNC, new JsonObject().put("user", alice).put("limit", "ten"),
        ErrorCode.BAD_REQUEST, "limit must be a whole number");
    assertFails(StoreService.INBOX_SYNC, new JsonObject().put("user", alice).put("limit", 0),
        ErrorCode.BAD_REQUEST, "limit must be at least 1");
    assertThat(append(alice, alice, "é".repeat(2000), null).getLong("seq")).isEqualTo(1);
  }

  @Test
  void everythingAcknowledgedSurvivesARestart() {
    PersistenceOptions options = options();
    Vertx first = Vertx.vertx();
    PersistenceNode node = await(PersistenceNode.deploy(first, options));
    String alice = account(first, "alice");
    String bob = account(first, "bob");
    JsonObject sent = null;
    for (int i = 1; i <= 3; i++) {
      sent = await(request(first, StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "before " + i, "c" + i)));
    }
    await(request(first, StoreService.INBOX_ACK, new JsonObject().put("user", bob).put("seq", 2)));
    await(node.close());
    await(first.close());

    deploy(options);
    JsonObject synced = sync(bob, 0L, 100);
    assertThat(texts(synced)).containsExactly("before 1", "before 2", "before 3");
    assertThat(synced.getLong("acked")).isEqualTo(2);
    assertThat(call(StoreService.ACCOUNT_GET, new JsonObject().put("address", alice)).getString("hash"))
        .isEqualTo(HASH);

    JsonObject retried = append(alice, bob, "before 3", "c3");
    assertSameMessage(retried, sent);
    assertThat(retried.getBoolean("duplicate")).isTrue();
    assertThat(append(alice, bob, "after", "c4").getLong("seq")).isEqualTo(4);
  }

  @Test
  void storedRetryInABatchOfNewAppendsLeavesNoGap() {
    PersistenceOptions options = options().setBatchMaxDelayMillis(ONE_BATCH_DELAY_MILLIS);
    Vertx first = Vertx.vertx();
    PersistenceNode node = await(PersistenceNode.deploy(first, options));
    String alice = account(first, "alice");
    String bob = account(first, "bob");
    JsonObject original = await(request(first, StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "x", "x")));
    await(node.close());
    await(first.close());

    // A fresh node knows no recent client ids: the retry is caught by the database's unique constraint.
    deploy(options);
    Future<JsonObject> before = request(StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "new 1", "n1"));
    Future<JsonObject> retry = request(StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "x", "x"));
    Future<JsonObject> after = request(StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "new 2", "n2"));
    assertSameMessage(await(retry), original);
    assertThat(await(retry).getBoolean("duplicate")).isTrue();
    assertThat(await(before).getLong("seq")).isEqualTo(2);
    assertThat(await(after).getLong("seq")).isEqualTo(3);
    assertThat(texts(sync(bob, 0L, 100))).containsExactly("x", "new 1", "new 2");
  }

  @Test
  void databaseDownFailsAppendsWith503AndStoresNothing() throws Exception {
    TcpProxy proxy = await(new TcpProxy(vertx, proxiedDatabasePort()).start());
    deploy(optionsVia(proxy.port()).setConnectTimeoutMillis(500));
    String alice = account("alice");
    String bob = account("bob");
    assertThat(append(alice, bob, "before", null).getLong("seq")).isEqualTo(1);

    await(proxy.stop());
    assertFailure(request(StoreService.MESSAGE_APPEND, appendRequest(alice, bob, "lost", "lost")),
        ErrorCode.UNAVAILABLE, "database unavailable");
    assertFailure(request(StoreService.INBOX_SYNC, new JsonObject().put("user", bob).put("limit", 10)),
        ErrorCode.UNAVAILABLE, "database unavailable");

    await(proxy.start());
    assertThat(append(alice, bob, "after", null).getLong("seq")).isEqualTo(2);
    assertThat(texts(sync(bob, 0L, 100))).containsExactly("before", "after");
    // The node hands its leases back while it still reaches the database: on PostgreSQL the next test's node
    // shares this database and would otherwise wait for them to expire.
    closeNodes();
    await(proxy.stop());
  }

  // ---- helpers ----

  /** Closes the nodes this test deployed. */
  protected void closeNodes() {
    for (PersistenceNode node : nodes) {
      await(node.close());
    }
    nodes.clear();
  }

  protected void deploy(PersistenceOptions options) {
    nodes.add(await(PersistenceNode.deploy(vertx, options)));
  }

  /** A user address unique to this test run. */
  protected String user(String name) {
    return name + "-" + run + "@t";
  }

  protected String account(String name) {
    return account(vertx, name);
  }

  protected String account(Vertx on, String name) {
    String address = user(name);
    await(request(on, StoreService.ACCOUNT_CREATE, new JsonObject().put("address", address).put("hash", HASH)));
    return address;
  }

  private static JsonObject appendRequest(String from, String to, String text, String clientId) {
    JsonObject request = new JsonObject().put("from", from).put("to", to).put("text", text);
    return clientId == null ? request : request.put("clientId", clientId);
  }

  private JsonObject append(String from, String to, String text, String clientId) {
    return call(StoreService.MESSAGE_APPEND, appendRequest(from, to, text, clientId));
  }

  private JsonObject sync(String user, Long after, int limit) {
    JsonObject request = new JsonObject().put("user", user).put("limit", limit);
    return call(StoreService.INBOX_SYNC, after == null ? request : request.put("after", after));
  }

  /** The whole inbox, a page at a time (SYNC pages are at most 1000). */
  private List<JsonObject> syncAll(String user) {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonArray page = sync(user, after, SYNC_PAGE).getJsonArray("items");
      if (page.isEmpty()) {
        return all;
      }
      page.stream().map(JsonObject.class::cast).forEach(all::add);
      after = all.get(all.size() - 1).getLong("seq");
    }
  }

  private JsonObject ack(String user, long seq) {
    return call(StoreService.INBOX_ACK, new JsonObject().put("user", user).put("seq", seq));
  }

  private JsonObject cursor(String user) {
    return call(StoreService.INBOX_CURSOR, new JsonObject().put("user", user));
  }

  private JsonArray history(String user, String peer, int limit) {
    return call(StoreService.HISTORY, new JsonObject().put("user", user).put("peer", peer).put("limit", limit))
        .getJsonArray("items");
  }

  private static List<Long> seqs(JsonObject synced) {
    return synced.getJsonArray("items").stream().map(JsonObject.class::cast)
        .map(item -> item.getLong("seq")).collect(Collectors.toList());
  }

  private static List<String> texts(JsonObject synced) {
    return synced.getJsonArray("items").stream().map(JsonObject.class::cast)
        .map(item -> item.getString("text")).collect(Collectors.toList());
  }

  private static void assertSameMessage(JsonObject actual, JsonObject expected) {
    for (String field : List.of("msg", "seq", "ts", "from", "to", "text")) {
      assertThat(actual.getValue(field)).as(field).isEqualTo(expected.getValue(field));
    }
  }

  protected JsonObject call(String address, JsonObject body) {
    return await(request(address, body));
  }

  protected Future<JsonObject> request(String address, JsonObject body) {
    return request(vertx, address, body);
  }

  protected static Future<JsonObject> request(Vertx on, String address, JsonObject body) {
    return on.eventBus().<JsonObject>request(address, body).map(reply -> reply.body());
  }

  protected void assertFails(String address, JsonObject body, ErrorCode code, String reason) {
    assertFailure(request(address, body), code, reason);
  }

  protected static void assertFailure(Future<?> future, ErrorCode code, String reason) {
    try {
      Object result = future.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
      fail("expected failure " + code.code() + " but got " + result);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      ReplyException reply = (ReplyException) e.getCause();
      assertThat(reply.failureCode()).isEqualTo(code.code());
      assertThat(reply.getMessage()).isEqualTo(reason);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no reply within " + AWAIT_SECONDS + " s", e);
    }
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no result within " + AWAIT_SECONDS + " s", e);
    }
  }
}
