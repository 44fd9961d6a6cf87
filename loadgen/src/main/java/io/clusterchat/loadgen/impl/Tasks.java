package io.clusterchat.loadgen.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/** Small future helpers of the load modes. */
public final class Tasks {

  private static final long POLL_MILLIS = 100;

  private Tasks() {
  }

  /**
   * Runs {@code task(0) .. task(count - 1)} with at most {@code parallelism} in flight (a ramp that does not flood a
   * server's accept queue or its password hashing). Completes once all have; fails with the first failure, if any,
   * after all have completed.
   */
  public static Future<Void> forEach(int count, int parallelism, IntFunction<Future<?>> task) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(Math.min(parallelism, count));
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    Promise<Void> done = Promise.promise();
    if (count == 0) {
      return Future.succeededFuture();
    }
    for (int chain = 0; chain < Math.min(parallelism, count); chain++) {
      runChain(next, count, task, firstFailure, () -> {
        if (running.decrementAndGet() == 0) {
          Throwable failure = firstFailure.get();
          if (failure == null) {
            done.complete();
          } else {
            done.fail(failure);
          }
        }
      });
    }
    return done.future();
  }

  private static void runChain(AtomicInteger next, int count, IntFunction<Future<?>> task,
                               AtomicReference<Throwable> firstFailure, Runnable chainDone) {
    int index = next.getAndIncrement();
    if (index >= count) {
      chainDone.run();
      return;
    }
    Future<?> step;
    try {
      step = task.apply(index);
    } catch (RuntimeException e) {
      step = Future.failedFuture(e);
    }
    step.onComplete(result -> {
      if (result.failed()) {
        firstFailure.compareAndSet(null, result.cause());
      }
      runChain(next, count, task, firstFailure, chainDone);
    });
  }

  /** Completes once {@code condition} holds (checked every 100 ms) or after {@code timeoutMillis}, whichever first. */
  public static Future<Void> until(Vertx vertx, BooleanSupplier condition, long timeoutMillis) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    if (condition.getAsBoolean()) {
      return Future.succeededFuture();
    }
    vertx.setPeriodic(POLL_MILLIS, timer -> {
      if (condition.getAsBoolean() || System.nanoTime() >= deadline) {
        vertx.cancelTimer(timer);
        done.complete();
      }
    });
    return done.future();
  }
}
