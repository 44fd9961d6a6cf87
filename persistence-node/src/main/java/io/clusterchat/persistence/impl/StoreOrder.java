package io.clusterchat.persistence.impl;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The order in which this process stored messages, over all its writers: a stamp in microseconds since the epoch
 * that only rises. A message's millisecond timestamp ties with others of the same millisecond, and its id orders
 * it only within its own shard; HISTORY merges two shards (one per direction), and a reply stored after the OK of
 * the message it answers must sort after it even when both were stored within one millisecond by two writers.
 * Running ahead of the wall clock would take a million stamps a second.
 */
final class StoreOrder {

  private static final long MICROS_PER_MILLI = 1_000;
  private static final AtomicLong LAST = new AtomicLong();

  private StoreOrder() {
  }

  /** A stamp later than every stamp taken before it in this process. */
  static long next() {
    long now = System.currentTimeMillis() * MICROS_PER_MILLI;
    return LAST.updateAndGet(last -> Math.max(now, last + 1));
  }
}
