package io.clusterchat.session.impl;

import com.hazelcast.map.EntryProcessor;
import java.util.List;
import java.util.Map;

/**
 * Adds a session to a user's entry, atomically on the key's partition. A session with the same connection id is
 * replaced (keeping its first bind time), so a repeated bind, or a gateway's reassert, is harmless. Deterministic
 * (the bind time comes with the processor), so Hazelcast can apply the same processor to the synchronous backup.
 */
public final class BindProcessor implements EntryProcessor<String, String, Boolean> {

  private static final long serialVersionUID = 1L;

  private final Session session;
  private final int maxSessions;

  public BindProcessor(Session session, int maxSessions) {
    this.session = session;
    this.maxSessions = maxSessions;
  }

  /** True when bound; false, with nothing changed, when the user already holds the most sessions allowed. */
  @Override
  public Boolean process(Map.Entry<String, String> entry) {
    List<Session> sessions = Session.decode(entry.getValue());
    Session bound = session;
    for (Session existing : sessions) {
      if (existing.connection().equals(session.connection())) {
        // The higher round wins: a bind sent before a reassert round began may arrive after the round told it.
        bound = new Session(session.gateway(), session.connection(), session.region(), existing.since(),
            session.member(), Math.max(existing.round(), session.round()));
      }
    }
    sessions.removeIf(existing -> existing.connection().equals(session.connection()));
    if (sessions.size() >= maxSessions) {
      return Boolean.FALSE;
    }
    sessions.add(bound);
    entry.setValue(Session.encode(sessions));
    return Boolean.TRUE;
  }
}
