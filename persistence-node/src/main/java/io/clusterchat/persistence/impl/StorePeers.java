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

  /** This node's cluster member id: the owner recorded in the leases it takes. */
  String self();

  /** This node's name, for the dashboard. */
  String selfName();

  /** The member ids of the persistence-nodes in this node's view of the cluster, itself included. */
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
            .map(ClusterMember::memberId).toList();
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
        return List.of(self);
      }

      @Override
      public boolean seesDataMember() {
        return true;
      }
    };
  }
}
