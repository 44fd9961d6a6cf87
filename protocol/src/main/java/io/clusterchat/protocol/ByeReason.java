package io.clusterchat.protocol;

import java.util.Locale;

/** Why the server closes a connection, as sent in {@code BYE <reason>}. */
public enum ByeReason {
  IDLE,
  KICKED,
  DRAIN,
  SHUTDOWN,
  ABUSE,
  SLOW;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
