package io.clusterchat.protocol;

import java.util.Locale;

/**
 * A group address, {@code #name@region} (name and region as for users, see {@link Limits}), case-insensitive and
 * kept lower-case. A bare {@code #name} means a group of the gateway's own region.
 */
public final class GroupAddress {

  /** What every group address starts with, and what tells a group from a user in a request. */
  public static final char MARK = '#';

  private GroupAddress() {
  }

  /** Whether {@code address} names a group (starts with {@code #}), valid or not. */
  public static boolean isGroup(String address) {
    return address != null && !address.isEmpty() && address.charAt(0) == MARK;
  }

  /** True for a lower-case full group address, {@code #name@region}. */
  public static boolean isValid(String address) {
    return isGroup(address) && Limits.isAddress(address.substring(1));
  }

  /**
   * The full lower-case address for {@code group} ({@code #name} or {@code #name@region}; a bare name is taken as a
   * group of {@code ownRegion}); a 400 if it is not a valid group address.
   */
  public static String parse(String group, String ownRegion) {
    if (!isGroup(group)) {
      throw ProtocolException.badRequest("bad group: expected #name or #name@region");
    }
    String lower = group.substring(1).toLowerCase(Locale.ROOT);
    int at = lower.indexOf('@');
    String name = at < 0 ? lower : lower.substring(0, at);
    String region = at < 0 ? ownRegion : lower.substring(at + 1);
    if (!Limits.isName(name) || !Limits.isRegion(region)) {
      throw ProtocolException.badRequest("bad group: expected #name or #name@region");
    }
    return MARK + name + "@" + region;
  }

  /**
   * As {@link #parse}, for an argument that can only be a group (the {@code <group>} of CREATE, JOIN and the other
   * group commands): the leading {@code #} may be left out there.
   */
  public static String parseGroupArgument(String group, String ownRegion) {
    return parse(isGroup(group) ? group : MARK + group, ownRegion);
  }

  /** The region a group was created in: the part after its {@code @}. */
  public static String regionOf(String address) {
    return address.substring(address.indexOf('@') + 1);
  }
}
