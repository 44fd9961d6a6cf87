package io.clusterchat.client.impl;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A request from the time it is made until its final reply: waiting for a connection, then in flight. The frame,
 * id included, is kept as is so that a retry after a reconnect sends exactly the same bytes (the id of a SEND is
 * its idempotency key).
 */
final class Pending {

  /** What to do with the MSG items a SYNC streams. */
  enum Items {
    /** Not a SYNC. */
    NONE,
    /** An application's SYNC: the items go to its result and count as seen. */
    COLLECT,
    /** The reconnect catch-up: items not seen yet are reported as events too. */
    EMIT
  }

  final String op;
  final String id;
  final JsonObject frame;
  final boolean retryable;
  final Items items;
  final Promise<Reply> promise = Promise.promise();
  final List<JsonObject> streamed = new ArrayList<>();
  long timerId = -1;
  long sentNanos;
  /** Timed out while in flight: its reply must still be consumed to keep replies in order, then dropped. */
  boolean abandoned;

  Pending(String op, String id, JsonObject frame, boolean retryable, Items items) {
    this.op = op;
    this.id = id;
    this.frame = frame;
    this.retryable = retryable;
    this.items = items;
  }

  /** A final reply and the items streamed before it. */
  record Reply(JsonObject frame, List<JsonObject> items) {
  }
}
