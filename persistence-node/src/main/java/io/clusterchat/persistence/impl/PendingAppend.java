package io.clusterchat.persistence.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.Limits;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One MESSAGE_APPEND request on its way through group commit: parsed on the event loop, stored by the append
 * writer, answered on the event loop once its batch committed (or failed).
 */
public final class PendingAppend {

  final String from;
  final String to;
  final String text;
  final String clientId;
  /** When the store took it ({@link System#nanoTime()}), for the append deadline. */
  final long receivedNanos = System.nanoTime();
  /** The asker's deadline (wall-clock ms), or {@link Long#MAX_VALUE} for none. */
  final long deadlineMillis;
  private final Promise<StoreService.Appended> promise = Promise.promise();
  /** The lease of the shard it was admitted under. */
  ShardLease lease;

  /** Set by the writer: either the reply or the failure. */
  private StoreService.Appended reply;
  private StoreFailure failure;

  private PendingAppend(String from, String to, String text, String clientId, long deadlineMillis) {
    this.from = from;
    this.to = to;
    this.text = text;
    this.clientId = clientId;
    this.deadlineMillis = deadlineMillis;
  }

  /** Checks an append; throws a 400 or 413 {@link StoreFailure} when bad. */
  public static PendingAppend of(StoreService.Append request) {
    String from = RequestFields.address(request.from(), "from");
    String to = RequestFields.address(request.to(), "to");
    String text = request.text();
    if (!Limits.isTextLength(text)) {
      throw new StoreFailure(ErrorCode.TOO_LARGE, "message text too long");
    }
    String clientId = request.clientId();
    // The client id is the JSON request id of the SEND.
    if (clientId != null && (clientId.isEmpty() || !Limits.isIdLength(clientId))) {
      throw StoreFailure.badRequest("bad clientId");
    }
    Long deadline = request.deadline();
    if (deadline != null && deadline < 0) {
      throw StoreFailure.badRequest("deadline must not be negative");
    }
    return new PendingAppend(from, to, text, clientId, deadline == null ? Long.MAX_VALUE : deadline);
  }

  /** Whether it waited past the store's append deadline or its asker's own. */
  boolean expired(long nowNanos, long appendDeadlineNanos) {
    return nowNanos - receivedNanos > appendDeadlineNanos || System.currentTimeMillis() >= deadlineMillis;
  }

  /** The key retries are recognised by, or {@code null} when the client gave no id. */
  DedupKey dedupKey() {
    return clientId == null ? null : new DedupKey(from, clientId);
  }

  public Future<StoreService.Appended> future() {
    return promise.future();
  }

  boolean isDecided() {
    return reply != null || failure != null;
  }

  StoreService.Appended reply() {
    return reply;
  }

  StoreFailure failure() {
    return failure;
  }

  void succeed(StoreService.Appended reply) {
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
      promise.fail(failure != null ? failure : StoreFailure.unavailable("append was not stored"));
    }
  }

  /** A sender's idempotency key. */
  record DedupKey(String sender, String clientId) {
  }
}
