package io.clusterchat.persistence.impl;

/**
 * Message ids. A shard numbers its messages {@code shard + k * shards} (k rising), so the writers of different
 * shards never hand out the same row id, even in a database they share, and need not ask each other; clients see
 * "m" and the row id in base 36: opaque, no spaces, unique in the cluster.
 */
final class MessageIds {

  private static final int RADIX = 36;

  private MessageIds() {
  }

  static String of(long rowId) {
    return "m" + Long.toString(rowId, RADIX);
  }

  /** The row id of a message id this class made. */
  static long rowId(String messageId) {
    return Long.parseLong(messageId.substring(1), RADIX);
  }

  /**
   * The highest id of {@code shard}'s numbering that is at most {@code highest}: a new shard counter starts here,
   * so its next id ({@link #next}) is above every id stored before.
   */
  static long lastIdBelow(long highest, int shard, int shards) {
    return highest - Math.floorMod(highest - shard, (long) shards);
  }

  /** The id after {@code lastId} in its shard's numbering. */
  static long next(long lastId, int shards) {
    return lastId + shards;
  }
}
