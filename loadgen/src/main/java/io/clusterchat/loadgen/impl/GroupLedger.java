package io.clusterchat.loadgen.impl;

import java.util.BitSet;

/**
 * The group mode's account of one group's log as its members saw it: which message seqs reached each member
 * ({@link Seen}), and which sender's messages got which seqs (so that a sender is not charged for its own
 * messages, which the server never pushes back to the session that sent them). Membership changes (GEVENT) are
 * left out: only messages are checked.
 *
 * <p>A member must see every message seq after its join exactly once. The seqs of the group's messages are taken
 * from what any member saw: a message no member saw at all shows as {@link #messagesSeen()} falling short of the
 * messages acknowledged. Not thread-safe: one ledger per group per shard, merged once the run is over.
 */
public final class GroupLedger {

  private final BitSet[] bySender;

  /** A ledger for a group with {@code senders} sender slots (0 .. senders - 1). */
  public GroupLedger(int senders) {
    this.bySender = new BitSet[senders];
    for (int slot = 0; slot < senders; slot++) {
      bySender[slot] = new BitSet();
    }
  }

  /** Notes that message {@code seq} came from sender slot {@code slot} (an unknown slot is ignored). */
  public void attribute(int slot, long seq) {
    if (slot >= 0 && slot < bySender.length) {
      bySender[slot].set(index(seq));
    }
  }

  /** Adds what {@code other} (the same group's ledger of another shard) saw. */
  public void merge(GroupLedger other) {
    for (int slot = 0; slot < bySender.length; slot++) {
      bySender[slot].or(other.bySender[slot]);
    }
  }

  /** How many distinct message seqs any member saw. */
  public int messagesSeen() {
    return all().cardinality();
  }

  /**
   * The message seqs {@code member} should have seen and did not: every message any member saw, after the member
   * joined, other than its own.
   */
  public int gaps(Seen member) {
    BitSet expected = all();
    if (member.ownSlot >= 0 && member.ownSlot < bySender.length) {
      expected.andNot(bySender[member.ownSlot]);
    }
    expected.clear(0, index(member.joinedAt) + 1);
    expected.andNot(member.seqs);
    return expected.cardinality();
  }

  private BitSet all() {
    BitSet all = new BitSet();
    for (BitSet slot : bySender) {
      all.or(slot);
    }
    return all;
  }

  private static int index(long seq) {
    if (seq < 0 || seq >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("seq out of the ledger's range: " + seq);
    }
    return (int) seq;
  }

  /** What one member saw of a group: each message seq once, and how many came again. One shard only. */
  public static final class Seen {

    private final BitSet seqs = new BitSet();
    private final long joinedAt;
    private final int ownSlot;
    private long duplicates;

    /**
     * @param joinedAt the group's latest seq when the member joined (from {@code OK JOIN}); 0 for its creator
     * @param ownSlot the member's sender slot, or -1 when it does not send
     */
    public Seen(long joinedAt, int ownSlot) {
      this.joinedAt = joinedAt;
      this.ownSlot = ownSlot;
    }

    /** Records message {@code seq}; false (and counted) when it came before. */
    public boolean record(long seq) {
      int at = index(seq);
      if (seqs.get(at)) {
        duplicates++;
        return false;
      }
      seqs.set(at);
      return true;
    }

    public long duplicates() {
      return duplicates;
    }

    /** Distinct message seqs seen. */
    public int count() {
      return seqs.cardinality();
    }
  }
}
