package io.clusterchat.persistence.impl;

import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterView;
import io.clusterchat.cluster.NodeRole;
import java.util.List;
import java.util.UUID;

/**
 * The persistence-nodes this node can hand shards to, as its cluster membership shows them. Without a cluster
 * (a single node on a local Vert.x, as in tests and the store benchmark) the node is alone.
 */
public interface StorePeers {

  /**
   * This node's cluster member id as it started: the owner recorded in the leases it takes and its append address.
   * It stays the same for the node's life, also when Hazelcast gives the member a new id as it merges back after a
   * split.
   */
  String self();

  /** This node's name (its node id, else its member id): its key in the shards' placement, and for the dashboard. */
  String selfName();

  /**
   * The names ({@link #selfName}) of the persistence-nodes in this node's view of the cluster, itself included: the
   * placement's candidates. Names, not member ids: a member that merged back after a split has a new member id in
   * every view but its own leases, so placing by member ids, two nodes would each hand a shard to the other.
   */
  List<String> persistenceNodes();

  /** Whether this node sees a data member: a node that sees none is cut off and must not hold shards. */
  boolean seesDataMember();

  /** The peers of a node of a Hazelcast cluster. */
  static StorePeers of(ClusterView view) {
    ClusterMember local = view.local();
    return new StorePeers() {
      @Override
      public String self() {
        return local.memberId();
      }

      @Override
      public String selfName() {
        return local.nodeId() == null ? local.memberId() : local.nodeId();
      }

      @Override
      public List<String> persistenceNodes() {
        return view.members().stream().filter(member -> member.role() == NodeRole.PERSISTENCE_NODE)
            .map(member -> member.nodeId() == null ? member.memberId() : member.nodeId()).toList();
      }

      @Override
      public boolean seesDataMember() {
        return view.seesDataMember();
      }
    };
  }

  /** A node without a cluster: alone, always owning what no one else holds. */
  static StorePeers alone() {
    String self = UUID.randomUUID().toString();
    return new StorePeers() {
      @Override
      public String self() {
        return self;
      }

      @Override
      public String selfName() {
        return "persistence-node";
      }

      @Override
      public List<String> persistenceNodes() {
        return List.of(selfName());
      }

      @Override
      public boolean seesDataMember() {
        return true;
      }
    };
  }
}
