package io.clusterchat.auth.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.clusterchat.cluster.ClusterCounters;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.cluster.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The failed-login policy: refuse the failing address, slow the targeted user, never lock the real user out; on
 * the cluster's counters in a real Hazelcast member.
 */
class LoginLimiterTest {

  private static final int USER_LIMIT = 5;
  private static final int CLIENT_LIMIT = 20;
  private static final int REGISTER_LIMIT = 3;
  private static final long WINDOW = 60_000;
  private static final long SHORT_WINDOW = 2_000;
  private static final long AWAIT_SECONDS = 10;

  private static HazelcastInstance hazelcast;
  private static Vertx vertx;
  private LoginLimiter limiter;

  @BeforeAll
  static void startHazelcast() {
    hazelcast = Hazelcast.newHazelcastInstance(ClusterNode.hazelcastConfig(
        new TestClusters().node("counters-1", NodeRole.SESSION_STORE, null, true)));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopHazelcast() throws Exception {
    await(vertx.close());
    hazelcast.shutdown();
  }

  @BeforeEach
  void freshCounters() throws Exception {
    hazelcast.getMap(ClusterCounters.MAP).clear();
    limiter = limiter(WINDOW);
  }

  private static LoginLimiter limiter(long window) throws Exception {
    return new LoginLimiter(await(ClusterCounters.create(vertx, hazelcast)),
        new LoginLimiter.Policy(USER_LIMIT, window, CLIENT_LIMIT, window, REGISTER_LIMIT, window));
  }

  private void fail(String user, String client, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      await(limiter.failed(user, client));
    }
  }

  private LoginLimiter.Verdict check(String user, String client) throws Exception {
    return await(limiter.check(user, client));
  }

  @Test
  void aGuessingAddressIsRefusedForThatUser() throws Exception {
    fail("alice@bj", "10.0.0.1", USER_LIMIT - 1);
    assertThat(check("alice@bj", "10.0.0.1").refused()).isFalse();
    fail("alice@bj", "10.0.0.1", 1);
    assertThat(check("alice@bj", "10.0.0.1").refused()).isTrue();
    // Other users from that address are not refused yet: the address has failed 5 times, its limit is 20.
    assertThat(check("bob@bj", "10.0.0.1").refused()).isFalse();
  }

  /** Finding 4: five wrong guesses from one address must not stop the right password from another. */
  @Test
  void theRealUserFromAnotherAddressIsSlowedNeverRefused() throws Exception {
    fail("alice@bj", "10.0.0.1", USER_LIMIT);
    LoginLimiter.Verdict elsewhere = check("alice@bj", "192.0.2.7");
    assertThat(elsewhere.refused()).isFalse();
    assertThat(elsewhere.delayMillis()).isEqualTo(LoginLimiter.FIRST_DELAY_MILLIS);
  }

  @Test
  void theDelayDoublesWithEachFailureUpToItsCeiling() throws Exception {
    long previous = 0;
    for (int extra = 0; extra < 10; extra++) {
      fail("alice@bj", "10.0.1." + extra, extra == 0 ? USER_LIMIT : 1);
      long delay = check("alice@bj", "192.0.2.7").delayMillis();
      assertThat(delay).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(LoginLimiter.MAX_DELAY_MILLIS);
      previous = delay;
    }
    assertThat(previous).isEqualTo(LoginLimiter.MAX_DELAY_MILLIS);
  }

  @Test
  void anAddressFailingForManyUsersIsRefusedForEveryone() throws Exception {
    for (int i = 0; i < CLIENT_LIMIT; i++) {
      fail("user" + i + "@bj", "10.0.0.1", 1);
    }
    assertThat(check("fresh@bj", "10.0.0.1").refused()).isTrue();
    assertThat(check("fresh@bj", "10.0.0.2").refused()).isFalse();
  }

  /** Finding 4: logins in progress and successes never count, so 50 users behind one address all get in. */
  @Test
  void successesNeverCountAgainstTheAddress() throws Exception {
    for (int i = 0; i < 10 * CLIENT_LIMIT; i++) {
      assertThat(check("user" + i + "@bj", "10.0.0.1").refused()).isFalse();
      await(limiter.succeeded("user" + i + "@bj", "10.0.0.1"));
    }
    assertThat(check("late@bj", "10.0.0.1")).isEqualTo(new LoginLimiter.Verdict(false, 0));
  }

  @Test
  void successForgetsTheUsersFailures() throws Exception {
    fail("alice@bj", "10.0.0.1", USER_LIMIT);
    await(limiter.succeeded("alice@bj", "10.0.0.1"));
    assertThat(check("alice@bj", "10.0.0.1")).isEqualTo(new LoginLimiter.Verdict(false, 0));
    assertThat(check("alice@bj", "192.0.2.7").delayMillis()).isZero();
  }

  @Test
  void forgetsFailuresWhenTheWindowEnds() throws Exception {
    limiter = limiter(SHORT_WINDOW);
    fail("alice@bj", "10.0.0.1", USER_LIMIT);
    assertThat(check("alice@bj", "10.0.0.1").refused()).isTrue();
    Thread.sleep(SHORT_WINDOW + SHORT_WINDOW / 2);
    assertThat(check("alice@bj", "10.0.0.1").refused()).isFalse();
  }

  /** The window opens with the first failure: later failures do not push its end out. */
  @Test
  void laterFailuresDoNotExtendTheWindow() throws Exception {
    fail("alice@bj", "10.0.0.1", 1);
    long end = expirationOf("login.pair|alice@bj|10.0.0.1");
    assertThat(end).isPositive();
    Thread.sleep(SHORT_WINDOW / 2);
    fail("alice@bj", "10.0.0.1", USER_LIMIT - 1);
    assertThat(check("alice@bj", "10.0.0.1").refused()).isTrue();
    assertThat(expirationOf("login.pair|alice@bj|10.0.0.1")).isEqualTo(end);
  }

  private static long expirationOf(String key) {
    return hazelcast.<String, Integer>getMap(ClusterCounters.MAP).getEntryView(key).getExpirationTime();
  }

  @Test
  void registrationsAreCountedUpToTheLimitAndNoFurther() throws Exception {
    for (int i = 0; i < REGISTER_LIMIT; i++) {
      assertThat(await(limiter.register("10.0.0.1"))).isTrue();
    }
    assertThat(await(limiter.register("10.0.0.1"))).isFalse();
    assertThat(await(limiter.register("10.0.0.2"))).isTrue();
    assertThat(hazelcast.getMap(ClusterCounters.MAP).get("register.client|10.0.0.1")).isEqualTo(REGISTER_LIMIT);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
  }
}
