package io.clusterchat.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.clusterchat.cluster.impl.CountProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Counters in fixed time windows shared by every node of the cluster, kept in the Hazelcast map {@link #MAP} on the
 * data members: a key's window opens with its first count and the key expires when it closes (the entry's
 * time-to-live). Every change is an entry processor on the key's partition, so counts from several nodes at once are
 * never lost. The map holds at most {@link ClusterNode#COUNTERS_MAX_ENTRIES_PER_MEMBER} keys per data member, the
 * least recently used going first, so no caller can grow it without bound.
 *
 * <p>Futures complete on the caller's context.
 */
public final class ClusterCounters {

  /** The Hazelcast map of every counter; configured in {@link ClusterNode#hazelcastConfig(ClusterOptions)}. */
  public static final String MAP = "clusterchat.counters";

  private final Vertx vertx;
  private final IMap<String, Integer> map;

  private ClusterCounters(Vertx vertx, IMap<String, Integer> map) {
    this.vertx = vertx;
    this.map = map;
  }

  /** The cluster's counters; getting the map's proxy may wait for the cluster, so it is got on a worker. */
  public static Future<ClusterCounters> create(Vertx vertx, HazelcastInstance hazelcast) {
    return vertx.executeBlocking(() -> new ClusterCounters(vertx, hazelcast.<String, Integer>getMap(MAP)));
  }

  /** The key's count in its current window; 0 when it has none. */
  public Future<Integer> count(String key) {
    return HazelcastFutures.onContext(vertx, map.getAsync(key)).map(count -> count == null ? 0 : count);
  }

  /** Counts one for {@code key}; a window of {@code windowMillis} opens with the first count. The new count. */
  public Future<Integer> add(String key, long windowMillis) {
    return HazelcastFutures.onContext(vertx, map.submitToKey(key, new CountProcessor(Integer.MAX_VALUE, windowMillis)));
  }

  /**
   * Counts one for {@code key} unless it has reached {@code limit} in its current window: true when counted. Atomic,
   * so callers on several nodes at once never get past the limit together.
   */
  public Future<Boolean> addBelow(String key, int limit, long windowMillis) {
    return HazelcastFutures.onContext(vertx, map.submitToKey(key, new CountProcessor(limit, windowMillis)))
        .map(count -> count != CountProcessor.AT_LIMIT);
  }

  /** Forgets the key's count. */
  public Future<Void> reset(String key) {
    return HazelcastFutures.onContext(vertx, map.removeAsync(key)).mapEmpty();
  }
}
