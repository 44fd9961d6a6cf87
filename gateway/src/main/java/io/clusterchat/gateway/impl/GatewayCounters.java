package io.clusterchat.gateway.impl;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Totals since the node started, for the load report (the coordinator derives rates from their differences).
 * Plain atomics: bumped on every event loop, read once a second.
 */
public final class GatewayCounters {

  private final AtomicLong sends = new AtomicLong();
  private final AtomicLong deliveries = new AtomicLong();

  /** A SEND answered OK (stored), duplicates of an idempotent retry included. */
  void sent() {
    sends.incrementAndGet();
  }

  /** A MSG pushed to one connection. */
  void delivered() {
    deliveries.incrementAndGet();
  }

  void delivered(int count) {
    deliveries.addAndGet(count);
  }

  public long sends() {
    return sends.get();
  }

  public long deliveries() {
    return deliveries.get();
  }
}
