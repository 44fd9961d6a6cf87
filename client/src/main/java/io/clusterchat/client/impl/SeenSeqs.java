package io.clusterchat.client.impl;

import java.util.TreeSet;

/**
 * The inbox seqs the client has already handed to the application, so that none is reported twice. Seqs have no
 * gaps, so "everything up to {@link #floor()}" plus the few seen above it describes the set in bounded memory;
 * pushes can arrive out of order (they come from different senders' gateways), hence the set.
 */
final class SeenSeqs {

  /** Past this many seqs held above the floor, the floor jumps up (the gaps below are given up as seen). */
  private static final int MAX_ABOVE_FLOOR = 4096;

  private long floor;
  private final TreeSet<Long> above = new TreeSet<>();

  /** Every seq up to this one has been seen; the reconnect SYNC starts after it. */
  long floor() {
    return floor;
  }

  /** The highest seq seen. */
  long highest() {
    return above.isEmpty() ? floor : above.last();
  }

  /** Records {@code seq}; true if it was not seen before. */
  boolean add(long seq) {
    if (seq <= floor || !above.add(seq)) {
      return false;
    }
    compact();
    if (above.size() > MAX_ABOVE_FLOOR) {
      raiseFloor(above.first());
    }
    return true;
  }

  /** Takes everything up to {@code seq} as seen (e.g. the acked cursor at login). */
  void raiseFloor(long seq) {
    if (seq > floor) {
      floor = seq;
      above.headSet(seq, true).clear();
      compact();
    }
  }

  void clear() {
    floor = 0;
    above.clear();
  }

  private void compact() {
    while (!above.isEmpty() && above.first() == floor + 1) {
      floor = above.pollFirst();
    }
  }
}
