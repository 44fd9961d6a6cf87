package io.clusterchat.cluster.impl;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Adds one to a counter unless it has reached its limit, atomically on the key's partition. The first count sets
 * the entry's time-to-live to the window, later counts leave it, so the window is fixed from the first count.
 * Deterministic, so Hazelcast runs the same processor on the backup.
 */
public final class CountProcessor implements EntryProcessor<String, Integer, Integer> {

  /** The result when the counter was at its limit and nothing was added. */
  public static final int AT_LIMIT = -1;

  private static final long serialVersionUID = 1L;

  private final int limit;
  private final long windowMillis;

  public CountProcessor(int limit, long windowMillis) {
    this.limit = limit;
    this.windowMillis = windowMillis;
  }

  @Override
  public Integer process(Map.Entry<String, Integer> entry) {
    ExtendedMapEntry<String, Integer> counter = (ExtendedMapEntry<String, Integer>) entry;
    Integer current = counter.getValue();
    if (current == null) {
      counter.setValue(1, windowMillis, TimeUnit.MILLISECONDS);
      return 1;
    }
    if (current >= limit) {
      return AT_LIMIT;
    }
    counter.setValueWithoutChangingExpiryTime(current + 1);
    return current + 1;
  }
}
