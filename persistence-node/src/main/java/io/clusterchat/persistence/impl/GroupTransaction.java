package io.clusterchat.persistence.impl;

import io.clusterchat.bus.GroupService.GroupEntry;
import io.clusterchat.bus.GroupService.GroupWritten;
import io.clusterchat.bus.GroupService.Op;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.GroupMode;
import io.clusterchat.protocol.Limits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group writes of one transaction of a shard writer, applied one after the other on its open connection. Each
 * write checks everything it may be refused for (403, 404, 409) before it changes anything, so a refused write
 * leaves nothing behind and the others of the batch go on. The groups' rows are read once and kept here while the
 * transaction lasts (they are written back by {@link #flush}); log entries are inserted as one JDBC batch.
 *
 * <p>Seqs: each entry takes the group's {@code latest_seq + 1} as read in this transaction, which only the shard's
 * writer runs; with the fence, no two commits ever hand out a group's seq twice, and a rolled-back transaction
 * leaves no gap. Ids come from the shard's message-id numbering, shared with its inbox appends.
 */
final class GroupTransaction {

  private static final String SELECT_GROUP = "SELECT mode, owner, latest_seq, member_count, next_join"
      + " FROM groups WHERE address = ?";
  private static final String INSERT_GROUP = "INSERT INTO groups (address, mode, owner, created_ms, latest_seq,"
      + " member_count, next_join) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_GROUP = "UPDATE groups SET owner = ?, latest_seq = ?, member_count = ?,"
      + " next_join = ? WHERE address = ?";
  private static final String SELECT_MEMBER = "SELECT 1 FROM group_members WHERE group_address = ? AND member = ?";
  private static final String INSERT_MEMBER = "INSERT INTO group_members (group_address, member, joined_seq,"
      + " join_order, read_seq) VALUES (?, ?, ?, ?, ?)";
  private static final String DELETE_MEMBER = "DELETE FROM group_members WHERE group_address = ? AND member = ?";
  private static final String SELECT_LONGEST_STANDING = "SELECT member FROM group_members WHERE group_address = ?"
      + " ORDER BY join_order LIMIT 1";
  private static final String COUNT_GROUPS_OF = "SELECT COUNT(*) FROM group_members WHERE member = ?";
  private static final String SELECT_ACCOUNT = "SELECT 1 FROM accounts WHERE address = ?";
  private static final String SELECT_STORED_SEND = "SELECT seq, id, ts_ms, body FROM group_log"
      + " WHERE group_address = ? AND sender = ? AND client_id = ?";
  private static final String INSERT_ENTRY = "INSERT INTO group_log (group_address, seq, id, sender, ts_ms, body,"
      + " event, target, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final Connection connection;
  private final Database database;
  private final ShardDatabases databases;
  private final int maxMembers;
  private final String owner;
  private final long timestamp;
  /** Whether SENDs with a client id look for a stored copy first (after the optimistic insert met one). */
  private final boolean lookUpStored;
  /** The groups read or created so far; a null value: no such group. */
  private final Map<String, GroupRow> groups = new HashMap<>();
  private final List<LogRow> entries = new ArrayList<>();
  private final Map<ShardLease, Long> lastIds = new LinkedHashMap<>();

  /**
   * Writes on {@code connection} (auto-commit off) to {@code database}, one of {@code databases}, for the node
   * {@code owner}, every entry stamped {@code timestamp}.
   */
  GroupTransaction(Connection connection, Database database, ShardDatabases databases, int maxMembers, String owner,
                   long timestamp, boolean lookUpStored) {
    this.connection = connection;
    this.database = database;
    this.databases = databases;
    this.maxMembers = maxMembers;
    this.owner = owner;
    this.timestamp = timestamp;
    this.lookUpStored = lookUpStored;
  }

  /** Each written shard's new last id, for the fence and, after the commit, its lease. */
  Map<ShardLease, Long> lastIds() {
    return lastIds;
  }

  /** Applies one write; a {@link StoreFailure} when it is refused (then nothing of it was written). */
  GroupWritten apply(PendingGroupWrite write) throws SQLException {
    return switch (write.op) {
      case CREATE -> create(write);
      case JOIN -> join(write);
      case INVITE -> invite(write);
      case LEAVE -> leave(write);
      case REMOVE -> remove(write);
      case SEND -> send(write);
    };
  }

  private GroupWritten create(PendingGroupWrite write) throws SQLException {
    if (group(write.group) != null) {
      throw new StoreFailure(ErrorCode.CONFLICT, "group exists");
    }
    requireGroupsLeft(write.by, "too many groups");
    GroupRow group = new GroupRow(write.group, write.mode.wireName(), null, 0, 0, 0, true);
    groups.put(write.group, group);
    GroupEntry entry = append(write, group, null, write.by);
    addMember(group, write.by, entry.seq());
    return written(entry, group);
  }

  private GroupWritten join(PendingGroupWrite write) throws SQLException {
    GroupRow group = existing(write.group);
    if (isMember(group, write.by)) {
      return written(null, group);
    }
    if (!GroupMode.OPEN.wireName().equals(group.mode)) {
      throw new StoreFailure(ErrorCode.FORBIDDEN, "group is invite-only");
    }
    requireRoom(group);
    requireGroupsLeft(write.by, "too many groups");
    GroupEntry entry = append(write, group, null, write.by);
    addMember(group, write.by, entry.seq());
    return written(entry, group);
  }

  private GroupWritten invite(PendingGroupWrite write) throws SQLException {
    GroupRow group = existing(write.group);
    requireMember(group, write.by);
    if (!accountExists(write.user)) {
      throw new StoreFailure(ErrorCode.NOT_FOUND, "no such user");
    }
    if (isMember(group, write.user)) {
      return written(null, group);
    }
    requireRoom(group);
    requireGroupsLeft(write.user, "user is in too many groups");
    GroupEntry entry = append(write, group, null, write.user);
    addMember(group, write.user, entry.seq());
    return written(entry, group);
  }

  private GroupWritten leave(PendingGroupWrite write) throws SQLException {
    GroupRow group = existing(write.group);
    requireMember(group, write.by);
    GroupEntry entry = append(write, group, null, write.by);
    removeMember(group, write.by);
    return written(entry, group);
  }

  private GroupWritten remove(PendingGroupWrite write) throws SQLException {
    GroupRow group = existing(write.group);
    if (!write.by.equals(group.owner)) {
      throw new StoreFailure(ErrorCode.FORBIDDEN, "not the owner");
    }
    if (!isMember(group, write.user)) {
      throw new StoreFailure(ErrorCode.NOT_FOUND, "user is not a member");
    }
    GroupEntry entry = append(write, group, null, write.user);
    removeMember(group, write.user);
    return written(entry, group);
  }

  private GroupWritten send(PendingGroupWrite write) throws SQLException {
    GroupRow group = existing(write.group);
    if (lookUpStored && write.clientId != null) {
      GroupEntry stored = storedSend(write);
      if (stored != null) {
        return new GroupWritten(stored, group.latestSeq, group.memberCount, true);
      }
    }
    requireMember(group, write.by);
    return written(append(write, group, write.text, null), group);
  }

  private static GroupWritten written(GroupEntry entry, GroupRow group) {
    return new GroupWritten(entry, group.latestSeq, group.memberCount, false);
  }

  // ---- checks ----

  private GroupRow existing(String address) throws SQLException {
    GroupRow group = group(address);
    if (group == null) {
      throw new StoreFailure(ErrorCode.NOT_FOUND, "no such group");
    }
    return group;
  }

  private void requireMember(GroupRow group, String user) throws SQLException {
    if (!isMember(group, user)) {
      throw new StoreFailure(ErrorCode.FORBIDDEN, "not a member");
    }
  }

  private void requireRoom(GroupRow group) {
    if (group.memberCount >= maxMembers) {
      throw new StoreFailure(ErrorCode.FORBIDDEN, "group is full");
    }
  }

  /**
   * A user may be in at most {@link Limits#MAX_GROUPS_PER_USER} groups, counted over every database of the store.
   * Two writers of other shards may each let the user in at once, both having counted the other's group before it
   * committed: the limit can be passed by a few groups in such a race, which is acceptable for a limit that guards
   * against abuse, not a rule of the protocol's data.
   */
  private void requireGroupsLeft(String user, String reason) throws SQLException {
    long groupsOfUser = 0;
    for (Database each : databases.databases()) {
      // This database is read on the transaction's connection, so the batch's own joins count too.
      groupsOfUser += each == database ? countGroupsOf(connection, user)
          : each.withConnection(other -> countGroupsOf(other, user));
    }
    if (groupsOfUser >= Limits.MAX_GROUPS_PER_USER) {
      throw new StoreFailure(ErrorCode.FORBIDDEN, reason);
    }
  }

  private static long countGroupsOf(Connection on, String user) throws SQLException {
    try (PreparedStatement select = on.prepareStatement(COUNT_GROUPS_OF)) {
      select.setString(1, user);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    }
  }

  /** Whether {@code user} has an account, in the database of its own shard. */
  private boolean accountExists(String user) throws SQLException {
    Database accounts = databases.ofAddress(user);
    return accounts == database ? exists(connection, SELECT_ACCOUNT, user)
        : accounts.withConnection(other -> exists(other, SELECT_ACCOUNT, user));
  }

  private boolean isMember(GroupRow group, String user) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_MEMBER)) {
      select.setString(1, group.address);
      select.setString(2, user);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  private static boolean exists(Connection on, String sql, String key) throws SQLException {
    try (PreparedStatement select = on.prepareStatement(sql)) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  private GroupEntry storedSend(PendingGroupWrite write) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_STORED_SEND)) {
      int index = 1;
      select.setString(index++, write.group);
      select.setString(index++, write.by);
      select.setString(index, write.clientId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? new GroupEntry(write.group, row.getLong("seq"), MessageIds.of(row.getLong("id")),
            write.by, row.getLong("ts_ms"), row.getString("body"), null, null) : null;
      }
    }
  }

  // ---- changes ----

  /** The group's next entry, written by {@code write.by}: a message ({@code text}) or its op's event. */
  private GroupEntry append(PendingGroupWrite write, GroupRow group, String text, String target)
      throws SQLException {
    long seq = ++group.latestSeq;
    long last = lastIds.containsKey(write.lease) ? lastIds.get(write.lease)
        : ShardFence.lastIdOf(connection, write.lease, owner);
    long id = MessageIds.next(last, write.lease.shards);
    lastIds.put(write.lease, id);
    group.changed = true;
    String event = write.op == Op.SEND ? null : write.op.wireName();
    GroupEntry entry = new GroupEntry(group.address, seq, MessageIds.of(id), write.by, timestamp, text, event,
        target);
    entries.add(new LogRow(id, entry, write.clientId));
    return entry;
  }

  /** A new member, joined at the entry {@code seq} (which it has read); the group's first member owns it. */
  private void addMember(GroupRow group, String user, long seq) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_MEMBER)) {
      int index = 1;
      insert.setString(index++, group.address);
      insert.setString(index++, user);
      insert.setLong(index++, seq);
      insert.setLong(index++, group.nextJoin++);
      insert.setLong(index, seq);
      insert.executeUpdate();
    }
    group.memberCount++;
    if (group.owner == null) {
      group.owner = user;
    }
  }

  /** A member gone; when it owned the group, the longest-standing member left owns it (none: nobody). */
  private void removeMember(GroupRow group, String user) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(DELETE_MEMBER)) {
      delete.setString(1, group.address);
      delete.setString(2, user);
      delete.executeUpdate();
    }
    group.memberCount--;
    if (user.equals(group.owner)) {
      try (PreparedStatement select = connection.prepareStatement(SELECT_LONGEST_STANDING)) {
        select.setString(1, group.address);
        try (ResultSet row = select.executeQuery()) {
          group.owner = row.next() ? row.getString(1) : null;
        }
      }
    }
  }

  /** Writes the groups' rows and the log's new entries; call once, before the fence and the commit. */
  void flush() throws SQLException {
    for (GroupRow group : groups.values()) {
      if (group != null && group.changed) {
        writeGroup(group);
      }
    }
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_ENTRY)) {
      for (LogRow row : entries) {
        GroupEntry entry = row.entry();
        int index = 1;
        insert.setString(index++, entry.group());
        insert.setLong(index++, entry.seq());
        insert.setLong(index++, row.id());
        insert.setString(index++, entry.from());
        insert.setLong(index++, entry.ts());
        insert.setString(index++, entry.text());
        insert.setString(index++, entry.event());
        insert.setString(index++, entry.user());
        insert.setString(index, row.clientId());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private void writeGroup(GroupRow group) throws SQLException {
    if (group.created) {
      try (PreparedStatement insert = connection.prepareStatement(INSERT_GROUP)) {
        int index = 1;
        insert.setString(index++, group.address);
        insert.setString(index++, group.mode);
        insert.setString(index++, group.owner);
        insert.setLong(index++, timestamp);
        insert.setLong(index++, group.latestSeq);
        insert.setLong(index++, group.memberCount);
        insert.setLong(index, group.nextJoin);
        insert.executeUpdate();
      }
      return;
    }
    try (PreparedStatement update = connection.prepareStatement(UPDATE_GROUP)) {
      int index = 1;
      update.setString(index++, group.owner);
      update.setLong(index++, group.latestSeq);
      update.setLong(index++, group.memberCount);
      update.setLong(index++, group.nextJoin);
      update.setString(index, group.address);
      update.executeUpdate();
    }
  }

  /** The group's row as this transaction last left it; null when there is no such group. */
  private GroupRow group(String address) throws SQLException {
    if (groups.containsKey(address)) {
      return groups.get(address);
    }
    GroupRow group = null;
    try (PreparedStatement select = connection.prepareStatement(SELECT_GROUP)) {
      select.setString(1, address);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          group = new GroupRow(address, row.getString("mode"), row.getString("owner"), row.getLong("latest_seq"),
              row.getLong("member_count"), row.getLong("next_join"), false);
        }
      }
    }
    groups.put(address, group);
    return group;
  }

  /** A group's row, changed in memory while the transaction runs. */
  private static final class GroupRow {
    private final String address;
    private final String mode;
    /** Made by this transaction: inserted, not updated. */
    private final boolean created;
    private String owner;
    private long latestSeq;
    private long memberCount;
    private long nextJoin;
    private boolean changed;

    GroupRow(String address, String mode, String owner, long latestSeq, long memberCount, long nextJoin,
             boolean created) {
      this.address = address;
      this.mode = mode;
      this.owner = owner;
      this.latestSeq = latestSeq;
      this.memberCount = memberCount;
      this.nextJoin = nextJoin;
      this.created = created;
    }
  }

  /** A log entry to insert, with its row id and its SEND's client id. */
  private record LogRow(long id, GroupEntry entry, String clientId) {
  }
}
