package io.clusterchat.persistence.impl;

import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.Limits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

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
  private final Promise<JsonObject> promise = Promise.promise();

  /** Set by the writer: either the reply or the failure. */
  private JsonObject reply;
  private StoreFailure failure;

  private PendingAppend(String from, String to, String text, String clientId) {
    this.from = from;
    this.to = to;
    this.text = text;
    this.clientId = clientId;
  }

  /** Parses {@code {"from","to","text","clientId"?}}; throws a 400 or 413 {@link StoreFailure} when bad. */
  public static PendingAppend parse(JsonObject request) {
    String from = RequestFields.address(request, "from");
    String to = RequestFields.address(request, "to");
    String text = RequestFields.optionalString(request, "text");
    if (text == null) {
      throw StoreFailure.badRequest("missing text");
    }
    if (!Limits.isTextLength(text)) {
      throw new StoreFailure(ErrorCode.TOO_LARGE, "message text too long");
    }
    String clientId = RequestFields.optionalString(request, "clientId");
    // The client id is the JSON request id of the SEND.
    if (clientId != null && (clientId.isEmpty() || !Limits.isIdLength(clientId))) {
      throw StoreFailure.badRequest("bad clientId");
    }
    return new PendingAppend(from, to, text, clientId);
  }

  /** The key retries are recognised by, or {@code null} when the client gave no id. */
  DedupKey dedupKey() {
    return clientId == null ? null : new DedupKey(from, clientId);
  }

  public Future<JsonObject> future() {
    return promise.future();
  }

  boolean isDecided() {
    return reply != null || failure != null;
  }

  JsonObject reply() {
    return reply;
  }

  StoreFailure failure() {
    return failure;
  }

  void succeed(JsonObject reply) {
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

  /** Answers the request; call on the verticle's context. */
  void complete() {
    if (reply != null) {
      promise.complete(reply);
    } else {
      promise.fail(failure != null ? failure : StoreFailure.unavailable("append was not stored"));
    }
  }

  /** A sender's idempotency key. */
  record DedupKey(String sender, String clientId) {
  }

  /** The reply of a stored message, as MESSAGE_APPEND answers. */
  static JsonObject stored(String msgId, long seq, long ts, String from, String to, String text,
      boolean duplicate) {
    return new JsonObject()
        .put("msg", msgId)
        .put("seq", seq)
        .put("ts", ts)
        .put("from", from)
        .put("to", to)
        .put("text", text)
        .put("duplicate", duplicate);
  }
}
