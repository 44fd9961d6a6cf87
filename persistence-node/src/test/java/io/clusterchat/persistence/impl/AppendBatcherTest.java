package io.clusterchat.persistence.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.StoreService;
import io.clusterchat.persistence.PersistenceOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The append deadline: an append that waited in the queue past it fails 503 and is never written, so a gateway that
 * has given up on it (and told its client "nothing was stored") is never contradicted by a late commit.
 */
class AppendBatcherTest {

  private static final long DEADLINE_MILLIS = 100;

  @TempDir
  Path dataDir;

  private final Vertx vertx = Vertx.vertx();
  private ShardDatabases databases;
  private Database database;
  private AppendBatcher batcher;

  @AfterEach
  void close() throws Exception {
    if (batcher != null) {
      batcher.stop();
    }
    if (databases != null) {
      databases.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void appendsPastTheDeadlineFail503AndAreNotWritten() throws Exception {
    PersistenceOptions options = new PersistenceOptions().setDataDir(dataDir.toString())
        .setAppendDeadlineMillis(DEADLINE_MILLIS);
    // The asker's deadline counts too: an append whose gateway gave up is never written, however young.
    databases = ShardDatabases.open(options.setShards(1));
    database = databases.of(0);
    batcher = new AppendBatcher(database, databases, options, vertx.getOrCreateContext(), "member", "test");
    ShardLease lease = new ShardLease(0, 1, database, 1, 0);
    // Queued while the writer is not running yet: by the time it starts, all are past their deadline.
    List<Future<StoreService.Appended>> appends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      PendingAppend append = PendingAppend.of(new StoreService.Append("alice@bj", "bob@sh", "late " + i, null));
      append.lease = lease;
      appends.add(batcher.submit(append));
    }
    // Past the asker's own wall-clock deadline, though well within the store's.
    PendingAppend askerGaveUp = PendingAppend.of(new StoreService.Append("alice@bj", "bob@sh", "given up", null,
        System.currentTimeMillis() + DEADLINE_MILLIS / 2));
    askerGaveUp.lease = lease;
    appends.add(batcher.submit(askerGaveUp));
    Thread.sleep(2 * DEADLINE_MILLIS);
    batcher.start();

    for (Future<StoreService.Appended> append : appends) {
      Throwable failure = append.toCompletionStage().toCompletableFuture()
          .handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(StoreFailure.class);
      assertThat(((StoreFailure) failure).failureCode()).isEqualTo(503);
    }
    long stored = database.withConnection(connection -> {
      try (Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM messages")) {
        rows.next();
        return rows.getLong(1);
      }
    });
    assertThat(stored).isZero();
  }

  @Test
  void anAppendTurnedAwayByAFullQueueDoesNotHoldUpItsShardsHandOver() throws Exception {
    PersistenceOptions options = new PersistenceOptions().setDataDir(dataDir.toString()).setMaxPendingAppends(1);
    databases = ShardDatabases.open(options.setShards(1));
    database = databases.of(0);
    batcher = new AppendBatcher(database, databases, options, vertx.getOrCreateContext(), "member", "test");
    ShardLease lease = new ShardLease(0, 1, database, 1, 0);
    List<Future<StoreService.Appended>> appends = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      PendingAppend append = PendingAppend.of(new StoreService.Append("alice@bj", "bob@sh", "m" + i, null));
      assertThat(lease.admit()).isTrue();
      append.lease = lease;
      appends.add(batcher.submit(append));
    }
    assertThat(appends.get(1).failed()).isTrue();
    // Only the queued one is still waited for: a hand-over of the shard waits for it alone.
    assertThat(lease.pending()).isEqualTo(1);
  }
}
