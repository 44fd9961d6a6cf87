package io.clusterchat.persistence.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.Limits;

/**
 * One MESSAGE_APPEND request on its way through group commit: parsed on the event loop, stored by the append
 * writer, answered on the event loop once its batch committed (or failed).
 */
public final class PendingAppend extends PendingWrite<StoreService.Appended> {

  final String from;
  final String to;
  final String text;
  final String clientId;

  private PendingAppend(String from, String to, String text, String clientId, long deadlineMillis) {
    super(deadlineMillis);
    this.from = from;
    this.to = to;
    this.text = text;
    this.clientId = clientId;
  }

  /** Checks an append; throws a 400 or 413 {@link StoreFailure} when bad. */
  public static PendingAppend of(StoreService.Append request) {
    String from = RequestFields.address(request.from(), "from");
    String to = RequestFields.address(request.to(), "to");
    String text = request.text();
    if (!Limits.isTextLength(text)) {
      throw new StoreFailure(ErrorCode.TOO_LARGE, "message text too long");
    }
    String clientId = RequestFields.clientId(request.clientId());
    return new PendingAppend(from, to, text, clientId, deadlineOf(request.deadline()));
  }

  /** The key retries are recognised by, or {@code null} when the client gave no id. */
  DedupKey dedupKey() {
    return clientId == null ? null : new DedupKey(from, clientId);
  }

  /** A sender's idempotency key. */
  record DedupKey(String sender, String clientId) {
  }
}
