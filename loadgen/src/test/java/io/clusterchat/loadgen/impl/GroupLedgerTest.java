package io.clusterchat.loadgen.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroupLedgerTest {

  @Test
  void aMemberThatSawEveryMessageHasNoGaps() {
    GroupLedger ledger = new GroupLedger(1);
    GroupLedger.Seen reader = new GroupLedger.Seen(3, -1);
    for (long seq = 4; seq <= 9; seq++) {
      ledger.attribute(0, seq);
      assertThat(reader.record(seq)).isTrue();
    }
    assertThat(ledger.gaps(reader)).isZero();
    assertThat(reader.duplicates()).isZero();
    assertThat(ledger.messagesSeen()).isEqualTo(6);
  }

  @Test
  void missedAndRepeatedSeqsAreCounted() {
    GroupLedger ledger = new GroupLedger(1);
    GroupLedger.Seen reader = new GroupLedger.Seen(0, -1);
    for (long seq = 1; seq <= 5; seq++) {
      ledger.attribute(0, seq);
    }
    reader.record(1);
    reader.record(2);
    reader.record(2);
    reader.record(5);
    assertThat(ledger.gaps(reader)).isEqualTo(2);
    assertThat(reader.duplicates()).isEqualTo(1);
    assertThat(reader.count()).isEqualTo(3);
  }

  @Test
  void aSenderIsNotChargedForItsOwnMessages() {
    GroupLedger ledger = new GroupLedger(2);
    GroupLedger.Seen sender0 = new GroupLedger.Seen(0, 0);
    // Seqs 1 and 3 are sender 0's (others saw them), 2 and 4 sender 1's: sender 0 sees only 2 and 4.
    ledger.attribute(0, 1);
    ledger.attribute(1, 2);
    ledger.attribute(0, 3);
    ledger.attribute(1, 4);
    sender0.record(2);
    sender0.record(4);
    assertThat(ledger.gaps(sender0)).isZero();
    // Sender 1, having seen nothing, misses sender 0's two but not its own.
    assertThat(ledger.gaps(new GroupLedger.Seen(0, 1))).isEqualTo(2);
  }

  @Test
  void theLogBeforeJoiningIsNotExpected() {
    GroupLedger ledger = new GroupLedger(1);
    for (long seq = 1; seq <= 10; seq++) {
      ledger.attribute(0, seq);
    }
    GroupLedger.Seen late = new GroupLedger.Seen(8, -1);
    late.record(9);
    late.record(10);
    assertThat(ledger.gaps(late)).isZero();
  }

  @Test
  void shardsAreMergedBeforeCounting() {
    GroupLedger shardA = new GroupLedger(1);
    GroupLedger shardB = new GroupLedger(1);
    shardA.attribute(0, 1);
    shardB.attribute(0, 2);
    GroupLedger.Seen onA = new GroupLedger.Seen(0, -1);
    onA.record(1);
    assertThat(shardA.gaps(onA)).isZero();
    shardA.merge(shardB);
    assertThat(shardA.gaps(onA)).isEqualTo(1);
    assertThat(shardA.messagesSeen()).isEqualTo(2);
  }
}
