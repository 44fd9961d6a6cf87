package io.clusterchat.persistence.impl;

import io.clusterchat.metrics.NodeMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The group-commit writer's meters, made once per node (see {@link NodeMetrics#meters}). */
final class StoreMeters {

  static final String BATCH_SIZE = NodeMetrics.PREFIX + "store.batch.size";
  static final String COMMIT = NodeMetrics.PREFIX + "store.commit";
  static final String SYNC = NodeMetrics.PREFIX + "store.sync";
  static final String APPEND_WAIT = NodeMetrics.PREFIX + "store.append.wait";
  static final String FAILED_BATCHES = NodeMetrics.PREFIX + "store.batch.failures";
  /** Every per-shard meter's name starts so (see also {@link ShardMeters}). */
  static final String SHARD_PREFIX = NodeMetrics.PREFIX + "store.shard.";
  static final String SHARD_COMMIT = SHARD_PREFIX + "commit";
  static final String TAG_SHARD = "shard";

  private final DistributionSummary batchSize;
  private final Timer commit;
  private final Timer sync;
  private final Timer appendWait;
  private final Counter failedBatches;
  private final MeterRegistry registry;
  /** A shard's commit timer, made at its first commit on this node (bounded by the shard count). */
  private final Map<Integer, Timer> shardCommits = new ConcurrentHashMap<>();

  private StoreMeters(MeterRegistry registry) {
    this.registry = registry;
    batchSize = DistributionSummary.builder(BATCH_SIZE).baseUnit("appends")
        .description("Appends taken by the writer per group commit").register(registry);
    commit = Timer.builder(COMMIT)
        .description("Time of one group commit: insert, commit and sync of a batch").register(registry);
    sync = Timer.builder(SYNC)
        .description("Of a group commit, the time making it durable: H2's CHECKPOINT SYNC (PostgreSQL's commit "
            + "waits for its WAL flush itself, so this is 0 there)").register(registry);
    appendWait = Timer.builder(APPEND_WAIT)
        .description("Time an append waited, from its arrival at the store to its batch's start").register(registry);
    failedBatches = Counter.builder(FAILED_BATCHES)
        .description("Group commits that failed (their appends got 503)").register(registry);
  }

  static StoreMeters of(Vertx vertx) {
    return NodeMetrics.of(vertx).meters(StoreMeters.class, StoreMeters::new);
  }

  void batch(int size) {
    batchSize.record(size);
  }

  void synced(long nanos) {
    sync.record(nanos, TimeUnit.NANOSECONDS);
  }

  void waited(long nanos) {
    appendWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  void committed(long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A group commit that wrote into {@code shard} took {@code nanos} (each shard of the batch counts it). */
  void shardCommitted(int shard, long nanos) {
    shardCommits.computeIfAbsent(shard, key -> Timer.builder(SHARD_COMMIT).tag(TAG_SHARD, String.valueOf(key))
        .description("Time of the group commits that wrote into the shard, on its owner").register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void failed() {
    failedBatches.increment();
  }
}
