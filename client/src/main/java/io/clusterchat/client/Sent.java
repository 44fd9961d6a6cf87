package io.clusterchat.client;

/**
 * A message the server stored durably.
 *
 * @param msg the message id, unique in the cluster
 * @param ts milliseconds since the epoch, set by the server
 * @param key the idempotency key the send carried (its JSON {@code "id"})
 */
public record Sent(String msg, long ts, String key) {
}
