package io.clusterchat.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;

class BackoffTest {

  @RepeatedTest(20)
  void doublesWithJitterUpToTheMaximum() {
    Backoff backoff = new Backoff(500, 30_000);
    long step = 500;
    for (int attempt = 0; attempt < 10; attempt++) {
      assertThat(backoff.next()).isBetween(step / 2, step);
      step = Math.min(30_000, step * 2);
    }
    backoff.reset();
    assertThat(backoff.next()).isBetween(250L, 500L);
  }
}
