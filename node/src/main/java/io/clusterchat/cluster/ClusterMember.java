package io.clusterchat.cluster;

import com.hazelcast.cluster.Member;

/**
 * A node of the cluster as its Hazelcast member attributes describe it.
 *
 * @param memberId the Hazelcast member UUID (also the Vert.x cluster node id)
 * @param nodeId the clusterchat node id, e.g. {@code gw-bj-1}
 * @param role the node's role, or null for a member that is not a clusterchat node
 * @param region the region of a gateway, or null
 * @param address {@code host:port} of its Hazelcast endpoint
 * @param lite true for lite members (they hold no cluster data)
 */
public record ClusterMember(String memberId, String nodeId, NodeRole role, String region, String address,
                            boolean lite) {

  static final String ATTR_NODE_ID = "clusterchat.node-id";
  static final String ATTR_ROLE = "clusterchat.role";
  static final String ATTR_REGION = "clusterchat.region";

  static ClusterMember of(Member member) {
    String role = member.getAttribute(ATTR_ROLE);
    return new ClusterMember(
        member.getUuid().toString(),
        member.getAttribute(ATTR_NODE_ID),
        role == null ? null : NodeRole.ofWireName(role),
        member.getAttribute(ATTR_REGION),
        member.getAddress().getHost() + ":" + member.getAddress().getPort(),
        member.isLiteMember());
  }

  /** {@code gw-bj-1 (gateway, region bj)}. */
  public String describe() {
    return (nodeId == null ? memberId : nodeId) + " (" + (role == null ? "unknown role" : role.wireName())
        + (region == null ? "" : ", region " + region) + ")";
  }
}
