package io.clusterchat.client;

import java.util.Locale;

/** Who may join a group (PROTOCOL.md, "Groups"): anyone, or only users a member invites. */
public enum GroupMode {
  /** Anyone may JOIN. */
  OPEN,
  /** Only users a member INVITEs become members; the server's default. */
  INVITE;

  /** How the protocol spells it: {@code open} or {@code invite}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode for {@code open} or {@code invite} (any case); IllegalArgumentException for anything else. */
  public static GroupMode of(String wireName) {
    for (GroupMode mode : values()) {
      if (mode.wireName().equalsIgnoreCase(wireName)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("group mode must be open or invite, was " + wireName);
  }
}
