package io.clusterchat.coordinator.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.bus.StoreService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's shard map from persistence-node reports, on a clock the test moves. */
class StoreShardsTest {

  private static final long EXPIRY = 5_000;
  private static final int SHARDS = 8;

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final StoreShards shards = new StoreShards(EXPIRY, now::get);

  @Test
  void showsEachNodesShardsAsRangesAndEveryShardsOwner() {
    shards.report(report("persistence-1", "m1", 1, 0, 1, 2, 5));
    shards.report(report("persistence-2", "m2", 3, 3, 4, 6, 7));

    JsonObject map = shards.toJson();
    assertThat(map.getInteger("shards")).isEqualTo(SHARDS);
    JsonObject first = map.getJsonArray("nodes").getJsonObject(0);
    assertThat(first.getString("node")).isEqualTo("persistence-1");
    assertThat(first.getString("owned")).isEqualTo("0-2, 5");
    assertThat(first.getInteger("count")).isEqualTo(4);
    assertThat(first.getJsonArray("databases")).containsExactly("h2 [0-7]");
    assertThat(map.getJsonArray("nodes").getJsonObject(1).getString("owned")).isEqualTo("3-4, 6-7");
    JsonArray table = map.getJsonArray("table");
    assertThat(table).hasSize(SHARDS);
    JsonObject six = table.getJsonObject(6);
    assertThat(six.getInteger("shard")).isEqualTo(6);
    assertThat(six.getString("node")).isEqualTo("persistence-2");
    assertThat(six.getLong("epoch")).isEqualTo(3);
    assertThat(six.getLong("queue")).isEqualTo(6);
    assertThat(six.getDouble("commitMillisMean")).isEqualTo(1.5);
    assertThat(six.getDouble("commitMillisMax")).isEqualTo(4.0);
  }

  @Test
  void aShardClaimedTwiceShowsTheHigherEpoch() {
    shards.report(report("persistence-1", "m1", 1, 0, 1));
    shards.report(report("persistence-2", "m2", 2, 1));

    JsonArray table = shards.toJson().getJsonArray("table");
    assertThat(table.getJsonObject(0).getString("node")).isEqualTo("persistence-1");
    assertThat(table.getJsonObject(1).getString("node")).isEqualTo("persistence-2");
    assertThat(table.getJsonObject(2).getValue("node")).isNull();
    assertThat(table.getJsonObject(2).getValue("epoch")).isNull();
  }

  @Test
  void aSilentNodeExpiresAndALeftNodeGoesAtOnce() {
    shards.report(report("persistence-1", "m1", 1, 0, 1, 2, 3));
    shards.report(report("persistence-2", "m2", 1, 4, 5, 6, 7));
    now.addAndGet(EXPIRY - 1);
    shards.report(report("persistence-2", "m2", 1, 4, 5, 6, 7));
    assertThat(nodes()).containsExactly("persistence-1", "persistence-2");
    now.addAndGet(1);
    assertThat(nodes()).containsExactly("persistence-2");
    assertThat(shards.toJson().getJsonArray("table").getJsonObject(0).getValue("node")).isNull();

    assertThat(shards.remove("persistence-2", "an-older-member")).as("not its former self's leave").isFalse();
    assertThat(shards.remove("persistence-2", "m2")).isTrue();
    assertThat(nodes()).isEmpty();
    assertThat(shards.toJson().getInteger("shards")).isZero();
    assertThat(shards.toJson().getJsonArray("table")).isEmpty();
  }

  @Test
  void malformedReportsAreIgnored() {
    assertThat(shards.report(new JsonObject())).isNull();
    assertThat(shards.report(report("persistence-1", "m1", 1, 0).put("shards", 0))).isNull();
    assertThat(shards.report(report("persistence-1", "m1", 1, 0).put("owned", "x"))).isNull();
    assertThat(shards.report(report("persistence-1", "m1", 1, 0).put("databases", 3))).isNull();
    assertThat(nodes()).isEmpty();
  }

  @Test
  void rangesAreCompact() {
    assertThat(StoreShards.ranges(List.of())).isEmpty();
    assertThat(StoreShards.ranges(List.of(7))).isEqualTo("7");
    assertThat(StoreShards.ranges(List.of(9, 0, 1, 2, 3, 10, 63))).isEqualTo("0-3, 9-10, 63");
  }

  private List<String> nodes() {
    List<String> names = new ArrayList<>();
    shards.toJson().getJsonArray("nodes").forEach(n -> names.add(((JsonObject) n).getString("node")));
    return names;
  }

  /** A report of {@code node} owning {@code owned} at {@code epoch}; shard s has queue s and 1.5 / 4 ms commits. */
  private static JsonObject report(String node, String member, long epoch, int... owned) {
    List<StoreService.ShardStatus> statuses = new ArrayList<>();
    for (int shard : owned) {
      statuses.add(new StoreService.ShardStatus(shard, epoch, shard, 10, 1.5, 4.0));
    }
    return new StoreService.ShardReport(node, member, SHARDS, List.of("h2 [0-7]"), statuses).toJson();
  }
}
