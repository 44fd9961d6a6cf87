package io.clusterchat.gateway.impl;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which of this gateway's connections belong to which group: a group's entries are pushed to the connections
 * listed here (the sessions of its members on this node), and nowhere else on this node. A connection is listed
 * from its login (the member's groups read from the store) and follows its user's joins and leaves, wherever they
 * were made; it leaves every group when it closes.
 *
 * <p>Every change names the groups whose set went from empty to not, or back, to {@link GroupInterest}, which tells
 * the other gateways.
 */
final class LocalGroups {

  private final Map<String, Set<ClientConnection>> byGroup = new ConcurrentHashMap<>();
  private final Map<ClientConnection, Set<String>> byConnection = new ConcurrentHashMap<>();
  /** Per user, a count of membership changes seen here: a login's group list read before a change is read again. */
  private final Map<String, AtomicLong> changes = new ConcurrentHashMap<>();
  private final GroupInterest interest;

  LocalGroups(GroupInterest interest) {
    this.interest = interest;
    interest.localGroups(this);
  }

  /** The member connections of {@code group} on this node (a live view; empty when none). */
  Collection<ClientConnection> connectionsOf(String group) {
    Set<ClientConnection> connections = byGroup.get(group);
    return connections == null ? List.of() : connections;
  }

  /** Whether any connection here belongs to {@code group}. */
  boolean holds(String group) {
    Set<ClientConnection> connections = byGroup.get(group);
    return connections != null && !connections.isEmpty();
  }

  /** Groups with member connections here. */
  int size() {
    return byGroup.size();
  }

  /** Adds a connection to groups; the interest in groups new to this node is announced by {@link GroupInterest}. */
  void join(ClientConnection connection, Collection<String> groups) {
    if (connection.closing()) {
      return;
    }
    Set<String> ofConnection = byConnection.computeIfAbsent(connection, key -> ConcurrentHashMap.newKeySet());
    for (String group : groups) {
      ofConnection.add(group);
      byGroup.compute(group, (key, set) -> {
        Set<ClientConnection> members = set == null ? ConcurrentHashMap.newKeySet() : set;
        members.add(connection);
        return members;
      });
      interest.changed(group);
    }
    if (connection.closing()) {
      // Closed meanwhile: its removal may have run before this join.
      closed(connection);
    }
  }

  /** Makes a connection a member session of exactly {@code groups}. */
  void reconcile(ClientConnection connection, Collection<String> groups) {
    Set<String> now = byConnection.get(connection);
    if (now != null) {
      for (String group : List.copyOf(now)) {
        if (!groups.contains(group)) {
          leave(connection, group);
        }
      }
    }
    join(connection, groups);
  }

  /** Takes a connection out of one group. */
  void leave(ClientConnection connection, String group) {
    Set<String> ofConnection = byConnection.get(connection);
    if (ofConnection != null) {
      ofConnection.remove(group);
    }
    dropFrom(group, connection);
  }

  /** A connection closed: it leaves every group. */
  void closed(ClientConnection connection) {
    Set<String> groups = byConnection.remove(connection);
    if (groups != null) {
      groups.forEach(group -> dropFrom(group, connection));
    }
  }

  private void dropFrom(String group, ClientConnection connection) {
    boolean[] emptied = {false};
    byGroup.computeIfPresent(group, (key, set) -> {
      set.remove(connection);
      emptied[0] = set.isEmpty();
      return emptied[0] ? null : set;
    });
    if (emptied[0]) {
      interest.changed(group);
    }
  }

  /**
   * A login of {@code user} is about to read its groups: the count of its membership changes seen here so far, to
   * compare with {@link #changesOf} once the list is read.
   */
  long loginStarts(String user) {
    return changes.computeIfAbsent(user, key -> new AtomicLong()).get();
  }

  /** Counts a membership change of {@code user} (only for users logged in or logging in here). */
  void userChanged(String user) {
    changes.computeIfPresent(user, (key, count) -> {
      count.incrementAndGet();
      return count;
    });
  }

  /** The count of {@code user}'s membership changes seen here so far. */
  long changesOf(String user) {
    AtomicLong count = changes.get(user);
    return count == null ? -1 : count.get();
  }

  /** Forgets the change count of a user with no connection here any more. */
  void forgetUser(String user) {
    changes.remove(user);
  }
}
