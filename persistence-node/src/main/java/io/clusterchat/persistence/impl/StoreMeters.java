package io.clusterchat.persistence.impl;

import io.clusterchat.metrics.NodeMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** The group-commit writer's meters, made once per node (see {@link NodeMetrics#meters}). */
final class StoreMeters {

  static final String BATCH_SIZE = NodeMetrics.PREFIX + "store.batch.size";
  static final String COMMIT = NodeMetrics.PREFIX + "store.commit";
  static final String FAILED_BATCHES = NodeMetrics.PREFIX + "store.batch.failures";

  private final DistributionSummary batchSize;
  private final Timer commit;
  private final Counter failedBatches;

  private StoreMeters(MeterRegistry registry) {
    batchSize = DistributionSummary.builder(BATCH_SIZE).baseUnit("appends")
        .description("Appends taken by the writer per group commit").register(registry);
    commit = Timer.builder(COMMIT)
        .description("Time of one group commit: insert, commit and sync of a batch").register(registry);
    failedBatches = Counter.builder(FAILED_BATCHES)
        .description("Group commits that failed (their appends got 503)").register(registry);
  }

  static StoreMeters of(Vertx vertx) {
    return NodeMetrics.of(vertx).meters(StoreMeters.class, StoreMeters::new);
  }

  void batch(int size) {
    batchSize.record(size);
  }

  void committed(long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  void failed() {
    failedBatches.increment();
  }
}
