package io.clusterchat.persistence.impl;

import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.Limits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Group reads (SYNC, MEMBERS, GROUPS, HISTORY) and the read cursor (ACK), served by any persistence-node from the
 * database of the group's shard. A member sees the log from its own joining entry on: every read is clamped there.
 * Blocking: runs on worker threads.
 */
public final class GroupQueries {

  private static final String SELECT_GROUP = "SELECT owner, latest_seq, member_count FROM groups WHERE address = ?";
  private static final String SELECT_MEMBER = "SELECT joined_seq, read_seq FROM group_members"
      + " WHERE group_address = ? AND member = ?";
  private static final String SELECT_LOG = "SELECT seq, id, sender, ts_ms, body, event, target FROM group_log"
      + " WHERE group_address = ? AND seq > ? ORDER BY seq LIMIT ?";
  private static final String SELECT_MESSAGES = "SELECT id, sender, ts_ms, body FROM group_log"
      + " WHERE group_address = ? AND seq >= ? AND event IS NULL ORDER BY seq DESC LIMIT ?";
  private static final String MOVE_READ = "UPDATE group_members SET read_seq = ?"
      + " WHERE group_address = ? AND member = ? AND read_seq < ?";
  private static final String SELECT_MEMBERS = "SELECT member FROM group_members WHERE group_address = ?"
      + " ORDER BY join_order LIMIT ? OFFSET ?";
  private static final String SELECT_GROUPS_OF = "SELECT m.group_address, g.latest_seq, m.read_seq,"
      + " g.member_count, m.joined_seq FROM group_members m JOIN groups g ON g.address = m.group_address"
      + " WHERE m.member = ?";

  private static final String COUNT_GROUPS = "SELECT COUNT(*) FROM groups";
  private static final String SELECT_LARGEST = "SELECT address, member_count, latest_seq FROM groups"
      + " ORDER BY member_count DESC, address LIMIT ?";
  /** The most largest groups a stats query lists. */
  private static final int MAX_LARGEST = 100;

  private final ShardDatabases databases;

  /** A group's log, members and cursors live in the database of its address's shard. */
  public GroupQueries(ShardDatabases databases) {
    this.databases = databases;
  }

  /** A member's page of the log after {@code after} (default: its read cursor), never before its joining. */
  public GroupService.GroupPage sync(GroupService.GroupSync request) throws SQLException {
    String group = RequestFields.group(request.group(), "group");
    String user = RequestFields.address(request.user(), "user");
    int limit = RequestFields.limit(request.limit(), Limits.DEFAULT_SYNC_LIMIT, Limits.MAX_SYNC_LIMIT);
    return databases.ofAddress(group).withConnection(connection -> {
      GroupRow row = groupOf(connection, group);
      Membership member = membershipOf(connection, group, user);
      long after = Math.max(RequestFields.nonNegative(request.after(), "after", member.read()),
          member.joined() - 1);
      List<GroupService.GroupEntry> items = log(connection, group, after, limit);
      // Entries committed since the group's row was read may be among the items: latest is never below them.
      long latest = items.isEmpty() ? row.latest() : Math.max(row.latest(), items.get(items.size() - 1).seq());
      return new GroupService.GroupPage(items, member.read(), latest);
    });
  }

  /** Moves a member's read cursor forward only; 400 beyond the group's latest seq. */
  public GroupService.GroupAcked ack(GroupService.GroupAck request) throws SQLException {
    String group = RequestFields.group(request.group(), "group");
    String user = RequestFields.address(request.user(), "user");
    long seq = RequestFields.nonNegative(request.seq(), "seq", 0);
    return databases.ofAddress(group).withConnection(connection -> {
      GroupRow row = groupOf(connection, group);
      membershipOf(connection, group, user);
      if (seq > row.latest()) {
        throw StoreFailure.badRequest("seq beyond latest");
      }
      try (PreparedStatement update = connection.prepareStatement(MOVE_READ)) {
        int index = 1;
        update.setLong(index++, seq);
        update.setString(index++, group);
        update.setString(index++, user);
        update.setLong(index, seq);
        update.executeUpdate();
      }
      // No fsync for H2 here, as for inbox ACKs: an ACK lost in a crash only means entries are synced again.
      return new GroupService.GroupAcked(membershipOf(connection, group, user).read());
    });
  }

