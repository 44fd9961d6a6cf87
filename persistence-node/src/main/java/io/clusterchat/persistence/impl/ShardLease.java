package io.clusterchat.persistence.impl;

import io.clusterchat.bus.GroupService;
import io.clusterchat.bus.StoreService;
import io.clusterchat.persistence.impl.PendingAppend.DedupKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * A shard this node holds the lease of, at one epoch: the writer's memory of the shard (next ids, recipients'
 * latest seqs, recent appends and group sends for dedup) lives here and dies with the lease, so a shard taken
 * again starts from the database, never from what this node knew before someone else wrote to it.
 *
 * <p>Admission and hand-over: the event loop {@link #admit}s appends while the lease serves; the keeper marks it
 * releasing and hands it on once every admitted append was answered ({@link #drained}).
 */
public final class ShardLease {

  /** Cache sizes over all shards of a node; each lease gets its share, at least the floor. */
  private static final int LATEST_SEQ_ENTRIES = 262_144;
  private static final int RECENT_APPEND_ENTRIES = 16_384;
  private static final int MIN_LATEST_SEQ_ENTRIES = 1_024;
  private static final int MIN_RECENT_APPEND_ENTRIES = 256;
  static final long UNKNOWN_ID = Long.MIN_VALUE;
  private static final double NANOS_PER_MILLI = 1e6;
  private static final String SELECT_LAST_ID = "SELECT last_id FROM shard_leases"
      + " WHERE shard = ? AND epoch = ? AND owner = ?";

  final int shard;
  final long epoch;
  final Database database;
  final int shards;
  /** Writer thread only: the last id handed out, {@link #UNKNOWN_ID} after a failed commit (read again). */
  long lastId;
  /** Writer thread only. */
  final Map<String, Long> latestSeqs;
  /** Writer thread only. */
  final Map<DedupKey, StoreService.Appended> recentAppends;
  /** Writer thread only: recent group SENDs with a client id, answered again without a lookup. */
  final Map<PendingGroupWrite.DedupKey, GroupService.GroupWritten> recentGroupSends;
  private int pending;
  private boolean releasing;
  private volatile boolean lost;
  private long commits;
  private long commitNanosSinceReport;
  private long commitsSinceReport;
  private long commitNanosMaxSinceReport;

  ShardLease(int shard, long epoch, Database database, int shards, long lastId) {
    this.shard = shard;
    this.epoch = epoch;
    this.database = database;
    this.shards = shards;
    this.lastId = lastId;
    this.latestSeqs = new LruMap<>(Math.max(MIN_LATEST_SEQ_ENTRIES, LATEST_SEQ_ENTRIES / shards));
    this.recentAppends = new LruMap<>(Math.max(MIN_RECENT_APPEND_ENTRIES, RECENT_APPEND_ENTRIES / shards));
    this.recentGroupSends = new LruMap<>(Math.max(MIN_RECENT_APPEND_ENTRIES, RECENT_APPEND_ENTRIES / shards));
  }

  /**
   * The shard's last message id, read from its lease row if the row still names {@code owner} at {@code epoch};
   * null when another node holds the shard now.
   */
  static Long readLastId(Connection connection, int shard, long epoch, String owner) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_LAST_ID)) {
      int index = 1;
      select.setInt(index++, shard);
      select.setLong(index++, epoch);
      select.setString(index, owner);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getLong(1) : null;
      }
    }
  }

  /** Takes an append if the lease still serves; the caller must {@link #answered} it once answered. */
  synchronized boolean admit() {
    if (releasing || lost) {
      return false;
    }
    pending++;
    return true;
  }

  synchronized void answered() {
    pending--;
  }

  /** Stops admitting; true once nothing admitted is left unanswered, so the lease can be handed on. */
  synchronized boolean drained() {
    releasing = true;
    return pending == 0;
  }

  /** The shard stays here after all (the node it was to go to left before taking it): admit again. */
  synchronized void keep() {
    releasing = false;
  }

  /** Appends admitted and not yet answered: the shard's queue depth. */
  synchronized long pending() {
    return pending;
  }

  /** Another node holds the shard now (a commit was fenced, or the keeper read it): nothing more is written. */
  void lose() {
    lost = true;
  }

  boolean lost() {
    return lost;
  }

  /** The shard this lease is of. */
  public int shard() {
    return shard;
  }

  synchronized void committed(long nanos) {
    commits++;
    commitsSinceReport++;
    commitNanosSinceReport += nanos;
    commitNanosMaxSinceReport = Math.max(commitNanosMaxSinceReport, nanos);
  }

  /** The shard's status for the report, and a new report interval. */
  synchronized StoreService.ShardStatus report() {
    double mean = commitsSinceReport == 0 ? 0 : commitNanosSinceReport / NANOS_PER_MILLI / commitsSinceReport;
    StoreService.ShardStatus status = new StoreService.ShardStatus(shard, epoch, pending, commits, mean,
        commitNanosMaxSinceReport / NANOS_PER_MILLI);
    commitsSinceReport = 0;
    commitNanosSinceReport = 0;
    commitNanosMaxSinceReport = 0;
    return status;
  }
}
