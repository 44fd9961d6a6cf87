package io.clusterchat.auth.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The failed-login policy: refuse the failing address, slow the targeted user, never lock the real user out. */
class LoginLimiterTest {

  private static final int USER_LIMIT = 5;
  private static final int CLIENT_LIMIT = 20;
  private static final long WINDOW = 60_000;
  private static final long NOW = 1_000_000;
  private static final int MAX_KEYS = 100;

  private final LoginLimiter limiter = new LoginLimiter(USER_LIMIT, WINDOW, CLIENT_LIMIT, WINDOW, MAX_KEYS);

  private void fail(String user, String client, int times) {
    for (int i = 0; i < times; i++) {
      limiter.failed(user, client, NOW);
    }
  }

  @Test
  void aGuessingAddressIsRefusedForThatUser() {
    fail("alice@bj", "10.0.0.1", USER_LIMIT - 1);
    assertThat(limiter.check("alice@bj", "10.0.0.1", NOW).refused()).isFalse();
    fail("alice@bj", "10.0.0.1", 1);
    assertThat(limiter.check("alice@bj", "10.0.0.1", NOW).refused()).isTrue();
    // Other users from that address are not refused yet: the address has failed 5 times, its limit is 20.
    assertThat(limiter.check("bob@bj", "10.0.0.1", NOW).refused()).isFalse();
  }

  /** Finding 4: five wrong guesses from one address must not stop the right password from another. */
  @Test
  void theRealUserFromAnotherAddressIsSlowedNeverRefused() {
    fail("alice@bj", "10.0.0.1", USER_LIMIT);
    LoginLimiter.Verdict elsewhere = limiter.check("alice@bj", "192.0.2.7", NOW);
    assertThat(elsewhere.refused()).isFalse();
    assertThat(elsewhere.delayMillis()).isEqualTo(LoginLimiter.FIRST_DELAY_MILLIS);
  }

  @Test
  void theDelayDoublesWithEachFailureUpToItsCeiling() {
    long previous = 0;
    for (int extra = 0; extra < 10; extra++) {
      fail("alice@bj", "10.0.1." + extra, extra == 0 ? USER_LIMIT : 1);
      long delay = limiter.check("alice@bj", "192.0.2.7", NOW).delayMillis();
      assertThat(delay).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(LoginLimiter.MAX_DELAY_MILLIS);
      previous = delay;
    }
    assertThat(previous).isEqualTo(LoginLimiter.MAX_DELAY_MILLIS);
  }

  @Test
  void anAddressFailingForManyUsersIsRefusedForEveryone() {
    for (int i = 0; i < CLIENT_LIMIT; i++) {
      fail("user" + i + "@bj", "10.0.0.1", 1);
    }
    assertThat(limiter.check("fresh@bj", "10.0.0.1", NOW).refused()).isTrue();
    assertThat(limiter.check("fresh@bj", "10.0.0.2", NOW).refused()).isFalse();
  }

  /** Finding 4: logins in progress and successes never count, so 50 users behind one address all get in. */
  @Test
  void successesNeverCountAgainstTheAddress() {
    for (int i = 0; i < 10 * CLIENT_LIMIT; i++) {
      assertThat(limiter.check("user" + i + "@bj", "10.0.0.1", NOW).refused()).isFalse();
      limiter.succeeded("user" + i + "@bj", "10.0.0.1");
    }
    assertThat(limiter.check("late@bj", "10.0.0.1", NOW)).isEqualTo(new LoginLimiter.Verdict(false, 0));
  }

  @Test
  void successForgetsTheUsersFailures() {
    fail("alice@bj", "10.0.0.1", USER_LIMIT);
    limiter.succeeded("alice@bj", "10.0.0.1");
    assertThat(limiter.check("alice@bj", "10.0.0.1", NOW)).isEqualTo(new LoginLimiter.Verdict(false, 0));
    assertThat(limiter.check("alice@bj", "192.0.2.7", NOW).delayMillis()).isZero();
  }

  @Test
  void forgetsFailuresWhenTheWindowEnds() {
    fail("alice@bj", "10.0.0.1", USER_LIMIT);
    assertThat(limiter.check("alice@bj", "10.0.0.1", NOW + WINDOW - 1).refused()).isTrue();
    assertThat(limiter.check("alice@bj", "10.0.0.1", NOW + WINDOW).refused()).isFalse();
  }

  @Test
  void memoryIsBounded() {
    for (int i = 0; i < 10 * MAX_KEYS; i++) {
      limiter.failed("user" + i + "@bj", "client-" + i, NOW);
    }
    assertThat(limiter.trackedUsers()).isLessThanOrEqualTo(MAX_KEYS);
    assertThat(limiter.trackedClients()).isLessThanOrEqualTo(MAX_KEYS);
  }
}
