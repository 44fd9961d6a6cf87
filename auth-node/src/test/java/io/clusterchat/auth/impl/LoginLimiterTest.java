package io.clusterchat.auth.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginLimiterTest {

  private static final int USER_LIMIT = 3;
  private static final int CLIENT_LIMIT = 5;
  private static final long WINDOW = 60_000;
  private static final int MAX_KEYS = 100;
  private static final long NOW = 1_000_000;

  private final LoginLimiter limiter = new LoginLimiter(USER_LIMIT, WINDOW, CLIENT_LIMIT, WINDOW, MAX_KEYS);

  @Test
  void refusesAUserAtItsLimitFromAnyClient() {
    for (int i = 0; i < USER_LIMIT; i++) {
      assertThat(limiter.tryAcquire("alice@bj", "10.0.0." + i, NOW)).isTrue();
    }

    assertThat(limiter.tryAcquire("alice@bj", "10.0.0.99", NOW)).isFalse();
    assertThat(limiter.tryAcquire("bob@bj", "10.0.0.99", NOW)).isTrue();
  }

  @Test
  void refusesAClientAtItsLimitWhateverTheUser() {
    for (int i = 0; i < CLIENT_LIMIT; i++) {
      assertThat(limiter.tryAcquire("user" + i + "@bj", "10.0.0.1", NOW)).isTrue();
    }

    assertThat(limiter.tryAcquire("fresh@bj", "10.0.0.1", NOW)).isFalse();
    assertThat(limiter.tryAcquire("fresh@bj", "10.0.0.2", NOW)).isTrue();
  }

  @Test
  void aRefusedAttemptDoesNotCount() {
    for (int i = 0; i < USER_LIMIT; i++) {
      limiter.tryAcquire("alice@bj", "10.0.0.1", NOW);
    }
    for (int i = 0; i < 10; i++) {
      limiter.tryAcquire("alice@bj", "10.0.0.1", NOW);
    }

    // Only the USER_LIMIT attempts that went ahead count against the client.
    for (int i = USER_LIMIT; i < CLIENT_LIMIT; i++) {
      assertThat(limiter.tryAcquire("other" + i + "@bj", "10.0.0.1", NOW)).isTrue();
    }
  }

  @Test
  void successResetsTheUserAndGivesTheClientItsAttemptBack() {
    for (int i = 0; i < USER_LIMIT - 1; i++) {
      limiter.tryAcquire("alice@bj", "10.0.0.1", NOW);
    }
    assertThat(limiter.tryAcquire("alice@bj", "10.0.0.1", NOW)).isTrue();
    limiter.succeeded("alice@bj", "10.0.0.1", NOW);

    for (int i = 0; i < USER_LIMIT; i++) {
      assertThat(limiter.tryAcquire("alice@bj", "10.0.0.2", NOW)).isTrue();
    }
    // The client made USER_LIMIT - 1 failed attempts, and the successful one was given back.
    for (int i = USER_LIMIT - 1; i < CLIENT_LIMIT; i++) {
      assertThat(limiter.tryAcquire("u" + i + "@bj", "10.0.0.1", NOW)).isTrue();
    }
    assertThat(limiter.tryAcquire("late@bj", "10.0.0.1", NOW)).isFalse();
  }

  @Test
  void abandonedAttemptsCountAgainstNobody() {
    for (int i = 0; i < 2 * CLIENT_LIMIT; i++) {
      assertThat(limiter.tryAcquire("alice@bj", "10.0.0.1", NOW)).isTrue();
      limiter.abandoned("alice@bj", "10.0.0.1", NOW);
    }

    assertThat(limiter.trackedUsers()).isZero();
    assertThat(limiter.trackedClients()).isZero();
  }

  @Test
  void forgetsFailuresWhenTheWindowEnds() {
    for (int i = 0; i < USER_LIMIT; i++) {
      limiter.tryAcquire("alice@bj", "10.0.0.1", NOW);
    }
    assertThat(limiter.tryAcquire("alice@bj", "10.0.0.1", NOW + WINDOW - 1)).isFalse();

    assertThat(limiter.tryAcquire("alice@bj", "10.0.0.1", NOW + WINDOW)).isTrue();
  }

  @Test
  void memoryIsBounded() {
    for (int i = 0; i < 100 * MAX_KEYS; i++) {
      limiter.tryAcquire("user" + i + "@bj", "client-" + i, NOW);
    }

    assertThat(limiter.trackedUsers()).isEqualTo(MAX_KEYS);
    assertThat(limiter.trackedClients()).isEqualTo(MAX_KEYS);
  }

  @Test
  void aKeyUnderAttackStaysWhileOthersAreEvicted() {
    for (int i = 0; i < 10 * MAX_KEYS; i++) {
      if (i % (MAX_KEYS / 2) == 0) {
        limiter.tryAcquire("alice@bj", "10.0.0." + i, NOW);
      } else {
        limiter.tryAcquire("user" + i + "@bj", "10.0.1." + i, NOW);
      }
    }

    assertThat(limiter.tryAcquire("alice@bj", "10.9.9.9", NOW)).isFalse();
  }
}
