package io.clusterchat.persistence.impl;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The check that makes a stale writer harmless, shared by the append and group writers: a transaction that wrote
 * to a shard also raises the shard's {@code last_id} in its lease row, on the condition that the row still names
 * this node and the lease's epoch. A node that lost the lease updates no row, and its transaction is rolled back.
 */
final class ShardFence {

  private static final String FENCE = "UPDATE shard_leases SET last_id = ?, beat = beat + 1"
      + " WHERE shard = ? AND epoch = ? AND owner = ?";

  private ShardFence() {
  }

  /** Fences every written shard ({@code lastIds}: each one's new last id), in shard order; throws {@link Fenced}. */
  static void fence(Connection connection, Map<ShardLease, Long> lastIds, String owner) throws SQLException {
    List<ShardLease> leases = new ArrayList<>(lastIds.keySet());
    // One order for every writer, so that two transactions never wait for each other's rows in a cycle.
    leases.sort((a, b) -> Integer.compare(a.shard, b.shard));
    try (PreparedStatement update = connection.prepareStatement(FENCE)) {
      for (ShardLease lease : leases) {
        int index = 1;
        update.setLong(index++, lastIds.get(lease));
        update.setInt(index++, lease.shard);
        update.setLong(index++, lease.epoch);
        update.setString(index, owner);
        if (update.executeUpdate() != 1) {
          throw new Fenced(lease);
        }
      }
    }
  }

  /**
   * The last id the shard's numbering handed out: the lease's memory of it, or its row when unknown (a new lease, a
   * failed commit); throws {@link Fenced} when the row is not this lease's any more.
   */
  static long lastIdOf(Connection connection, ShardLease lease, String owner) throws SQLException {
    if (lease.lastId != ShardLease.UNKNOWN_ID) {
      return lease.lastId;
    }
    Long lastId = ShardLease.readLastId(connection, lease.shard, lease.epoch, owner);
    if (lastId == null) {
      throw new Fenced(lease);
    }
    return lastId;
  }

  /** A commit refused by a shard's lease row: another node holds the shard now. Nothing was written. */
  static final class Fenced extends RuntimeException {
    final transient ShardLease lease;

    Fenced(ShardLease lease) {
      super("fenced", null, false, false);
      this.lease = lease;
    }
  }
}
