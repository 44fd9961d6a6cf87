package io.clusterchat.persistence.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.protocol.Limits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Inbox reads (SYNC, HISTORY), the cursor, and ACK. Blocking: runs on worker threads. */
public final class InboxQueries {

  private static final String SELECT_ACKED = "SELECT acked FROM cursors WHERE address = ?";
  private static final String SELECT_LATEST = "SELECT MAX(seq) FROM messages WHERE recipient = ?";
  private static final String SELECT_INBOX = "SELECT seq, id, sender, ts_ms, body FROM messages"
      + " WHERE recipient = ? AND seq > ? ORDER BY seq LIMIT ?";
  /** One direction of a conversation, newest first: within one recipient's shard, ids rise with commits. */
  private static final String SELECT_ONE_DIRECTION = "SELECT id, sender, recipient, ts_ms, body, stored_order"
      + " FROM messages WHERE sender = ? AND recipient = ? ORDER BY id DESC LIMIT ?";
  /**
   * Both directions merged, oldest first: in the order they were stored ({@link StoreOrder}; by timestamp for
   * messages older than that column), then by id.
   */
  private static final Comparator<Stored> OLDEST_FIRST =
      Comparator.comparingLong(Stored::order).thenComparingLong(stored -> rowIdOf(stored.item()));
  private static final long MICROS_PER_MILLI = 1_000;
  private static final String MOVE_CURSOR = "UPDATE cursors SET acked = ? WHERE address = ? AND acked < ?";
  private static final String INSERT_CURSOR = "INSERT INTO cursors (address, acked) VALUES (?, ?)";

  private final ShardDatabases databases;

  /** A user's inbox and cursor live in the database of its address's shard. */
  public InboxQueries(ShardDatabases databases) {
    this.databases = databases;
  }

  /**
   * {@code {"user","after"?,"limit"}} to {@code {"items":[...],"acked","latest"}}: the inbox after {@code after}
   * (default: the acked cursor) in seq order.
   */
  public StoreService.InboxPage sync(StoreService.InboxSync request) throws SQLException {
    String user = RequestFields.address(request.user(), "user");
    int limit = RequestFields.limit(request.limit(), Limits.DEFAULT_SYNC_LIMIT, Limits.MAX_SYNC_LIMIT);
    return databases.ofAddress(user).withConnection(connection -> {
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
    return databases.ofAddress(user).withConnection(connection ->
        new StoreService.Cursor(acked(connection, user), latest(connection, user)));
  }

  /** Moves the cursor, only forward; 400 beyond the latest seq. */
  public StoreService.Acked ack(StoreService.InboxAck request) throws SQLException {
    String user = RequestFields.address(request.user(), "user");
    long seq = RequestFields.nonNegative(request.seq(), "seq", 0);
    return databases.ofAddress(user).withConnection(connection -> {
      if (seq > latest(connection, user)) {
        throw StoreFailure.badRequest("seq beyond latest");
      }
      // No fsync for H2 here: an ACK lost in a crash only means messages are synced again (at-least-once).
      return new StoreService.Acked(moveCursor(connection, user, seq, true));
    });
  }

  /**
   * The last messages both ways, oldest first. Each direction lives in its recipient's shard, perhaps in another
   * database: the last {@code limit} of each are read and merged.
   */
  public StoreService.HistoryPage history(StoreService.History request) throws SQLException {
    String user = RequestFields.address(request.user(), "user");
    String peer = RequestFields.address(request.peer(), "peer");
    int limit = RequestFields.limit(request.limit(), Limits.DEFAULT_HISTORY_LIMIT, Limits.MAX_HISTORY_LIMIT);
    List<Stored> items = new ArrayList<>(oneDirection(user, peer, limit));
    if (!user.equals(peer)) {
      items.addAll(oneDirection(peer, user, limit));
    }
    items.sort(OLDEST_FIRST);
    return new StoreService.HistoryPage(items.subList(Math.max(0, items.size() - limit), items.size()).stream()
        .map(Stored::item).toList());
  }

  /** A history item with the order it was stored in. */
  private record Stored(StoreService.HistoryItem item, long order) {
  }

  private List<Stored> oneDirection(String sender, String recipient, int limit)
      throws SQLException {
    return databases.ofAddress(recipient).withConnection(connection -> {
      List<Stored> items = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(SELECT_ONE_DIRECTION)) {
        int index = 1;
        select.setString(index++, sender);
        select.setString(index++, recipient);
        select.setInt(index, limit);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            long ts = rows.getLong("ts_ms");
            long order = rows.getLong("stored_order");
            items.add(new Stored(new StoreService.HistoryItem(MessageIds.of(rows.getLong("id")),
                rows.getString("sender"), rows.getString("recipient"), ts, rows.getString("body")),
                rows.wasNull() ? ts * MICROS_PER_MILLI : order));
          }
        }
      }
      return items;
    });
  }

  private static long rowIdOf(StoreService.HistoryItem item) {
    return MessageIds.rowId(item.msg());
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
