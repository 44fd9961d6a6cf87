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

  /** What to do with the items a SYNC (MSG, or a group's GMSG and GEVENT), GROUPS or MEMBERS streams. */
  enum Items {
    /** Streams nothing. */
    NONE,
    /** An application's request: the items go to its result (and a SYNC's count as seen). */
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
  /** For a group's SYNC: the group's full address, as its items name it; null for every other request. */
  String group;
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
