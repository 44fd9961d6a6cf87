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
  /** With {@link #staleOf}: the gateway member whose sessions of rounds below {@link #round} go. */
  private final String reassertingMember;
  private final long round;

  private DropProcessor(String deadMember, Set<String> liveMembers, long bornBefore, String reassertingMember,
      long round) {
    this.deadMember = deadMember;
    this.liveMembers = liveMembers == null ? null : new HashSet<>(liveMembers);
    this.bornBefore = bornBefore;
    this.reassertingMember = reassertingMember;
    this.round = round;
  }

  /** Drops the sessions bound through the gateway that was Hazelcast member {@code memberId}. */
  public static DropProcessor ofMember(String memberId) {
    return new DropProcessor(memberId, null, 0, null, 0);
  }

  /**
   * Drops the sessions whose gateway member is not in {@code liveMembers}, bound before {@code bornBefore}: younger
   * ones may belong to a gateway that joined after the member list was read.
   */
  public static DropProcessor notIn(Set<String> liveMembers, long bornBefore) {
    return new DropProcessor(null, liveMembers, bornBefore, null, 0);
  }

  /**
   * Drops the sessions of the live gateway member {@code memberId} that were not told again in its reassert
   * {@code round}: they ended and their unbind was lost.
   */
  public static DropProcessor staleOf(String memberId, long round) {
    return new DropProcessor(null, null, 0, memberId, round);
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
    if (reassertingMember != null) {
      return reassertingMember.equals(session.member()) && session.round() < round;
    }
    if (deadMember != null) {
      return deadMember.equals(session.member());
    }
    return !liveMembers.contains(session.member()) && session.since() < bornBefore;
  }
}
