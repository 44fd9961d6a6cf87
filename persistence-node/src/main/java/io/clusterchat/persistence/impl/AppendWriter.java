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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a batch of appends in one transaction: the heart of group commit. Used by the single append-writer
 * thread only, which is why its caches need no locks.
 *
 * <p>Seqs: this node is the database's only writer, so each recipient's latest seq is cached (loaded from the
 * database on first use) and the next seqs of a batch are assigned in arrival order. The cache learns a batch's
 * seqs only after its commit and forgets the batch's recipients when it fails, so a failed batch leaves no gap.
 *
 * <p>Row ids are numbered here too, from the highest stored id, rather than asking for generated keys: the
 * PostgreSQL driver cannot send a batch that returns keys as one multi-row INSERT, and that costs an order of
 * magnitude of throughput. The id counter is forgotten with the seqs when a batch fails.
 *
 * <p>Dedup: a batch is inserted optimistically; the UNIQUE (sender, client_id) constraint catches a retry of
 * something already stored, and then the batch is rolled back and stored again with a lookup of every client id.
 * Retries within a batch and recent ones are answered from memory without touching the database.
 */
final class AppendWriter {

  private static final Logger LOG = LoggerFactory.getLogger(AppendWriter.class);
  private static final int LATEST_SEQ_CACHE_ENTRIES = 262_144;
  private static final int RECENT_APPEND_ENTRIES = 16_384;
  /** Recipients looked up per query; bounds the statement's parameter count. */
  private static final int RECIPIENT_CHUNK = 100;

  private static final String INSERT = "INSERT INTO messages (id, sender, recipient, seq, ts_ms, body, client_id)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT_LAST_ID = "SELECT MAX(id) FROM messages";
  private static final long UNKNOWN = -1;
  private static final String SELECT_STORED = "SELECT id, recipient, seq, ts_ms, body FROM messages"
      + " WHERE sender = ? AND client_id = ?";
  private static final String SELECT_RECIPIENTS = "SELECT a.address,"
      + " (SELECT MAX(m.seq) FROM messages m WHERE m.recipient = a.address)"
      + " FROM accounts a WHERE a.address IN (";

  private final Database database;
  private final StoreMeters meters;
  private final Map<String, Long> latestSeqs = new LruMap<>(LATEST_SEQ_CACHE_ENTRIES);
  private final Map<DedupKey, StoreService.Appended> recentAppends = new LruMap<>(RECENT_APPEND_ENTRIES);
  private long lastTimestamp;
  private long lastId = UNKNOWN;

  AppendWriter(Database database, StoreMeters meters) {
    this.database = database;
    this.meters = meters;
  }

  /** Decides every append of the batch: stored, duplicate, or failed. */
  void write(List<PendingAppend> batch) {
    meters.batch(batch.size());
    Map<PendingAppend, PendingAppend> copies = new IdentityHashMap<>();
    List<PendingAppend> fresh = sortOut(batch, copies);
    if (!fresh.isEmpty()) {
      storeWithRetry(fresh);
    }
    copies.forEach(AppendWriter::answerAsCopy);
  }

