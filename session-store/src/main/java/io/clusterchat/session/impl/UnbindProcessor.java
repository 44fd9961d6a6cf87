package io.clusterchat.session.impl;

import com.hazelcast.map.EntryProcessor;
import java.util.List;
import java.util.Map;

/**
 * Removes one connection's session from a user's entry, atomically on the key's partition; removes the entry with
 * the last session. Unbinding a session that is not there changes nothing.
 */
public final class UnbindProcessor implements EntryProcessor<String, String, Void> {

  private static final long serialVersionUID = 1L;

  private final String connection;

  public UnbindProcessor(String connection) {
    this.connection = connection;
  }

  @Override
  public Void process(Map.Entry<String, String> entry) {
    if (entry.getValue() == null) {
      return null;
    }
    List<Session> sessions = Session.decode(entry.getValue());
    if (sessions.removeIf(session -> session.connection().equals(connection))) {
      // A null value deletes the entry: an offline user leaves no key behind.
      entry.setValue(Session.encode(sessions));
    }
    return null;
  }
}
