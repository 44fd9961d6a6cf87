package io.clusterchat.protocol;

import java.util.Locale;

/**
 * A user address, {@code name@region} (patterns in {@link Limits}), case-insensitive and kept lower-case. A bare
 * name means a user of the gateway's own region.
 */
public final class UserAddress {

  private UserAddress() {
  }

  /** The lower-case name, or a 400 if it is not a valid name. */
  public static String name(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!Limits.isName(lower)) {
      throw ProtocolException.badRequest("bad name: 1 to " + Limits.MAX_NAME_LENGTH + " of a-z 0-9 _ . -");
    }
    return lower;
  }

  /**
   * The full lower-case address for {@code nameOrAddress}, a bare name taken as a user of {@code ownRegion}; a
   * 400 if it is not a valid address.
   */
  public static String parse(String nameOrAddress, String ownRegion) {
    String lower = nameOrAddress.toLowerCase(Locale.ROOT);
    int at = lower.indexOf('@');
    String name = at < 0 ? lower : lower.substring(0, at);
    String region = at < 0 ? ownRegion : lower.substring(at + 1);
    if (!Limits.isName(name) || !Limits.isRegion(region)) {
      throw ProtocolException.badRequest("bad address: expected name or name@region");
    }
    return name + "@" + region;
  }
}
