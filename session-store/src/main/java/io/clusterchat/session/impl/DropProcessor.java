package io.clusterchat.session.impl;

import com.hazelcast.map.EntryProcessor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drops the sessions of dead gateways from every entry it runs on, removing entries left empty. Idempotent: any
 * number of session-store nodes may run it for the same loss. Returns the number dropped from an entry, or null
 * when none (Hazelcast leaves null results out of the result map).
 */
public final class DropProcessor implements EntryProcessor<String, String, Integer> {

  private static final long serialVersionUID = 1L;

  private final String deadMember;
  private final HashSet<String> liveMembers;
  private final long bornBefore;

  private DropProcessor(String deadMember, Set<String> liveMembers, long bornBefore) {
    this.deadMember = deadMember;
    this.liveMembers = liveMembers == null ? null : new HashSet<>(liveMembers);
    this.bornBefore = bornBefore;
  }

  /** Drops the sessions bound through the gateway that was Hazelcast member {@code memberId}. */
  public static DropProcessor ofMember(String memberId) {
    return new DropProcessor(memberId, null, 0);
  }

  /**
   * Drops the sessions whose gateway member is not in {@code liveMembers}, bound before {@code bornBefore}: younger
   * ones may belong to a gateway that joined after the member list was read.
   */
  public static DropProcessor notIn(Set<String> liveMembers, long bornBefore) {
    return new DropProcessor(null, liveMembers, bornBefore);
  }

  @Override
  public Integer process(Map.Entry<String, String> entry) {
    if (entry.getValue() == null) {
      return null;
    }
    List<Session> sessions = Session.decode(entry.getValue());
    int before = sessions.size();
    sessions.removeIf(this::dead);
    int dropped = before - sessions.size();
    if (dropped == 0) {
      return null;
    }
    entry.setValue(Session.encode(sessions));
    return dropped;
  }

  private boolean dead(Session session) {
    if (deadMember != null) {
      return deadMember.equals(session.member());
    }
    return !liveMembers.contains(session.member()) && session.since() < bornBefore;
  }
}
