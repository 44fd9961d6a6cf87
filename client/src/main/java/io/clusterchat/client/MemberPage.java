package io.clusterchat.client;

import java.util.List;

/**
 * One page of a group's members, in joining order.
 *
 * @param members the members of the page
 * @param total how many members the group has in all
 */
public record MemberPage(List<GroupMember> members, long total) {

  public MemberPage {
    members = List.copyOf(members);
  }
}
