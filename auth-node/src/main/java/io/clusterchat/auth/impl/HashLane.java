package io.clusterchat.auth.impl;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Password hashing with bounded capacity: its own worker threads and a bounded wait, so a flood of one kind of
 * request (REGISTER) cannot starve another (LOGIN), and a request that cannot be taken is refused at once, before
 * anything is hashed or written, rather than left to wait past the caller's timeout.
 */
final class HashLane {

  /** Refused because every thread is busy and the wait is full; nothing was done. */
  static final class Full extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Full(String lane) {
      super(lane + " hashing is at capacity", null, false, false);
    }
  }

  private final String name;
  private final WorkerExecutor executor;
  private final int capacity;
  private final long maxWaitNanos;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param capacity hashes running or waiting at most: the threads plus the bounded wait
   * @param maxWaitMillis how long a hash may wait for a thread; one that waited longer is dropped unhashed (its
   *     caller has given up by then, and hashing it anyway would only make the next ones wait longer)
   */
  HashLane(String name, WorkerExecutor executor, int capacity, long maxWaitMillis) {
    this.name = name;
    this.executor = executor;
    this.capacity = capacity;
    this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
  }

  /** Runs {@code work} on the lane's threads, or fails with {@link Full} at once or once it waited too long. */
  <T> Future<T> submit(Callable<T> work) {
    if (inFlight.incrementAndGet() > capacity) {
      inFlight.decrementAndGet();
      return Future.failedFuture(new Full(name));
    }
    long submitted = System.nanoTime();
    // Not ordered: hashes run in parallel on all the lane's threads.
    return executor.executeBlocking(() -> {
      if (System.nanoTime() - submitted > maxWaitNanos) {
        throw new Full(name);
      }
      return work.call();
    }, false).onComplete(done -> inFlight.decrementAndGet());
  }

  Future<Void> close() {
    return executor.close();
  }
}
