package io.clusterchat.loadgen.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * A durable message relay the chat load is compared with, driven through its own Java client: each user a client of
 * its own with an inbox on the relay; a message counts as stored when the relay acknowledges it, and as delivered
 * when the partner's consumer gets it. The client libraries call back on threads of their own, so the listener must
 * be safe to call from any thread (the {@link Measurement} is).
 */
public interface Relay {

  /** What the relay reports, from its client's threads. */
  interface Listener {

    /** User {@code user} received {@code text} at {@code nowNanos}. */
    void delivered(int user, String text, long nowNanos);

    /** The relay acknowledged, at {@code nowNanos}, the storage of a message intended at {@code intendedNanos}. */
    void stored(long intendedNanos, long nowNanos);

    /** The relay refused a message, or its acknowledgement failed. */
    void refused();
  }

  /**
   * Makes each user's inbox fresh (anything left by an earlier run deleted), connects the users and subscribes each
   * to its own inbox. {@code users} are the user names, index by index.
   */
  Future<Void> open(Vertx vertx, List<String> users, Listener listener);

  /** Sends {@code text} from user {@code from} to user {@code to}; returns at once, the outcome to the listener. */
  void send(int from, int to, String text, long intendedNanos);

  /** Users whose connection is open. */
  int connected();

  /** Deletes the inboxes and closes the connections. */
  Future<Void> close(Vertx vertx);
}
