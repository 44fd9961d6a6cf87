package io.clusterchat.cluster;

import java.util.Locale;

/**
 * The kinds of node. Only session-store and coordinator nodes hold cluster data (Hazelcast partitions, hence the
 * event-bus subscription maps and the session registry); every other role runs as a Hazelcast lite member, so
 * adding or removing one moves no data.
 */
public enum NodeRole {
  GATEWAY(false),
  AUTH_NODE(false),
  SESSION_STORE(true),
  PERSISTENCE_NODE(false),
  COORDINATOR(true);

  private final boolean dataMember;

  NodeRole(boolean dataMember) {
    this.dataMember = dataMember;
  }

  public boolean dataMember() {
    return dataMember;
  }

  /** The name used on the command line, in logs and in status replies: {@code session-store}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static NodeRole ofWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
