package io.clusterchat.persistence.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.persistence.impl.PendingAppend.DedupKey;
import io.clusterchat.protocol.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a batch of appends in one transaction: the heart of group commit. Used by one append-writer thread only,
 * which is why the shards' caches it keeps in their {@link ShardLease}s need no locks.
 *
 * <p>Fencing: the transaction also raises each written shard's {@code last_id} in its lease row, on the condition
 * that the row still names this node and the lease's epoch. A node that lost the lease (another took it while this
 * one was frozen or cut off) updates no row there, and the whole batch is rolled back: the appends of that shard
 * fail {@link StoreService#MOVED}, nothing stored, and the others are stored again without them.
 *
 * <p>Seqs: a shard has one writer, so each recipient's latest seq is cached in its shard's lease (loaded from the
 * database on first use) and the next seqs of a batch are assigned in arrival order. The cache learns a batch's
 * seqs only after its commit and forgets the batch's recipients when it fails, so a failed batch leaves no gap.
 *
 * <p>Row ids come from the shard's own numbering ({@link MessageIds#next}), not from generated keys: the
 * PostgreSQL driver cannot send a batch that returns keys as one multi-row INSERT, and that costs an order of
 * magnitude of throughput.
 *
 * <p>Dedup: a batch is inserted optimistically; the UNIQUE (sender, client_id) constraint catches a retry of
 * something already stored, and then the batch is rolled back and stored again with a lookup of every client id.
 * Retries within a batch and recent ones are answered from memory without touching the database.
 */
final class AppendWriter {

  private static final Logger LOG = LoggerFactory.getLogger(AppendWriter.class);
  /** Recipients looked up per query; bounds the statement's parameter count. */
  private static final int RECIPIENT_CHUNK = 100;

  private static final String INSERT = "INSERT INTO messages (id, sender, recipient, seq, ts_ms, body, client_id,"
      + " stored_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT_STORED = "SELECT id, recipient, seq, ts_ms, body FROM messages"
      + " WHERE sender = ? AND client_id = ?";
  private static final String SELECT_RECIPIENTS = "SELECT a.address,"
      + " (SELECT MAX(m.seq) FROM messages m WHERE m.recipient = a.address)"
      + " FROM accounts a WHERE a.address IN (";

  private final Database database;
  private final StoreMeters meters;
  /** This node's cluster member id: the owner its leases name. */
  private final String owner;
  private long lastTimestamp;

  AppendWriter(Database database, StoreMeters meters, String owner) {
    this.database = database;
    this.meters = meters;
    this.owner = owner;
  }

  /** Decides every append of the batch: stored, duplicate, moved, or failed. */
  void write(List<PendingAppend> batch) {
    meters.batch(batch.size());
    long now = System.nanoTime();
    for (PendingAppend append : batch) {
      meters.waited(now - append.receivedNanos);
    }
    List<PendingAppend> live = new ArrayList<>(batch.size());
    for (PendingAppend append : batch) {
      if (append.lease.lost()) {
        append.fail(StoreFailure.moved(append.lease.shard));
      } else {
        live.add(append);
      }
    }
    Map<PendingAppend, PendingAppend> copies = new IdentityHashMap<>();
    List<PendingAppend> fresh = sortOut(live, copies);
    if (!fresh.isEmpty()) {
      storeWithRetry(fresh);
    }
    copies.forEach(AppendWriter::answerAsCopy);
  }

  /** Answers retries known in memory; returns the appends to store, each client id once. */
  private static List<PendingAppend> sortOut(List<PendingAppend> batch, Map<PendingAppend, PendingAppend> copies) {
    Map<DedupKey, PendingAppend> firstByKey = new HashMap<>();
    List<PendingAppend> fresh = new ArrayList<>(batch.size());
    for (PendingAppend append : batch) {
      DedupKey key = append.dedupKey();
      StoreService.Appended earlier = key == null ? null : append.lease.recentAppends.get(key);
      if (earlier != null) {
        append.succeed(earlier.asDuplicate());
      } else if (key == null || firstByKey.putIfAbsent(key, append) == null) {
        fresh.add(append);
      } else {
        copies.put(append, firstByKey.get(key));
      }
    }
    return fresh;
  }

  private static void answerAsCopy(PendingAppend copy, PendingAppend original) {
    if (original.reply() != null) {
      copy.succeed(original.reply().asDuplicate());
    } else {
      copy.fail(original.failure());
    }
  }

  private void storeWithRetry(List<PendingAppend> fresh) {
    List<PendingAppend> left = fresh;
    boolean lookUpStored = false;
    while (!left.isEmpty()) {
      try {
        timedStore(left, lookUpStored);
        return;
      } catch (ShardFence.Fenced fenced) {
        // A definite rollback: nothing of the batch was written, the caches were not touched.
        fenced.lease.lose();
        LOG.warn("shard {} was taken over (epoch {} is not the lease's any more): its appends are moved",
            fenced.lease.shard, fenced.lease.epoch);
        List<PendingAppend> others = new ArrayList<>(left.size());
        for (PendingAppend append : left) {
          if (append.lease == fenced.lease) {
            append.fail(StoreFailure.moved(append.lease.shard));
          } else {
            others.add(append);
          }
        }
        left = others;
      } catch (SQLException | RuntimeException e) {
        forgetCounters(left);
        if (lookUpStored || !Database.causedByUniqueViolation(e)) {
          failAll(left, e);
          return;
        }
        LOG.debug("append batch met a stored client id; storing it again with lookups: {}", e.getMessage());
        lookUpStored = true;
      }
    }
  }

  /** {@link #store}, its time recorded when it committed. */
  private void timedStore(List<PendingAppend> appends, boolean lookUpStored) throws SQLException {
    long start = System.nanoTime();
    Set<ShardLease> written = store(appends, lookUpStored);
    long nanos = System.nanoTime() - start;
    meters.committed(nanos);
    for (ShardLease lease : written) {
      lease.committed(nanos);
      meters.shardCommitted(lease.shard, nanos);
    }
  }

  /**
   * One transaction for the whole batch, fenced by the lease of every shard it writes; commits and syncs before
   * anything is answered. Returns the leases of the shards written.
   */
  private Set<ShardLease> store(List<PendingAppend> appends, boolean lookUpStored) throws SQLException {
    appends.forEach(PendingAppend::undecide);
    return database.withConnection(connection -> {
      connection.setAutoCommit(false);
      try {
        if (lookUpStored) {
          answerStoredRetries(connection, appends);
        }
        Map<String, Long> latest = latestSeqsOf(connection, appends);
        long timestamp = nextTimestamp();
        List<Row> rows = assignSeqs(appends, latest);
        Map<ShardLease, Long> lastIds = assignIds(connection, rows);
        insert(connection, rows, timestamp);
        ShardFence.fence(connection, lastIds, owner);
        connection.commit();
        long syncStart = System.nanoTime();
        database.makeDurable(connection);
        meters.synced(System.nanoTime() - syncStart);
        for (Row row : rows) {
          row.append().lease.latestSeqs.put(row.append().to, row.seq());
        }
        lastIds.forEach((lease, lastId) -> lease.lastId = lastId);
        answerStored(rows, timestamp);
        return lastIds.keySet();
      } catch (SQLException | RuntimeException e) {
        Database.rollbackQuietly(connection);
        throw e;
      }
    });
  }

  /** An append to be inserted with the seq and row id it was given. */
  private static final class Row {
    private final PendingAppend append;
    private final long seq;
    private long id;

    Row(PendingAppend append, long seq) {
      this.append = append;
      this.seq = seq;
    }

    PendingAppend append() {
      return append;
    }

    long seq() {
      return seq;
    }
  }

  /** Gives each append the next seq of its recipient, in arrival order; 404 for recipients without account. */
  private static List<Row> assignSeqs(List<PendingAppend> appends, Map<String, Long> latest) {
    List<Row> rows = new ArrayList<>(appends.size());
    for (PendingAppend append : appends) {
      if (append.isDecided()) {
        continue;
      }
      if (!latest.containsKey(append.to)) {
        append.fail(new StoreFailure(ErrorCode.NOT_FOUND, "no such user"));
        continue;
      }
      rows.add(new Row(append, latest.merge(append.to, 1L, Long::sum)));
    }
    return rows;
  }

  /** Numbers the rows of each shard from its last id on; returns each written shard's new last id. */
  private Map<ShardLease, Long> assignIds(Connection connection, List<Row> rows) throws SQLException {
    Map<ShardLease, Long> lastIds = new LinkedHashMap<>();
    for (Row row : rows) {
      ShardLease lease = row.append().lease;
      Long last = lastIds.get(lease);
      if (last == null) {
        last = ShardFence.lastIdOf(connection, lease, owner);
      }
      row.id = MessageIds.next(last, lease.shards);
      lastIds.put(lease, row.id);
    }
    return lastIds;
  }


  private static void insert(Connection connection, List<Row> rows, long timestamp) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (Row row : rows) {
        int insertIndex = 1;
        insert.setLong(insertIndex++, row.id);
        insert.setString(insertIndex++, row.append().from);
        insert.setString(insertIndex++, row.append().to);
        insert.setLong(insertIndex++, row.seq());
        insert.setLong(insertIndex++, timestamp);
        insert.setString(insertIndex++, row.append().text);
        insert.setString(insertIndex++, row.append().clientId);
        insert.setLong(insertIndex++, StoreOrder.next());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void answerStored(List<Row> rows, long timestamp) {
    for (Row row : rows) {
      PendingAppend append = row.append();
      StoreService.Appended reply = new StoreService.Appended(MessageIds.of(row.id), row.seq(), timestamp,
          append.from, append.to, append.text, false);
      remember(append, reply);
      append.succeed(reply);
    }
  }

  private static void remember(PendingAppend append, StoreService.Appended reply) {
    DedupKey key = append.dedupKey();
    if (key != null) {
      append.lease.recentAppends.put(key, reply);
    }
  }

  /** The slow path after a unique violation: answers each append whose client id is already stored. */
  private static void answerStoredRetries(Connection connection, List<PendingAppend> appends) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_STORED)) {
      for (PendingAppend append : appends) {
        if (append.clientId == null) {
          continue;
        }
        select.setString(1, append.from);
        select.setString(2, append.clientId);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            StoreService.Appended original = new StoreService.Appended(MessageIds.of(row.getLong("id")),
                row.getLong("seq"), row.getLong("ts_ms"), append.from, row.getString("recipient"),
                row.getString("body"), false);
            remember(append, original);
            append.succeed(original.asDuplicate());
          }
        }
      }
    }
  }

  /**
   * Latest seq per undecided append's recipient that has an account (from its shard's cache, else the
   * database); recipients without account are absent.
   */
  private static Map<String, Long> latestSeqsOf(Connection connection, List<PendingAppend> appends)
      throws SQLException {
    Map<String, Long> latest = new HashMap<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (PendingAppend append : appends) {
      if (append.isDecided() || latest.containsKey(append.to)) {
        continue;
      }
      Long cached = append.lease.latestSeqs.get(append.to);
      if (cached != null) {
        latest.put(append.to, cached);
      } else {
        unknown.add(append.to);
      }
    }
    List<String> toLoad = new ArrayList<>(unknown);
    for (int from = 0; from < toLoad.size(); from += RECIPIENT_CHUNK) {
      loadLatestSeqs(connection, toLoad.subList(from, Math.min(toLoad.size(), from + RECIPIENT_CHUNK)), latest);
    }
    return latest;
  }

  private static void loadLatestSeqs(Connection connection, List<String> recipients, Map<String, Long> into)
      throws SQLException {
    String sql = SELECT_RECIPIENTS + String.join(", ", Collections.nCopies(recipients.size(), "?")) + ")";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < recipients.size(); i++) {
        select.setString(i + 1, recipients.get(i));
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          into.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
  }

  /** Message timestamps never go back, even when the wall clock does. */
  private long nextTimestamp() {
    lastTimestamp = Math.max(lastTimestamp, System.currentTimeMillis());
    return lastTimestamp;
  }

  /** After a failure whose outcome may be unknown (a commit cut off), the shards' counters are read again. */
  private static void forgetCounters(List<PendingAppend> appends) {
    for (PendingAppend append : appends) {
      append.lease.lastId = ShardLease.UNKNOWN_ID;
      append.lease.latestSeqs.remove(append.to);
    }
  }

  private void failAll(List<PendingAppend> appends, Exception cause) {
    meters.failed();
    LOG.warn("append batch of {} failed, nothing of it stored: {}", appends.size(), cause.toString());
    StoreFailure failure = StoreFailure.unavailable("database unavailable");
    appends.forEach(append -> append.fail(failure));
  }
}
