package io.clusterchat.client.impl;

import io.clusterchat.protocol.GroupAddress;
import io.clusterchat.protocol.Limits;
import io.clusterchat.protocol.ProtocolException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link SeenSeqs} is for the inbox, per group: the entries of each group's log already handed to the
 * application, keyed by the group's full address as the server writes it ({@code #name@region}).
 */
final class GroupSeqs {

  /**
   * Groups remembered at most: a user is in at most {@link Limits#MAX_GROUPS_PER_USER}; room for as many left or
   * removed again before the least recently used are forgotten (a forgotten group at worst repeats an entry).
   */
  private static final int MAX_GROUPS = 2 * Limits.MAX_GROUPS_PER_USER;

  private final Map<String, SeenSeqs> byGroup = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, SeenSeqs> eldest) {
      return size() > MAX_GROUPS;
    }
  };

  /**
   * The full lower-case address of {@code group} as the server writes it, a bare {@code #name} (or {@code name})
   * taken in {@code region}, the gateway's; an address the server will refuse is kept as it is.
   */
  static String canonical(String group, String region) {
    try {
      return GroupAddress.parseGroupArgument(group, region == null ? "" : region);
    } catch (ProtocolException e) {
      return group;
    }
  }

  /** Records {@code seq} of {@code group}; true if it was not seen before. */
  boolean add(String group, long seq) {
    return seen(group).add(seq);
  }

  /** Every seq of {@code group} up to this one has been seen (0 for a group not seen yet). */
  long floor(String group) {
    SeenSeqs seen = byGroup.get(group);
    return seen == null ? 0 : seen.floor();
  }

  /** Takes every seq of {@code group} up to {@code seq} as seen (its read cursor, or the log before joining). */
  void raiseFloor(String group, long seq) {
    seen(group).raiseFloor(seq);
  }

  /** Forgets {@code group}, once the user is no longer in it. */
  void forget(String group) {
    byGroup.remove(group);
  }

  void clear() {
    byGroup.clear();
  }

  private SeenSeqs seen(String group) {
    return byGroup.computeIfAbsent(group, g -> new SeenSeqs());
  }
}
