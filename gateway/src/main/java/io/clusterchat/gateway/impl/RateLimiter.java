package io.clusterchat.gateway.impl;

/**
 * A per-connection token bucket ({@code rate} frames per second, bursts of {@code burst}) that also counts
 * rejected frames: a connection rejected more than {@code abuseLimit} times within one {@code abuseWindow} keeps
 * flooding and is to be closed. Event-loop confined; times in nanoseconds from {@link System#nanoTime()}.
 */
final class RateLimiter {

  enum Verdict {
    ACCEPT,
    REJECT,
    ABUSE
  }

  private static final double NANOS_PER_SECOND = 1e9;

  private final double tokensPerNano;
  private final int burst;
  private final int abuseLimit;
  private final long abuseWindowNanos;
  private double tokens;
  private long refilledAt;
  private int rejectedInWindow;
  private long windowStart;

  RateLimiter(int rate, int burst, int abuseLimit, long abuseWindowNanos, long now) {
    this.tokensPerNano = rate / NANOS_PER_SECOND;
    this.burst = burst;
    this.abuseLimit = abuseLimit;
    this.abuseWindowNanos = abuseWindowNanos;
    this.tokens = burst;
    this.refilledAt = now;
    this.windowStart = now;
  }

  Verdict onFrame(long now) {
    tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return Verdict.ACCEPT;
    }
    if (now - windowStart > abuseWindowNanos) {
      windowStart = now;
      rejectedInWindow = 0;
    }
    rejectedInWindow++;
    return rejectedInWindow > abuseLimit ? Verdict.ABUSE : Verdict.REJECT;
  }
}
