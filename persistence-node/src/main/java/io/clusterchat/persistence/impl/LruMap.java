package io.clusterchat.persistence.impl;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that forgets its least recently used entry beyond a fixed size. Not thread-safe. */
final class LruMap<K, V> extends LinkedHashMap<K, V> {

  private static final float LOAD_FACTOR = 0.75f;
  private static final int INITIAL_CAPACITY = 1024;

  private final int maxEntries;

  LruMap(int maxEntries) {
    super(INITIAL_CAPACITY, LOAD_FACTOR, true);
    this.maxEntries = maxEntries;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > maxEntries;
  }
}
