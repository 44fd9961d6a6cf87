package io.clusterchat.loadgen.impl;

import java.util.Arrays;

/**
 * A growable FIFO of primitive longs: the send times of a connection's requests in flight, matched to replies in
 * order (PROTOCOL.md answers requests in order; so do echo servers). Confined to one event loop.
 */
public final class LongRing {

  private static final int INITIAL_CAPACITY = 16;

  private long[] items = new long[INITIAL_CAPACITY];
  private int head;
  private int size;

  public void add(long value) {
    if (size == items.length) {
      long[] grown = Arrays.copyOf(toArray(), items.length * 2);
      items = grown;
      head = 0;
    }
    items[(head + size) % items.length] = value;
    size++;
  }

  /** Removes and returns the oldest value; {@code fallback} when empty. */
  public long poll(long fallback) {
    if (size == 0) {
      return fallback;
    }
    long value = items[head];
    head = (head + 1) % items.length;
    size--;
    return value;
  }

  public int size() {
    return size;
  }

  private long[] toArray() {
    long[] ordered = new long[size];
    for (int i = 0; i < size; i++) {
      ordered[i] = items[(head + i) % items.length];
    }
    return ordered;
  }
}
