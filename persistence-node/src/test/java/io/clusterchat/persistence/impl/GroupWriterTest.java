package io.clusterchat.persistence.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.persistence.PersistenceOptions;
import io.clusterchat.protocol.GroupMode;
import io.clusterchat.protocol.Limits;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group writer below the event bus. The fence: a writer whose lease of a group's shard was taken by another
 * node stores nothing there, its writes answered MOVED, while the group writes of shards it still holds are stored
 * in the same batch; and a refused write (403) does not fail the others of its batch. The per-user group limit,
 * counted over the store's databases.
 */
class GroupWriterTest {

  private static final int SHARDS = 4;
  private static final int MAX_MEMBERS = 100;
  private static final String ALICE = "alice@bj";

  @TempDir
  Path dataDir;

  private ShardDatabases databases;
  private Database database;

  @BeforeEach
  void open() {
    databases = ShardDatabases.open(new PersistenceOptions().setDataDir(dataDir.toString()).setShards(SHARDS));
    database = databases.databases().iterator().next();
  }

  @AfterEach
  void close() {
    databases.close();
  }

  @Test
  void aWriterThatLostItsLeaseStoresNoGroupWriteInThatShard() throws Exception {
    String stale = groupIn(0);
    String held = groupIn(1);
    takeLease(0, 1, "frozen-node");
    takeLease(1, 1, "frozen-node");
    ShardLease frozenLease = new ShardLease(0, 1, database, SHARDS, ShardLease.UNKNOWN_ID);
    ShardLease keptLease = new ShardLease(1, 1, database, SHARDS, ShardLease.UNKNOWN_ID);
    // While "frozen-node" was frozen, another node took shard 0 (epoch 2).
    takeLease(0, 2, "new-owner");

    PendingGroupWrite fenced = write(GroupService.GroupWrite.create(stale, ALICE, null), frozenLease);
    PendingGroupWrite stored = write(GroupService.GroupWrite.create(held, ALICE, null), keptLease);
    PendingGroupWrite refused = write(GroupService.GroupWrite.send(held, "bob@bj", "not a member", null), keptLease);
    writer().write(List.of(fenced, stored, refused));

    assertThat(fenced.failure()).isNotNull();
    assertThat(fenced.failure().failureCode()).isEqualTo(StoreService.MOVED);
    assertThat(frozenLease.lost()).isTrue();
    assertThat(refused.failure().failureCode()).isEqualTo(403);
    assertThat(stored.reply()).isNotNull();
    assertThat(stored.reply().entry().seq()).isEqualTo(1);
    assertThat(count("groups", stale)).isZero();
    assertThat(count("group_log", stale)).isZero();
    assertThat(count("group_log", held)).isEqualTo(1);
    // The id came from shard 1's own numbering, and the lease row learnt it.
    long id = MessageIds.rowId(stored.reply().entry().msg());
    assertThat(id % SHARDS).isEqualTo(1);
    assertThat(keptLease.lastId).isEqualTo(id);
  }

  @Test
  void aUserInTheMostGroupsAllowedCreatesJoinsAndIsInvitedToNoMore() throws Exception {
    takeLease(0, 1, "frozen-node");
    ShardLease lease = new ShardLease(0, 1, database, SHARDS, ShardLease.UNKNOWN_ID);
    String full = "carol@bj";
    database.withConnection(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO group_members (group_address,"
          + " member, joined_seq, join_order, read_seq) VALUES (?, ?, 1, 0, 1)")) {
        for (int i = 0; i < Limits.MAX_GROUPS_PER_USER; i++) {
          insert.setString(1, "#g" + i + "@bj");
          insert.setString(2, full);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO accounts (address, password_hash, created_ms) VALUES (?, 'x', 0)")) {
        insert.setString(1, full);
        insert.executeUpdate();
      }
      return null;
    });
    String open = groupIn(0);
    PendingGroupWrite created = write(GroupService.GroupWrite.create(open, ALICE, GroupMode.OPEN), lease);
    writer().write(List.of(created));
    assertThat(created.reply()).isNotNull();

    PendingGroupWrite create = write(GroupService.GroupWrite.create(groupIn(0, "#other"), full, null), lease);
    PendingGroupWrite join = write(GroupService.GroupWrite.join(open, full), lease);
    PendingGroupWrite invite = write(GroupService.GroupWrite.invite(open, ALICE, full), lease);
    writer().write(List.of(create, join, invite));
    assertThat(create.failure().getMessage()).isEqualTo("too many groups");
    assertThat(join.failure().getMessage()).isEqualTo("too many groups");
    assertThat(invite.failure().getMessage()).isEqualTo("user is in too many groups");
    assertThat(List.of(create, join, invite)).allSatisfy(refused ->
        assertThat(refused.failure().failureCode()).isEqualTo(403));
    assertThat(count("group_log", open)).isEqualTo(1);
  }

  private GroupWriter writer() {
    return new GroupWriter(database, databases, MAX_MEMBERS, "frozen-node");
  }

  private static PendingGroupWrite write(GroupService.GroupWrite request, ShardLease lease) {
    PendingGroupWrite write = PendingGroupWrite.of(request);
    write.lease = lease;
    return write;
  }

  /** A group address whose shard is {@code shard}. */
  private static String groupIn(int shard) {
    return groupIn(shard, "#team");
  }

  /** A group address whose shard is {@code shard} and that starts with {@code prefix}. */
  private static String groupIn(int shard, String prefix) {
    for (int i = 0; ; i++) {
      String address = prefix + i + "@bj";
      if (StoreService.shardOf(address, SHARDS) == shard) {
        return address;
      }
    }
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

  private long count(String table, String group) throws Exception {
    String column = "groups".equals(table) ? "address" : "group_address";
    return database.withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?")) {
        select.setString(1, group);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          return rows.getLong(1);
        }
      }
    });
  }
}