  /** Members in joining order, a page of them, with the member count; for members only. */
  public GroupService.MembersPage members(GroupService.MembersQuery request) throws SQLException {
    String group = RequestFields.group(request.group(), "group");
    String user = RequestFields.address(request.user(), "user");
    long offset = RequestFields.nonNegative(request.offset(), "offset", 0);
    int limit = RequestFields.limit(request.limit(), Limits.DEFAULT_MEMBERS_LIMIT, Limits.MAX_MEMBERS_LIMIT);
    return databases.ofAddress(group).withConnection(connection -> {
      GroupRow row = groupOf(connection, group);
      membershipOf(connection, group, user);
      List<GroupService.Member> items = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(SELECT_MEMBERS)) {
        int index = 1;
        select.setString(index++, group);
        select.setInt(index++, limit);
        select.setLong(index, offset);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            String member = rows.getString(1);
            items.add(new GroupService.Member(member, member.equals(row.owner())));
          }
        }
      }
      return new GroupService.MembersPage(items, row.members());
    });
  }

  /** The store's group count and its largest groups, over every database (the dashboard's). */
  public GroupService.GroupStats stats(GroupService.StatsQuery request) throws SQLException {
    int largest = Math.max(0, Math.min(request.largest(), MAX_LARGEST));
    long groups = 0;
    List<GroupService.GroupSize> sizes = new ArrayList<>();
    for (Database database : databases.databases()) {
      long[] count = new long[1];
      database.withConnection(connection -> {
        try (PreparedStatement select = connection.prepareStatement(COUNT_GROUPS);
             ResultSet rows = select.executeQuery()) {
          count[0] = rows.next() ? rows.getLong(1) : 0;
        }
        try (PreparedStatement select = connection.prepareStatement(SELECT_LARGEST)) {
          select.setInt(1, largest);
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              sizes.add(new GroupService.GroupSize(rows.getString("address"), rows.getLong("member_count"),
                  rows.getLong("latest_seq")));
            }
          }
        }
        return null;
      });
      groups += count[0];
    }
    sizes.sort(Comparator.comparingLong(GroupService.GroupSize::members).reversed()
        .thenComparing(GroupService.GroupSize::group));
    return new GroupService.GroupStats(groups, List.copyOf(sizes.subList(0, Math.min(largest, sizes.size()))));
  }

  /** A user's groups over every database of the store, ordered by address. */
  public GroupService.GroupList list(GroupService.UserGroups request) throws SQLException {
    String user = RequestFields.address(request.user(), "user");
    List<GroupService.GroupSummary> items = new ArrayList<>();
    for (Database database : databases.databases()) {
      items.addAll(database.withConnection(connection -> groupsOf(connection, user)));
    }
    items.sort(Comparator.comparing(GroupService.GroupSummary::group));
    return new GroupService.GroupList(items);
  }

  /** The group's last messages (no membership events) from the member's joining on, oldest first. */
  public StoreService.HistoryPage history(GroupService.GroupHistory request) throws SQLException {
    String group = RequestFields.group(request.group(), "group");
    String user = RequestFields.address(request.user(), "user");
    int limit = RequestFields.limit(request.limit(), Limits.DEFAULT_HISTORY_LIMIT, Limits.MAX_HISTORY_LIMIT);
    return databases.ofAddress(group).withConnection(connection -> {
      groupOf(connection, group);
      Membership member = membershipOf(connection, group, user);
      List<StoreService.HistoryItem> items = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(SELECT_MESSAGES)) {
        int index = 1;
        select.setString(index++, group);
        select.setLong(index++, member.joined());
        select.setInt(index, limit);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            items.add(new StoreService.HistoryItem(MessageIds.of(rows.getLong("id")), rows.getString("sender"),
                group, rows.getLong("ts_ms"), rows.getString("body")));
          }
        }
      }
      Collections.reverse(items);
      return new StoreService.HistoryPage(items);
    });
  }

  private static List<GroupService.GroupEntry> log(Connection connection, String group, long after, int limit)
      throws SQLException {
    List<GroupService.GroupEntry> items = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT_LOG)) {
      int index = 1;
      select.setString(index++, group);
      select.setLong(index++, after);
      select.setInt(index, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          items.add(new GroupService.GroupEntry(group, rows.getLong("seq"), MessageIds.of(rows.getLong("id")),
              rows.getString("sender"), rows.getLong("ts_ms"), rows.getString("body"), rows.getString("event"),
              rows.getString("target")));
        }
      }
    }
    return items;
  }

  private static List<GroupService.GroupSummary> groupsOf(Connection connection, String user) throws SQLException {
    List<GroupService.GroupSummary> items = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT_GROUPS_OF)) {
      select.setString(1, user);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          int index = 1;
          items.add(new GroupService.GroupSummary(rows.getString(index++), rows.getLong(index++),
              rows.getLong(index++), rows.getLong(index++), rows.getLong(index)));
        }
      }
    }
    return items;
  }

  /** The group's row; 404 when there is no such group. */
  private static GroupRow groupOf(Connection connection, String group) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_GROUP)) {
      select.setString(1, group);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new StoreFailure(ErrorCode.NOT_FOUND, "no such group");
        }
        return new GroupRow(row.getString("owner"), row.getLong("latest_seq"), row.getLong("member_count"));
      }
    }
  }

  /** The user's membership of the group; 403 when it is not a member. */
  private static Membership membershipOf(Connection connection, String group, String user) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_MEMBER)) {
      select.setString(1, group);
      select.setString(2, user);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new StoreFailure(ErrorCode.FORBIDDEN, "not a member");
        }
        return new Membership(row.getLong("joined_seq"), row.getLong("read_seq"));
      }
    }
  }

  private record GroupRow(String owner, long latest, long members) {
  }

  private record Membership(long joined, long read) {
  }
}
