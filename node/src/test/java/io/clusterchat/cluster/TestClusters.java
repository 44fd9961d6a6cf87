package io.clusterchat.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;

/**
 * Real Hazelcast clusters for tests: pinned to 127.0.0.1, a random cluster name per run (so runs never join each
 * other or a local cluster), free ports, TCP/IP join through the first node only.
 */
public final class TestClusters {

  public static final String HOST = "127.0.0.1";

  private final String clusterName = "test-" + UUID.randomUUID().toString().substring(0, 8);
  private final int seedPort = freePort();

  /** Options for a node of this cluster; the first node started should be a data member on the seed port. */
  public ClusterOptions node(String nodeId, NodeRole role, String region, boolean seed) {
    return new ClusterOptions()
        .setNodeId(nodeId)
        .setRole(role)
        .setRegion(region)
        .setClusterName(clusterName)
        .setHost(HOST)
        .setPort(seed ? seedPort : freePort())
        .setMembers(List.of(HOST + ":" + seedPort));
  }

  public String clusterName() {
    return clusterName;
  }

  /** A TCP port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
