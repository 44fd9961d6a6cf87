package io.clusterchat.persistence.impl;

/**
 * Message ids as clients see them: "m" and the row id in base 36. Opaque, no spaces, and unique in the cluster
 * because one database numbers every message.
 */
final class MessageIds {

  private static final int RADIX = 36;

  private MessageIds() {
  }

  static String of(long rowId) {
    return "m" + Long.toString(rowId, RADIX);
  }
}
