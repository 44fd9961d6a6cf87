package io.clusterchat.cluster;

import java.util.Locale;

/** How a node finds its peers: a TCP/IP member list, or Hazelcast's Kubernetes discovery. Never multicast. */
public enum ClusterJoin {
  /** The seed members of {@link ClusterOptions#getMembers()}, {@code host[:port]}. */
  TCP,
  /**
   * Hazelcast's Kubernetes discovery (built into Hazelcast 5) in DNS lookup mode: the addresses of a headless
   * Service, {@link ClusterOptions#getKubernetesServiceDns()}. Needs no access to the Kubernetes API.
   */
  KUBERNETES;

  /** The name in flags and config files: {@code tcp}, {@code kubernetes}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The join named {@code name} (case-insensitive). */
  public static ClusterJoin fromWireName(String name) {
    for (ClusterJoin join : values()) {
      if (join.wireName().equalsIgnoreCase(name)) {
        return join;
      }
    }
    throw new IllegalArgumentException("cluster join must be tcp or kubernetes, was '" + name + "'");
  }
}
