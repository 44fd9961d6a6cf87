package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.StoreService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The store's shard map as the persistence-nodes report it ({@link StoreService#SHARD_REPORT}), for the dashboard:
 * soft state like the {@link GatewayRegistry}. A node's report is dropped when the node leaves the cluster, or when
 * it is older than the expiry; {@link #toJson()} never shows an expired one, whether or not {@link #sweep()} ran.
 *
 * <p>Thread-safe: reports arrive on the consumer's context, the HTTP API reads on its own, and cluster leave events
 * on a Hazelcast thread.
 */
public final class StoreShards {

  /** A node's latest report and when it came (the registry's clock). */
  record Entry(StoreService.ShardReport report, long receivedAtMillis) {
  }

  private final long expiryMillis;
  private final LongSupplier clockMillis;
  /** By node id: a restarted node's reports replace those of its former self. */
  private final Map<String, Entry> nodes = new ConcurrentHashMap<>();

  /** @param clockMillis a monotonic clock in milliseconds (tests pass their own) */
  public StoreShards(long expiryMillis, LongSupplier clockMillis) {
    this.expiryMillis = expiryMillis;
    this.clockMillis = clockMillis;
  }

  /** A registry on {@link System#nanoTime()}. */
  public static StoreShards create(long expiryMillis) {
    return new StoreShards(expiryMillis, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
  }

  /**
   * Takes a persistence-node's report; a malformed one is ignored.
   *
   * @return the report taken, or null
   */
  public StoreService.ShardReport report(JsonObject json) {
    StoreService.ShardReport report;
    try {
      report = json == null ? null : StoreService.ShardReport.fromJson(json);
    } catch (BusContractException | ClassCastException e) {
      return null;
    }
    if (report == null || report.shards() < 1) {
      return null;
    }
    nodes.put(report.node(), new Entry(report, clockMillis.getAsLong()));
    return report;
  }

  /** Whether a live report of {@code node} is held. */
  public boolean knows(String node) {
    Entry entry = nodes.get(node);
    return entry != null && live(entry);
  }

  /**
   * Forgets a node that left the cluster; only its own reports (same member id), not those of a node that took its
   * name since.
   *
   * @return whether something was forgotten
   */
  public boolean remove(String node, String member) {
    Entry entry = nodes.get(node);
    return entry != null && entry.report().member().equals(member) && nodes.remove(node, entry);
  }

  /** Drops expired reports (reading skips them already: this only frees their memory). */
  public void sweep() {
    nodes.values().removeIf(entry -> !live(entry));
  }

  /**
   * {@code {"shards":n,"nodes":[...],"table":[...]}}: the store's shard count ({@code 0} when no node reports), per
   * persistence-node (by node id) its member id, databases, the shards it owns as compact ranges and their count and
   * queue total; per shard (index = shard) its owner's node id, epoch, queue depth, commits and commit time mean
   * and highest over the owner's last report interval, all null while no live report names an owner. When two
   * reports claim a shard (a hand-over between two reports), the higher epoch wins.
   */
  public JsonObject toJson() {
    List<StoreService.ShardReport> reports = new ArrayList<>();
    nodes.values().stream().filter(this::live).map(Entry::report)
        .sorted(Comparator.comparing(StoreService.ShardReport::node)).forEach(reports::add);
    int shards = reports.stream().mapToInt(StoreService.ShardReport::shards).max().orElse(0);
    Map<Integer, Owned> owners = new TreeMap<>();
    JsonArray described = new JsonArray();
    for (StoreService.ShardReport report : reports) {
      List<Integer> owned = new ArrayList<>();
      long queue = 0;
      for (StoreService.ShardStatus status : report.owned()) {
        if (status.shard() < 0 || status.shard() >= shards) {
          continue;
        }
        owned.add(status.shard());
        queue += status.queue();
        owners.merge(status.shard(), new Owned(report.node(), status),
            (a, b) -> b.status().epoch() > a.status().epoch() ? b : a);
      }
      described.add(new JsonObject().put("node", report.node()).put("member", report.member())
          .put("databases", new JsonArray(report.databases())).put("owned", ranges(owned))
          .put("count", owned.size()).put("queue", queue));
    }
    JsonArray table = new JsonArray();
    for (int shard = 0; shard < shards; shard++) {
      Owned owner = owners.get(shard);
      table.add(owner == null ? unowned(shard) : owner.toJson());
    }
    return new JsonObject().put("shards", shards).put("nodes", described).put("table", table);
  }

  /** Shard numbers as compact ranges, ascending: {@code 0-15, 32, 40-41}; empty for none. */
  static String ranges(List<Integer> shards) {
    List<Integer> sorted = new ArrayList<>(shards);
    sorted.sort(null);
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < sorted.size()) {
      int first = sorted.get(i);
      int last = first;
      while (i + 1 < sorted.size() && sorted.get(i + 1) <= last + 1) {
        last = sorted.get(++i);
      }
      text.append(text.length() == 0 ? "" : ", ").append(first);
      if (last != first) {
        text.append('-').append(last);
      }
      i++;
    }
    return text.toString();
  }

  private static JsonObject unowned(int shard) {
    return new JsonObject().put("shard", shard).putNull("node").putNull("epoch").putNull("queue").putNull("commits")
        .putNull("commitMillisMean").putNull("commitMillisMax");
  }

  private boolean live(Entry entry) {
    return clockMillis.getAsLong() - entry.receivedAtMillis() < expiryMillis;
  }

  /** A shard's owner as a report says. */
  private record Owned(String node, StoreService.ShardStatus status) {
    JsonObject toJson() {
      return status.toJson().put("node", node);
    }
  }
}
