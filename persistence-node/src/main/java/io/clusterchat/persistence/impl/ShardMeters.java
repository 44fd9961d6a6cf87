package io.clusterchat.persistence.impl;

import io.clusterchat.bus.StoreService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-shard gauges of one node's {@link ShardKeeper}, read at scrape time: whether this node owns the shard, the
 * epoch of the shard's lease, and the shard's queue depth. Every shard of the store has its three series on every
 * persistence-node (owned 0 where another node writes it), so {@code max by (shard)} of the epoch and
 * {@code sum by (shard)} of owned (1 when exactly one node writes it) need no join. The per-shard commit timer is
 * in {@link StoreMeters}. Made by the store verticle and removed when it stops, so a redeployed store never leaves
 * gauges that read a dead keeper.
 */
final class ShardMeters implements AutoCloseable {

  static final String OWNED = StoreMeters.SHARD_PREFIX + "owned";
  static final String EPOCH = StoreMeters.SHARD_PREFIX + "epoch";
  static final String QUEUE = StoreMeters.SHARD_PREFIX + "queue";

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  ShardMeters(MeterRegistry registry, ShardKeeper keeper, int shards) {
    this.registry = registry;
    for (int shard = 0; shard < shards; shard++) {
      int s = shard;
      String tag = String.valueOf(shard);
      meters.add(Gauge.builder(OWNED, keeper, k -> k.lease(s) == null ? 0 : 1).tag(StoreMeters.TAG_SHARD, tag)
          .description("1 on the persistence-node that holds the shard's lease (its only writer), else 0")
          .register(registry));
      meters.add(Gauge.builder(EPOCH, keeper, k -> epoch(k, s)).tag(StoreMeters.TAG_SHARD, tag)
          .description("Epoch of the shard's lease as this node last read it (-1 before the first read)")
          .register(registry));
      meters.add(Gauge.builder(QUEUE, keeper, k -> queue(k, s)).tag(StoreMeters.TAG_SHARD, tag)
          .description("Appends to the shard admitted on its owner and not yet answered (0 elsewhere)")
          .register(registry));
    }
  }

  private static double epoch(ShardKeeper keeper, int shard) {
    ShardLease lease = keeper.lease(shard);
    if (lease != null) {
      return lease.epoch;
    }
    List<StoreService.OwnerChanged> owners = keeper.owners().owners();
    return shard < owners.size() ? owners.get(shard).epoch() : -1;
  }

  private static double queue(ShardKeeper keeper, int shard) {
    ShardLease lease = keeper.lease(shard);
    return lease == null ? 0 : lease.pending();
  }

  /** Removes the gauges from the registry. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
