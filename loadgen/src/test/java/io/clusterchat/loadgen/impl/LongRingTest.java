package io.clusterchat.loadgen.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LongRingTest {

  @Test
  void keepsOrderAcrossGrowthAndWrapAround() {
    LongRing ring = new LongRing();
    long next = 0;
    long expected = 0;
    // Interleave adds and polls so the head wraps, and grow past the initial capacity several times.
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < round; i++) {
        ring.add(next++);
      }
      for (int i = 0; i < round / 2; i++) {
        assertThat(ring.poll(-1)).isEqualTo(expected++);
      }
    }
    while (ring.size() > 0) {
      assertThat(ring.poll(-1)).isEqualTo(expected++);
    }
    assertThat(expected).isEqualTo(next);
    assertThat(ring.poll(-7)).isEqualTo(-7);
  }
}
