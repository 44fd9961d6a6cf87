package io.clusterchat.persistence.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.StoreService;
import io.clusterchat.persistence.PersistenceOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence: a writer whose lease was taken by another node (a higher epoch in the shard's row) cannot commit
 * into the shard, however long it was frozen; its appends are answered MOVED with nothing stored, while appends
 * of shards it still holds are stored in the same batch.
 */
class AppendWriterFenceTest {

  private static final int SHARDS = 4;

  @TempDir
  Path dataDir;

  private final Vertx vertx = Vertx.vertx();
  private ShardDatabases databases;
  private Database database;

  @BeforeEach
  void open() throws Exception {
    databases = ShardDatabases.open(new PersistenceOptions().setDataDir(dataDir.toString()).setShards(SHARDS));
    database = databases.databases().iterator().next();
  }

  @AfterEach
  void close() throws Exception {
    databases.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aWriterThatLostItsLeaseStoresNothingInThatShard() throws Exception {
    String stale = addressIn(0);
    String held = addressIn(1);
    createAccounts(stale, held);
    takeLease(0, 1, "frozen-node");
    takeLease(1, 1, "frozen-node");
    ShardLease frozenLease = new ShardLease(0, 1, database, SHARDS, ShardLease.UNKNOWN_ID);
    ShardLease keptLease = new ShardLease(1, 1, database, SHARDS, ShardLease.UNKNOWN_ID);
    // While "frozen-node" was frozen, another node took shard 0 (epoch 2).
    takeLease(0, 2, "new-owner");

    PendingAppend fenced = append("alice@bj", stale, frozenLease);
    PendingAppend stored = append("alice@bj", held, keptLease);
    new AppendWriter(database, StoreMeters.of(vertx), "frozen-node").write(List.of(fenced, stored));

    assertThat(fenced.failure()).isNotNull();
    assertThat(fenced.failure().failureCode()).isEqualTo(StoreService.MOVED);
    assertThat(frozenLease.lost()).isTrue();
    assertThat(stored.reply()).isNotNull();
    assertThat(stored.reply().seq()).isEqualTo(1);
    assertThat(count(stale)).isZero();
    assertThat(count(held)).isEqualTo(1);
    // The id came from shard 1's own numbering.
    assertThat(MessageIds.rowId(stored.reply().msg()) % SHARDS).isEqualTo(1);
  }

  private PendingAppend append(String from, String to, ShardLease lease) {
    PendingAppend append = PendingAppend.of(new StoreService.Append(from, to, "hi", null));
    append.lease = lease;
    return append;
  }

  /** An address whose shard is {@code shard}. */
  private String addressIn(int shard) {
    for (int i = 0; ; i++) {
      String address = "user" + i + "@bj";
      if (StoreService.shardOf(address, SHARDS) == shard) {
        return address;
      }
    }
  }

  private void createAccounts(String... addresses) throws Exception {
    database.withConnection(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO accounts (address, password_hash, created_ms) VALUES (?, 'x', 0)")) {
        for (String address : addresses) {
          insert.setString(1, address);
          insert.executeUpdate();
        }
      }
      return null;
    });
  }

  private void takeLease(int shard, long epoch, String owner) throws Exception {
    database.withConnection(connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE shard_leases SET epoch = ?, owner = ?, owner_name = ? WHERE shard = ?")) {
        update.setLong(1, epoch);
        update.setString(2, owner);
        update.setString(3, owner);
        update.setInt(4, shard);
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
      return null;
    });
  }

  private long count(String recipient) throws Exception {
    return database.withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT COUNT(*) FROM messages WHERE recipient = ?")) {
        select.setString(1, recipient);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          return rows.getLong(1);
        }
      }
    });
  }
}
