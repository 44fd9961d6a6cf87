package io.clusterchat.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterchat.bus.StoreService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shard map: shards in two databases (inboxes, accounts and a conversation across both), and a store that
 * refuses to start with another shard count or another map than it was created with.
 */
class ShardLayoutTest {

  private static final int SHARDS = 8;
  private static final String HASH = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void inboxesAndConversationsSpanTwoDatabases() throws Exception {
    PersistenceNode node = await(PersistenceNode.deploy(vertx, twoDatabases()));
    String low = addressIn(0, SHARDS / 2);
    String high = addressIn(SHARDS / 2, SHARDS);
    for (String address : List.of(low, high)) {
      call(StoreService.ACCOUNT_CREATE, new StoreService.AccountCreate(address, HASH).toJson());
    }
    JsonObject first = call(StoreService.MESSAGE_APPEND, new StoreService.Append(low, high, "one", null).toJson());
    call(StoreService.MESSAGE_APPEND, new StoreService.Append(high, low, "two", null).toJson());
    call(StoreService.MESSAGE_APPEND, new StoreService.Append(low, high, "three", null).toJson());

    // Each message sits in its recipient's database, numbered by its shard.
    assertThat(count(databaseUrl("b"), high)).isEqualTo(2);
    assertThat(count(databaseUrl("a"), low)).isEqualTo(1);
    assertThat(first.getLong("seq")).isEqualTo(1);
    StoreService.InboxPage inbox = StoreService.InboxPage.fromJson(
        call(StoreService.INBOX_SYNC, new StoreService.InboxSync(high, 0L, 10L).toJson()));
    assertThat(inbox.items()).extracting(StoreService.InboxItem::text).containsExactly("one", "three");
    // HISTORY merges both directions, read from both databases, oldest first.
    StoreService.HistoryPage history = StoreService.HistoryPage.fromJson(
        call(StoreService.HISTORY, new StoreService.History(low, high, 10L).toJson()));
    assertThat(history.items()).extracting(StoreService.HistoryItem::text).containsExactly("one", "two", "three");
    StoreService.HistoryPage lastTwo = StoreService.HistoryPage.fromJson(
        call(StoreService.HISTORY, new StoreService.History(high, low, 2L).toJson()));
    assertThat(lastTwo.items()).extracting(StoreService.HistoryItem::text).containsExactly("two", "three");
    await(node.close());
  }

  @Test
  void aStoreRefusesAnotherShardCount() throws Exception {
    await(await(PersistenceNode.deploy(vertx, oneDatabase().setShards(SHARDS))).close());
    assertThatThrownBy(() -> await(PersistenceNode.deploy(vertx, oneDatabase().setShards(2 * SHARDS))))
        .hasMessageContaining("belongs to a store of " + SHARDS + " shards, not " + 2 * SHARDS);
  }

  @Test
  void aStoreRefusesAnotherShardMap() throws Exception {
    await(await(PersistenceNode.deploy(vertx, twoDatabases())).close());
    assertThatThrownBy(() -> await(PersistenceNode.deploy(vertx, oneDatabase().setShards(SHARDS))))
        .hasMessageContaining("holds shards [0-3] but this node's shard map gives it [0-7]");
  }

  private PersistenceOptions oneDatabase() {
    return new PersistenceOptions().setDataDir(dir.resolve("a").toString());
  }

  private PersistenceOptions twoDatabases() {
    return oneDatabase().setShards(SHARDS).setShardDatabases(List.of(
        new PersistenceOptions.ShardDatabase(SHARDS / 2, SHARDS - 1, databaseUrl("b"))));
  }

  private String databaseUrl(String name) {
    return "jdbc:h2:file:" + dir.resolve(name).resolve("clusterchat").toAbsolutePath()
        + ";DB_CLOSE_ON_EXIT=FALSE;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
  }

  /** An address whose shard is in {@code [from, to)}. */
  private static String addressIn(int from, int to) {
    for (int i = 0; ; i++) {
      String address = "user" + i + "@bj";
      int shard = StoreService.shardOf(address, SHARDS);
      if (shard >= from && shard < to) {
        return address;
      }
    }
  }

  private static long count(String url, String recipient) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM messages WHERE recipient = ?")) {
      select.setString(1, recipient);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private JsonObject call(String address, JsonObject body) throws Exception {
    return await(vertx.eventBus().<JsonObject>request(address, body)).body();
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
