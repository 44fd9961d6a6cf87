package io.clusterchat.protocol;

import java.util.Locale;

/**
 * Who may join a group (PROTOCOL.md, "Groups"): anyone ({@code open}), or only users a member invites
 * ({@code invite}, the default of CREATE).
 */
public enum GroupMode {
  /** Anyone may JOIN. */
  OPEN,
  /** Only users a member INVITEs become members. */
  INVITE;

  /** How the protocol spells it: {@code open} or {@code invite}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode for {@code open} or {@code invite} (any case); null for anything else. */
  public static GroupMode of(String wireName) {
    for (GroupMode mode : values()) {
      if (mode.wireName().equalsIgnoreCase(wireName)) {
        return mode;
      }
    }
    return null;
  }
}
