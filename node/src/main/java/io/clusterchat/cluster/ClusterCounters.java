package io.clusterchat.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.clusterchat.cluster.impl.CountProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

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

  /**
   * The longest a counter call may take: Hazelcast would retry an operation on a partition without an owner for up
   * to two minutes, and a login or registration must not wait for that; its caller answers 503 instead.
   */
  public static final long TIMEOUT_MILLIS = 2_000;

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
    return bounded(map.getAsync(key)).map(count -> count == null ? 0 : count);
  }

  /** Counts one for {@code key}; a window of {@code windowMillis} opens with the first count. The new count. */
  public Future<Integer> add(String key, long windowMillis) {
    return bounded(map.submitToKey(key, new CountProcessor(Integer.MAX_VALUE, windowMillis)));
  }

  /**
   * Counts one for {@code key} unless it has reached {@code limit} in its current window: true when counted. Atomic,
   * so callers on several nodes at once never get past the limit together.
   */
  public Future<Boolean> addBelow(String key, int limit, long windowMillis) {
    return bounded(map.submitToKey(key, new CountProcessor(limit, windowMillis)))
        .map(count -> count != CountProcessor.AT_LIMIT);
  }

  /** Forgets the key's count. */
  public Future<Void> reset(String key) {
    return bounded(map.removeAsync(key)).mapEmpty();
  }

  private <T> Future<T> bounded(CompletionStage<T> stage) {
    return HazelcastFutures.onContext(vertx, stage).timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }
}
