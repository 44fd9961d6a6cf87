package io.clusterchat.loadgen.impl;

/**
 * The send schedule of a fixed offered rate: the k-th send is due at {@code start + k / rate}, whatever happened to
 * the ones before it. Latency is measured from that intended time, not from when the send really went out, so a
 * stalled server is charged for the sends it delayed (the coordinated-omission correction of wrk2 and HdrHistogram).
 */
public final class Pacer {

  private static final double NANOS_PER_SECOND = 1e9;

  private final long startNanos;
  private final double intervalNanos;
  private long issued;

  /** A schedule of {@code perSecond} sends a second from {@code startNanos} ({@link System#nanoTime()} time). */
  public Pacer(double perSecond, long startNanos) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive, was " + perSecond);
    }
    this.startNanos = startNanos;
    this.intervalNanos = NANOS_PER_SECOND / perSecond;
  }

  /** How many sends are due at {@code nowNanos} and not yet taken with {@link #next()}. */
  public long due(long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    long dueByNow = (long) ((nowNanos - startNanos) / intervalNanos) + 1;
    return Math.max(0, dueByNow - issued);
  }

  /** Takes the next send of the schedule; returns its intended time. */
  public long next() {
    return startNanos + (long) (issued++ * intervalNanos);
  }

  /** Sends taken so far. */
  public long issued() {
    return issued;
  }
}
