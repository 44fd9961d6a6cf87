package io.clusterchat.auth.impl;

import io.clusterchat.cluster.ClusterCounters;
import io.vertx.core.Future;

/**
 * Failed-login limits in the way OWASP advises against lockout denial of service: failures are counted per client
 * address and per (user, client address), and only verified failures count (a wrong password, an unknown user),
 * never logins still in progress. So a guesser is refused from its own address, while the real user, from an
 * address that has not been failing, is never refused: once a user's failures from all addresses pass the limit,
 * its logins are only slowed, by a delay that doubles with each further failure up to {@link #MAX_DELAY_MILLIS}.
 *
 * <p>The counters are the cluster's ({@link ClusterCounters}), shared by every auth-node, so adding auth-nodes does
 * not multiply the limits. Each lives in a fixed window that opens with its first failure.
 */
public final class LoginLimiter {

  /** The longest a login is held back; well inside a gateway's request timeout. */
  public static final long MAX_DELAY_MILLIS = 2_000;
  /** The first delay once a user is past its failure limit. */
  static final long FIRST_DELAY_MILLIS = 250;
  /** Doublings before the delay is at its ceiling anyway (250 ms x 2^3 = 2 s). */
  private static final int MAX_DOUBLINGS = 3;
  private static final String USER = "login.user|";
  private static final String PAIR = "login.pair|";
  private static final String CLIENT = "login.client|";
  private static final String REGISTER = "register.client|";

  /** What a login may do now. */
  public record Verdict(boolean refused, long delayMillis) {
    static final Verdict REFUSE = new Verdict(true, 0);
    static final Verdict GO = new Verdict(false, 0);
  }

  /** The limits and windows of the policy. */
  public record Policy(int userLimit, long userWindowMillis, int clientLimit, long clientWindowMillis,
      int registerLimit, long registerWindowMillis) {
  }

  private final ClusterCounters counters;
  private final Policy policy;

  public LoginLimiter(ClusterCounters counters, Policy policy) {
    this.counters = counters;
    this.policy = policy;
  }

  /** Whether a login of {@code user} from {@code client} may go ahead now, and after what delay. */
  public Future<Verdict> check(String user, String client) {
    Future<Integer> fromClient = counters.count(CLIENT + client);
    Future<Integer> pair = counters.count(pair(user, client));
    Future<Integer> everywhere = counters.count(USER + user);
    return Future.all(fromClient, pair, everywhere)
        .map(all -> verdict(policy, fromClient.result(), pair.result(), everywhere.result()));
  }

  /**
   * The policy itself: refuse an address past its own limit or past the user's limit for that address; slow a user
   * past its limit from all addresses together, never refuse it.
   */
  static Verdict verdict(Policy policy, int clientFailures, int pairFailures, int userFailures) {
    if (clientFailures >= policy.clientLimit() || pairFailures >= policy.userLimit()) {
      return Verdict.REFUSE;
    }
    if (userFailures < policy.userLimit()) {
      return Verdict.GO;
    }
    int doublings = Math.min(userFailures - policy.userLimit(), MAX_DOUBLINGS);
    return new Verdict(false, Math.min(FIRST_DELAY_MILLIS << doublings, MAX_DELAY_MILLIS));
  }

  /** A verified failure: the password was wrong or the user does not exist. Completes once counted. */
  public Future<Void> failed(String user, String client) {
    return Future.all(
            counters.add(USER + user, policy.userWindowMillis()),
            counters.add(pair(user, client), policy.userWindowMillis()),
            counters.add(CLIENT + client, policy.clientWindowMillis()))
        .mapEmpty();
  }

  /** A login succeeded: the user's failures are forgotten (the address's failures for other users are not). */
  public Future<Void> succeeded(String user, String client) {
    return Future.all(counters.reset(USER + user), counters.reset(pair(user, client))).mapEmpty();
  }

  /** Counts a registration from {@code client}: false, and nothing counted, when it has registered too often. */
  public Future<Boolean> register(String client) {
    return counters.addBelow(REGISTER + client, policy.registerLimit(), policy.registerWindowMillis());
  }

  private static String pair(String user, String client) {
    return PAIR + user + '|' + client;
  }
}
