package io.clusterchat.client;

/**
 * A member of a group, as MEMBERS lists it.
 *
 * @param address the member's user address
 * @param role {@code owner} or {@code member}
 */
public record GroupMember(String address, String role) {

  /** The role of the group's owner, the only member who may REMOVE. */
  public static final String OWNER = "owner";

  public boolean isOwner() {
    return OWNER.equals(role);
  }
}
