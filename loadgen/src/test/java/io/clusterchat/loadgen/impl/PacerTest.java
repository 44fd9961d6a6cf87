package io.clusterchat.loadgen.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacerTest {

  private static final long START = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  @Test
  void theFirstSendIsDueAtTheStart() {
    Pacer pacer = new Pacer(1000, START);
    assertThat(pacer.due(START - 1)).isZero();
    assertThat(pacer.due(START)).isEqualTo(1);
    assertThat(pacer.next()).isEqualTo(START);
    assertThat(pacer.due(START)).isZero();
  }

  @Test
  void sendsFallDueAtTheRateWhateverWasTakenLate() {
    Pacer pacer = new Pacer(1000, START);
    // 10 ms late: 11 sends are due at once, each with its own intended time.
    assertThat(pacer.due(START + 10 * MILLI)).isEqualTo(11);
    for (int k = 0; k <= 10; k++) {
      assertThat(pacer.next()).isEqualTo(START + k * MILLI);
    }
    assertThat(pacer.due(START + 10 * MILLI)).isZero();
    assertThat(pacer.due(START + 11 * MILLI)).isEqualTo(1);
    assertThat(pacer.issued()).isEqualTo(11);
  }

  @Test
  void fractionalRatesKeepTheirAverage() {
    Pacer pacer = new Pacer(2.5, START);
    // 2.5 a second: sends at 0, 0.4, 0.8, 1.2, ... s; ten seconds hold 25 (the 26th is due at 10 s).
    assertThat(pacer.due(START + 10_000 * MILLI - 1)).isEqualTo(25);
  }

  @Test
  void refusesARateThatIsNotPositive() {
    assertThatThrownBy(() -> new Pacer(0, START)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Pacer(Double.NaN, START)).isInstanceOf(IllegalArgumentException.class);
  }
}