  /** Answers retries known in memory; returns the appends to store, each client id once. */
  private List<PendingAppend> sortOut(List<PendingAppend> batch, Map<PendingAppend, PendingAppend> copies) {
    Map<DedupKey, PendingAppend> firstByKey = new HashMap<>();
    List<PendingAppend> fresh = new ArrayList<>(batch.size());
    for (PendingAppend append : batch) {
      DedupKey key = append.dedupKey();
      StoreService.Appended earlier = key == null ? null : recentAppends.get(key);
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
    try {
      timedStore(fresh, false);
      return;
    } catch (SQLException | RuntimeException e) {
      forgetCounters(fresh);
      if (!isUniqueViolation(e)) {
        failAll(fresh, e);
        return;
      }
      LOG.debug("append batch met a stored client id; storing it again with lookups: {}", e.getMessage());
    }
    try {
      timedStore(fresh, true);
    } catch (SQLException | RuntimeException e) {
      forgetCounters(fresh);
      failAll(fresh, e);
    }
  }

  /** {@link #store}, its time recorded when it committed. */
  private void timedStore(List<PendingAppend> appends, boolean lookUpStored) throws SQLException {
    long start = System.nanoTime();
    store(appends, lookUpStored);
    meters.committed(System.nanoTime() - start);
  }

  /** One transaction for the whole batch; commits and syncs before anything is answered. */
  private void store(List<PendingAppend> appends, boolean lookUpStored) throws SQLException {
    appends.forEach(PendingAppend::undecide);
    database.withConnection(connection -> {
      connection.setAutoCommit(false);
      try {
        if (lookUpStored) {
          answerStoredRetries(connection, appends);
        }
        Map<String, Long> latest = latestSeqsOf(connection, undecidedRecipients(appends));
        long timestamp = nextTimestamp();
        List<Row> rows = assignSeqs(appends, latest);
        long firstId = lastId(connection) + 1;
        insert(connection, rows, firstId, timestamp);
        connection.commit();
        database.makeDurable(connection);
        latestSeqs.putAll(latest);
        lastId = firstId + rows.size() - 1;
        answerStored(rows, firstId, timestamp);
        return null;
      } catch (SQLException | RuntimeException e) {
        Database.rollbackQuietly(connection);
        throw e;
      }
    });
  }

  /** An append to be inserted with the seq it was given. */
  private record Row(PendingAppend append, long seq) {
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

  /** The highest row id stored, from the database when this writer does not know it (yet, or any more). */
  private long lastId(Connection connection) throws SQLException {
    if (lastId == UNKNOWN) {
      try (PreparedStatement select = connection.prepareStatement(SELECT_LAST_ID);
          ResultSet row = select.executeQuery()) {
        lastId = row.next() ? row.getLong(1) : 0;
      }
    }
    return lastId;
  }

  private static void insert(Connection connection, List<Row> rows, long firstId, long timestamp)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      long id = firstId;
      for (Row row : rows) {
        int insertIndex = 1;
        insert.setLong(insertIndex++, id++);
        insert.setString(insertIndex++, row.append().from);
        insert.setString(insertIndex++, row.append().to);
        insert.setLong(insertIndex++, row.seq());
        insert.setLong(insertIndex++, timestamp);
        insert.setString(insertIndex++, row.append().text);
        insert.setString(insertIndex++, row.append().clientId);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private void answerStored(List<Row> rows, long firstId, long timestamp) {
    for (int i = 0; i < rows.size(); i++) {
      PendingAppend append = rows.get(i).append();
      StoreService.Appended reply = new StoreService.Appended(MessageIds.of(firstId + i), rows.get(i).seq(),
          timestamp, append.from, append.to, append.text, false);
      remember(append, reply);
      append.succeed(reply);
    }
  }

  private void remember(PendingAppend append, StoreService.Appended reply) {
    DedupKey key = append.dedupKey();
    if (key != null) {
      recentAppends.put(key, reply);
    }
  }

  /** The slow path after a unique violation: answers each append whose client id is already stored. */
  private void answerStoredRetries(Connection connection, List<PendingAppend> appends) throws SQLException {
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

  private static Set<String> undecidedRecipients(List<PendingAppend> appends) {
    Set<String> recipients = new LinkedHashSet<>();
    for (PendingAppend append : appends) {
      if (!append.isDecided()) {
        recipients.add(append.to);
      }
    }
    return recipients;
  }

  /** Latest seq per recipient that has an account (from the cache, else the database); others are absent. */
  private Map<String, Long> latestSeqsOf(Connection connection, Set<String> recipients) throws SQLException {
    Map<String, Long> latest = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    for (String recipient : recipients) {
      Long cached = latestSeqs.get(recipient);
      if (cached != null) {
        latest.put(recipient, cached);
      } else {
        unknown.add(recipient);
      }
    }
    for (int from = 0; from < unknown.size(); from += RECIPIENT_CHUNK) {
      loadLatestSeqs(connection, unknown.subList(from, Math.min(unknown.size(), from + RECIPIENT_CHUNK)), latest);
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

  private void forgetCounters(List<PendingAppend> appends) {
    lastId = UNKNOWN;
    for (PendingAppend append : appends) {
      latestSeqs.remove(append.to);
    }
  }

  private void failAll(List<PendingAppend> appends, Exception cause) {
    meters.failed();
    LOG.warn("append batch of {} failed, nothing of it stored: {}", appends.size(), cause.toString());
    StoreFailure failure = StoreFailure.unavailable("database unavailable");
    appends.forEach(append -> append.fail(failure));
  }

  /** Whether a failure (or any exception chained to it, as JDBC batches do) is a unique-constraint violation. */
  private static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        for (SQLException e = (SQLException) t; e != null; e = e.getNextException()) {
          if (Database.isUniqueViolation(e)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
