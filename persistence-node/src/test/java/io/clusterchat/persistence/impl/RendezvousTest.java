package io.clusterchat.persistence.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Shard placement by rendezvous hashing: every node computes the same owner from the same member list, whatever its
 * order; a node that joins takes shards only for itself and a node that leaves gives up only its own (no shard
 * moves between two nodes that both stay); and the shards spread over the nodes.
 */
class RendezvousTest {

  private static final int SHARDS = 64;

  private static List<String> members(int count, long seed) {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      members.add(new UUID(seed, i).toString());
    }
    return members;
  }

  private static Map<Integer, String> placement(List<String> members) {
    Map<Integer, String> owners = new HashMap<>();
    for (int shard = 0; shard < SHARDS; shard++) {
      owners.put(shard, ShardKeeper.Rendezvous.choose(shard, members));
    }
    return owners;
  }

  @Test
  void theOrderOfTheMemberListDoesNotMatter() {
    List<String> members = members(3, 1);
    List<String> reversed = new ArrayList<>(members);
    java.util.Collections.reverse(reversed);
    assertThat(placement(reversed)).isEqualTo(placement(members));
  }

  @Test
  void aJoiningNodeTakesShardsOnlyForItselfAndALeavingOneGivesUpOnlyItsOwn() {
    for (long seed = 1; seed <= 20; seed++) {
      List<String> three = members(3, seed);
      List<String> four = members(4, seed);
      String joined = four.get(3);
      Map<Integer, String> before = placement(three);
      Map<Integer, String> after = placement(four);
      for (int shard = 0; shard < SHARDS; shard++) {
        if (!after.get(shard).equals(before.get(shard))) {
          assertThat(after.get(shard)).as("shard %d moved to a node that was there already", shard)
              .isEqualTo(joined);
        }
      }
      assertThat(after).containsValue(joined);
      // And back: the node leaves, its shards go, no other shard moves.
      assertThat(placement(three)).isEqualTo(before);
    }
  }

  @Test
  void shardsSpreadOverTheNodes() {
    for (int nodes = 2; nodes <= 4; nodes++) {
      for (long seed = 1; seed <= 20; seed++) {
        Map<String, Integer> counts = new HashMap<>();
        placement(members(nodes, seed)).values().forEach(owner -> counts.merge(owner, 1, Integer::sum));
        assertThat(counts).hasSize(nodes);
        // A fair share is 64 / nodes; hashing gives each at least a third of it.
        int floor = SHARDS / nodes / 3;
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isGreaterThan(floor));
      }
    }
  }

  @Test
  void noCandidateNoOwner() {
    assertThat(ShardKeeper.Rendezvous.choose(7, List.of())).isNull();
  }
}
