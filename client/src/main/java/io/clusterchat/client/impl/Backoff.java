package io.clusterchat.client.impl;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: the initial delay doubling after each failed attempt up to the maximum, each drawn at random
 * from the upper half of its step ("equal jitter"), so that the clients of a gateway that went down do not all
 * come back in the same millisecond.
 */
final class Backoff {

  private static final int MULTIPLIER = 2;

  private final long initialMillis;
  private final long maxMillis;
  private long stepMillis;

  Backoff(long initialMillis, long maxMillis) {
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.stepMillis = initialMillis;
  }

  /** The delay before the next attempt; each call doubles the step for the one after. */
  long next() {
    long step = stepMillis;
    stepMillis = Math.min(maxMillis, stepMillis * MULTIPLIER);
    long half = step / 2;
    return half + ThreadLocalRandom.current().nextLong(step - half + 1);
  }

  /** After a successful connection: start again from the initial delay. */
  void reset() {
    stepMillis = initialMillis;
  }
}
