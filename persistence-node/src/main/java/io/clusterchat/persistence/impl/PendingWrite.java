package io.clusterchat.persistence.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One write to a shard on its way through its writer's queue ({@link AppendBatcher}): an inbox append or a group
 * write. Checked on the event loop, decided by the writer thread (stored, refused, moved, failed), answered on the
 * event loop once its batch committed or failed. Both kinds share the shard's writer because the shard's id
 * counter and caches ({@link ShardLease}) are that thread's alone.
 *
 * @param <R> the reply record
 */
abstract class PendingWrite<R> {

  /** When the store took it ({@link System#nanoTime()}), for the append deadline. */
  final long receivedNanos = System.nanoTime();
  /** The asker's deadline (wall-clock ms), or {@link Long#MAX_VALUE} for none. */
  final long deadlineMillis;
  private final Promise<R> promise = Promise.promise();
  /** The lease of the shard it was admitted under. */
  ShardLease lease;

  /** Set by the writer: either the reply or the failure. */
  private R reply;
  private StoreFailure failure;

  PendingWrite(long deadlineMillis) {
    this.deadlineMillis = deadlineMillis;
  }

  /** The asker's deadline as {@link #deadlineMillis} holds it; a 400 when negative. */
  static long deadlineOf(Long deadline) {
    if (deadline != null && deadline < 0) {
      throw StoreFailure.badRequest("deadline must not be negative");
    }
    return deadline == null ? Long.MAX_VALUE : deadline;
  }

  /** Whether it waited past the store's append deadline or its asker's own. */
  boolean expired(long nowNanos, long appendDeadlineNanos) {
    return nowNanos - receivedNanos > appendDeadlineNanos || System.currentTimeMillis() >= deadlineMillis;
  }

  public Future<R> future() {
    return promise.future();
  }

  boolean isDecided() {
    return reply != null || failure != null;
  }

  R reply() {
    return reply;
  }

  StoreFailure failure() {
    return failure;
  }

  void succeed(R reply) {
    this.reply = reply;
    this.failure = null;
  }

  void fail(StoreFailure failure) {
    this.reply = null;
    this.failure = failure;
  }

  void undecide() {
    reply = null;
    failure = null;
  }

  /** Turned away before it was queued: its lease no longer waits for it. */
  void refused() {
    if (lease != null) {
      lease.answered();
    }
  }

  /** Answers the request; call on the verticle's context, once. */
  void complete() {
    if (lease != null) {
      lease.answered();
    }
    if (reply != null) {
      promise.complete(reply);
    } else {
      promise.fail(failure != null ? failure : StoreFailure.unavailable("write was not stored"));
    }
  }
}
