package io.clusterchat.persistence.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.protocol.Limits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Inbox reads (SYNC, HISTORY), the cursor, and ACK. Blocking: runs on worker threads. */
public final class InboxQueries {

  private static final String SELECT_ACKED = "SELECT acked FROM cursors WHERE address = ?";
  private static final String SELECT_LATEST = "SELECT MAX(seq) FROM messages WHERE recipient = ?";
  private static final String SELECT_INBOX = "SELECT seq, id, sender, ts_ms, body FROM messages"
      + " WHERE recipient = ? AND seq > ? ORDER BY seq LIMIT ?";
  private static final String ONE_DIRECTION = "(SELECT id, sender, recipient, ts_ms, body FROM messages"
      + " WHERE sender = ? AND recipient = ? ORDER BY id DESC LIMIT ?)";
  private static final String SELECT_CONVERSATION = "SELECT id, sender, recipient, ts_ms, body FROM ("
      + ONE_DIRECTION + " UNION ALL " + ONE_DIRECTION + ") conversation ORDER BY id DESC LIMIT ?";
  private static final String SELECT_SELF_CONVERSATION = "SELECT id, sender, recipient, ts_ms, body FROM messages"
      + " WHERE sender = ? AND recipient = ? ORDER BY id DESC LIMIT ?";
  private static final String MOVE_CURSOR = "UPDATE cursors SET acked = ? WHERE address = ? AND acked < ?";
  private static final String INSERT_CURSOR = "INSERT INTO cursors (address, acked) VALUES (?, ?)";

  private final Database database;

  public InboxQueries(Database database) {
    this.database = database;
  }

  /**
   * {@code {"user","after"?,"limit"}} to {@code {"items":[...],"acked","latest"}}: the inbox after {@code after}
   * (default: the acked cursor) in seq order.
   */
  public StoreService.InboxPage sync(StoreService.InboxSync request) throws SQLException {
    String user = RequestFields.address(request.user(), "user");
    int limit = RequestFields.limit(request.limit(), Limits.DEFAULT_SYNC_LIMIT, Limits.MAX_SYNC_LIMIT);
    return database.withConnection(connection -> {
      long acked = acked(connection, user);
      long after = RequestFields.nonNegative(request.after(), "after", acked);
      List<StoreService.InboxItem> items = inbox(connection, user, after, limit);
      // Read after the items so that latest is never below the last item, even with appends in between.
      long latest = latest(connection, user);
      return new StoreService.InboxPage(items, acked, latest);
    });
  }

  /** A user's cursor, both 0 for a user with nothing. */
  public StoreService.Cursor cursor(StoreService.InboxCursor request) throws SQLException {
    String user = RequestFields.address(request.user(), "user");
    return database.withConnection(connection ->
        new StoreService.Cursor(acked(connection, user), latest(connection, user)));
  }

  /** Moves the cursor, only forward; 400 beyond the latest seq. */
  public StoreService.Acked ack(StoreService.InboxAck request) throws SQLException {
    String user = RequestFields.address(request.user(), "user");
    long seq = RequestFields.nonNegative(request.seq(), "seq", 0);
    return database.withConnection(connection -> {
      if (seq > latest(connection, user)) {
        throw StoreFailure.badRequest("seq beyond latest");
      }
      // No fsync for H2 here: an ACK lost in a crash only means messages are synced again (at-least-once).
      return new StoreService.Acked(moveCursor(connection, user, seq, true));
    });
  }

  /** The last messages both ways, oldest first. */
  public StoreService.HistoryPage history(StoreService.History request) throws SQLException {
    String user = RequestFields.address(request.user(), "user");
    String peer = RequestFields.address(request.peer(), "peer");
    int limit = RequestFields.limit(request.limit(), Limits.DEFAULT_HISTORY_LIMIT, Limits.MAX_HISTORY_LIMIT);
    boolean self = user.equals(peer);
    return database.withConnection(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          self ? SELECT_SELF_CONVERSATION : SELECT_CONVERSATION)) {
        int selectIndex = 1;
        select.setString(selectIndex++, user);
        select.setString(selectIndex++, peer);
        select.setInt(selectIndex++, limit);
        if (!self) {
          select.setString(selectIndex++, peer);
          select.setString(selectIndex++, user);
          select.setInt(selectIndex++, limit);
          select.setInt(selectIndex++, limit);
        }
        return new StoreService.HistoryPage(newestFirstToOldestFirst(select));
      }
    });
  }

  private static List<StoreService.HistoryItem> newestFirstToOldestFirst(PreparedStatement select)
      throws SQLException {
    List<StoreService.HistoryItem> items = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        items.add(new StoreService.HistoryItem(MessageIds.of(rows.getLong("id")), rows.getString("sender"),
            rows.getString("recipient"), rows.getLong("ts_ms"), rows.getString("body")));
      }
    }
    Collections.reverse(items);
    return items;
  }

  private static List<StoreService.InboxItem> inbox(Connection connection, String user, long after, int limit)
      throws SQLException {
    List<StoreService.InboxItem> items = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT_INBOX)) {
      int selectIndex = 1;
      select.setString(selectIndex++, user);
      select.setLong(selectIndex++, after);
      select.setInt(selectIndex++, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          items.add(new StoreService.InboxItem(rows.getLong("seq"), MessageIds.of(rows.getLong("id")),
              rows.getString("sender"), user, rows.getLong("ts_ms"), rows.getString("body")));
        }
      }
    }
    return items;
  }

  static long acked(Connection connection, String user) throws SQLException {
    return singleLong(connection, SELECT_ACKED, user);
  }

  static long latest(Connection connection, String user) throws SQLException {
    return singleLong(connection, SELECT_LATEST, user);
  }

  /** The first column of the first row, 0 when there is no row or it is NULL. */
  private static long singleLong(Connection connection, String sql, String user) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, user);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }

  /** Moves the cursor to {@code seq} unless it is already there or beyond; returns where it stands. */
  private static long moveCursor(Connection connection, String user, long seq, boolean mayRetry)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(MOVE_CURSOR)) {
      int updateIndex = 1;
      update.setLong(updateIndex++, seq);
      update.setString(updateIndex++, user);
      update.setLong(updateIndex++, seq);
      if (update.executeUpdate() > 0) {
        return seq;
      }
    }
    try (PreparedStatement select = connection.prepareStatement(SELECT_ACKED)) {
      select.setString(1, user);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          return rows.getLong(1);
        }
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_CURSOR)) {
      insert.setString(1, user);
      insert.setLong(2, seq);
      insert.executeUpdate();
      return seq;
    } catch (SQLException e) {
      // A concurrent first ACK of the same user inserted the row: move that one instead.
      if (mayRetry && Database.isUniqueViolation(e)) {
        return moveCursor(connection, user, seq, false);
      }
      throw e;
    }
  }
}
