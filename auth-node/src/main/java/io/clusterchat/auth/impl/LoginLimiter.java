package io.clusterchat.auth.impl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed-login limits in the way OWASP advises against lockout denial of service: failures are counted per client
 * address and per (user, client address), and only verified failures count (a wrong password, an unknown user),
 * never logins still in progress. So a guesser is refused from its own address, while the real user, from an
 * address that has not been failing, is never refused: once a user's failures from all addresses pass the limit,
 * its logins are only slowed, by a delay that doubles with each further failure up to {@link #MAX_DELAY_MILLIS}.
 *
 * <p>Counters live in fixed windows that start at the first failure. Memory is bounded: each map keeps at most
 * {@code maxKeys} keys and drops the least recently touched first (a key under attack is touched on every attempt
 * and stays). The counters are per auth-node. Synchronized: cheap, and safe whatever thread completes a login.
 */
public final class LoginLimiter {

  /** The longest a login is held back; well inside a gateway's request timeout. */
  public static final long MAX_DELAY_MILLIS = 2_000;
  /** The first delay once a user is past its failure limit. */
  static final long FIRST_DELAY_MILLIS = 250;
  /** Doublings before the delay is at its ceiling anyway (250 ms x 2^3 = 2 s). */
  private static final int MAX_DOUBLINGS = 3;
  private static final char PAIR_SEPARATOR = '|';

  /** What a login may do now. */
  public record Verdict(boolean refused, long delayMillis) {
    static final Verdict REFUSE = new Verdict(true, 0);
    static final Verdict GO = new Verdict(false, 0);
  }

  private final int pairLimit;
  private final Counters users;
  private final Counters pairs;
  private final Counters clients;

  /**
   * @param userLimit failures of one user from one address before that address is refused for that user; also the
   *     user's failures from all addresses after which its logins are slowed
   * @param clientLimit failures from one address, whatever the users, before that address is refused
   */
  public LoginLimiter(int userLimit, long userWindowMillis, int clientLimit, long clientWindowMillis, int maxKeys) {
    this.pairLimit = userLimit;
    this.users = new Counters(Integer.MAX_VALUE, userWindowMillis, maxKeys);
    this.pairs = new Counters(userLimit, userWindowMillis, maxKeys);
    this.clients = new Counters(clientLimit, clientWindowMillis, maxKeys);
  }

  /** Whether a login of {@code user} from {@code client} may go ahead now, and after what delay. */
  public synchronized Verdict check(String user, String client, long nowMillis) {
    if (clients.atLimit(client, nowMillis) || pairs.atLimit(pair(user, client), nowMillis)) {
      return Verdict.REFUSE;
    }
    int failures = users.count(user, nowMillis);
    if (failures < pairLimit) {
      return Verdict.GO;
    }
    int doublings = Math.min(failures - pairLimit, MAX_DOUBLINGS);
    return new Verdict(false, Math.min(FIRST_DELAY_MILLIS << doublings, MAX_DELAY_MILLIS));
  }

  /** A verified failure: the password was wrong or the user does not exist. */
  public synchronized void failed(String user, String client, long nowMillis) {
    users.add(user, nowMillis);
    pairs.add(pair(user, client), nowMillis);
    clients.add(client, nowMillis);
  }

  /** A login succeeded: the user's failures are forgotten (the address's failures for other users are not). */
  public synchronized void succeeded(String user, String client) {
    users.remove(user);
    pairs.remove(pair(user, client));
  }

  /** User addresses currently tracked. */
  public synchronized int trackedUsers() {
    return users.size();
  }

  /** Client addresses currently tracked. */
  public synchronized int trackedClients() {
    return clients.size();
  }

  private static String pair(String user, String client) {
    return user + PAIR_SEPARATOR + client;
  }

  /** Failures in the current window of one key. */
  private static final class Window {
    final long start;
    int count;

    Window(long start) {
      this.start = start;
    }
  }

  /** Windows by key, least recently touched first, capped at maxKeys. */
  static final class Counters extends LinkedHashMap<String, Window> {

    private static final float LOAD_FACTOR = 0.75f;
    private static final int INITIAL_CAPACITY = 256;

    private final int limit;
    private final long windowMillis;
    private final int maxKeys;

    Counters(int limit, long windowMillis, int maxKeys) {
      super(INITIAL_CAPACITY, LOAD_FACTOR, true);
      this.limit = limit;
      this.windowMillis = windowMillis;
      this.maxKeys = maxKeys;
    }

    boolean atLimit(String key, long now) {
      return count(key, now) >= limit;
    }

    int count(String key, long now) {
      Window window = current(key, now);
      return window == null ? 0 : window.count;
    }

    void add(String key, long now) {
      Window window = current(key, now);
      if (window == null) {
        window = new Window(now);
        put(key, window);
      }
      window.count++;
    }

    /** The key's window if it is still open at {@code now}; an expired one is dropped. */
    private Window current(String key, long now) {
      Window window = get(key);
      if (window != null && now - window.start >= windowMillis) {
        remove(key);
        return null;
      }
      return window;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
      return size() > maxKeys;
    }
  }
}
