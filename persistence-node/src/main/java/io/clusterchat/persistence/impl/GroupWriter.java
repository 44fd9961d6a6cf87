package io.clusterchat.persistence.impl;

import io.clusterchat.bus.GroupService.GroupWritten;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the group writes of a batch in one transaction (group commit), on the writer thread of their shards, the
 * same thread that writes those shards' inbox appends: the shard's id counter ({@link ShardLease#lastId}) and its
 * recent-send memory are that thread's alone, and one writer per shard is what keeps each group's seqs gap-free.
 *
 * <p>As for appends: the transaction is fenced by the lease of every shard it wrote to (a fenced shard's writes
 * fail {@code MOVED}, nothing stored, and the others are stored again without them), committed and made durable
 * before anything is answered. A refused write (403, 404, 409) is decided inside the transaction without changing
 * anything, so it never fails the others. A SEND with a client id is inserted optimistically: when the UNIQUE
 * (group, sender, client id) constraint catches a retry of one stored before, the batch is stored again with a
 * lookup of every client id; retries within a batch and recent ones are answered from memory.
 */
final class GroupWriter {

  private static final Logger LOG = LoggerFactory.getLogger(GroupWriter.class);

  private final Database database;
  private final ShardDatabases databases;
  private final int maxMembers;
  /** This node's cluster member id: the owner its leases name. */
  private final String owner;
  private long lastTimestamp;

  /** A writer to {@code database}, one of {@code databases}, for groups of at most {@code maxMembers}. */
  GroupWriter(Database database, ShardDatabases databases, int maxMembers, String owner) {
    this.database = database;
    this.databases = databases;
    this.maxMembers = maxMembers;
    this.owner = owner;
  }

  /** Decides every write of the batch: stored, refused, duplicate, moved, or failed. */
  void write(List<PendingGroupWrite> batch) {
    List<PendingGroupWrite> live = new ArrayList<>(batch.size());
    for (PendingGroupWrite write : batch) {
      if (write.lease.lost()) {
        write.fail(StoreFailure.moved(write.lease.shard));
      } else {
        live.add(write);
      }
    }
    Map<PendingGroupWrite, PendingGroupWrite> copies = new IdentityHashMap<>();
    List<PendingGroupWrite> fresh = sortOut(live, copies);
    if (!fresh.isEmpty()) {
      storeWithRetry(fresh);
    }
    copies.forEach(GroupWriter::answerAsCopy);
  }

  /** Answers the retries known in memory; returns the writes to store, each client id once. */
  private static List<PendingGroupWrite> sortOut(List<PendingGroupWrite> batch,
                                                 Map<PendingGroupWrite, PendingGroupWrite> copies) {
    Map<PendingGroupWrite.DedupKey, PendingGroupWrite> firstByKey = new HashMap<>();
    List<PendingGroupWrite> fresh = new ArrayList<>(batch.size());
    for (PendingGroupWrite write : batch) {
      PendingGroupWrite.DedupKey key = write.dedupKey();
      GroupWritten earlier = key == null ? null : write.lease.recentGroupSends.get(key);
      if (earlier != null) {
        // Its latest and members are those of when it was stored: a repeat's answer only needs the entry.
        write.succeed(asDuplicate(earlier));
      } else if (key == null || firstByKey.putIfAbsent(key, write) == null) {
        fresh.add(write);
      } else {
        copies.put(write, firstByKey.get(key));
      }
    }
    return fresh;
  }

  private static void answerAsCopy(PendingGroupWrite copy, PendingGroupWrite original) {
    if (original.reply() != null) {
      copy.succeed(asDuplicate(original.reply()));
    } else {
      copy.fail(original.failure());
    }
  }

  private static GroupWritten asDuplicate(GroupWritten written) {
    return new GroupWritten(written.entry(), written.latest(), written.members(), true);
  }

  private void storeWithRetry(List<PendingGroupWrite> fresh) {
    List<PendingGroupWrite> left = fresh;
    boolean lookUpStored = false;
    while (!left.isEmpty()) {
      try {
        store(left, lookUpStored);
        return;
      } catch (ShardFence.Fenced fenced) {
        // A definite rollback: nothing of the batch was written.
        fenced.lease.lose();
        LOG.warn("shard {} was taken over (epoch {} is not the lease's any more): its group writes are moved",
            fenced.lease.shard, fenced.lease.epoch);
        List<PendingGroupWrite> others = new ArrayList<>(left.size());
        for (PendingGroupWrite write : left) {
          if (write.lease == fenced.lease) {
            write.fail(StoreFailure.moved(write.lease.shard));
          } else {
            others.add(write);
          }
        }
        left = others;
      } catch (SQLException | RuntimeException e) {
        // The commit's outcome may be unknown (cut off): the shards' id counters are read again.
        left.forEach(write -> write.lease.lastId = ShardLease.UNKNOWN_ID);
        if (lookUpStored || !Database.causedByUniqueViolation(e)) {
          failAll(left, e);
          return;
        }
        LOG.debug("group write batch met a stored client id; storing it again with lookups: {}", e.getMessage());
        lookUpStored = true;
      }
    }
  }

  /** One transaction for the whole batch, fenced, committed and made durable before anything is answered. */
  private void store(List<PendingGroupWrite> writes, boolean lookUpStored) throws SQLException {
    writes.forEach(PendingWrite::undecide);
    long start = System.nanoTime();
    Map<ShardLease, Long> written = database.withConnection(connection -> {
      connection.setAutoCommit(false);
      try {
        GroupTransaction transaction = new GroupTransaction(connection, database, databases, maxMembers, owner,
            nextTimestamp(), lookUpStored);
        for (PendingGroupWrite write : writes) {
          try {
            write.succeed(transaction.apply(write));
          } catch (StoreFailure refused) {
            write.fail(refused);
          }
        }
        transaction.flush();
        ShardFence.fence(connection, transaction.lastIds(), owner);
        connection.commit();
        database.makeDurable(connection);
        return transaction.lastIds();
      } catch (SQLException | RuntimeException e) {
        Database.rollbackQuietly(connection);
        throw e;
      }
    });
    long nanos = System.nanoTime() - start;
    written.forEach((lease, lastId) -> {
      lease.lastId = lastId;
      lease.committed(nanos);
    });
    for (PendingGroupWrite write : writes) {
      PendingGroupWrite.DedupKey key = write.dedupKey();
      if (key != null && write.reply() != null) {
        write.lease.recentGroupSends.put(key, write.reply());
      }
    }
  }

  /** Entry timestamps never go back, even when the wall clock does. */
  private long nextTimestamp() {
    lastTimestamp = Math.max(lastTimestamp, System.currentTimeMillis());
    return lastTimestamp;
  }

  private static void failAll(List<PendingGroupWrite> writes, Exception cause) {
    LOG.warn("group write batch of {} failed, nothing of it stored: {}", writes.size(), cause.toString());
    StoreFailure failure = StoreFailure.unavailable("database unavailable");
    writes.forEach(write -> write.fail(failure));
  }
}
