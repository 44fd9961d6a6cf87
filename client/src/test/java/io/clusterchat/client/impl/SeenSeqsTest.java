package io.clusterchat.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenSeqsTest {

  @Test
  void eachSeqIsNewOnce() {
    SeenSeqs seen = new SeenSeqs();
    assertThat(seen.add(1)).isTrue();
    assertThat(seen.add(1)).isFalse();
    assertThat(seen.floor()).isEqualTo(1);
  }

  @Test
  void outOfOrderSeqsFillTheGap() {
    SeenSeqs seen = new SeenSeqs();
    assertThat(seen.add(3)).isTrue();
    assertThat(seen.floor()).isZero();
    assertThat(seen.highest()).isEqualTo(3);
    assertThat(seen.add(1)).isTrue();
    assertThat(seen.floor()).isEqualTo(1);
    assertThat(seen.add(2)).isTrue();
    assertThat(seen.floor()).isEqualTo(3);
    assertThat(seen.add(3)).isFalse();
  }

  @Test
  void raisedFloorCountsAsSeen() {
    SeenSeqs seen = new SeenSeqs();
    seen.add(7);
    seen.raiseFloor(5);
    assertThat(seen.add(4)).isFalse();
    assertThat(seen.add(6)).isTrue();
    assertThat(seen.floor()).isEqualTo(7);
  }

  @Test
  void memoryStaysBoundedAcrossAGapThatNeverFills() {
    SeenSeqs seen = new SeenSeqs();
    for (long seq = 2; seq < 10_000; seq++) {
      seen.add(seq);
    }
    assertThat(seen.floor()).isEqualTo(9_999);
  }
}
