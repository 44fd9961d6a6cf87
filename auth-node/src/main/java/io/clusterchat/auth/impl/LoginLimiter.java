package io.clusterchat.auth.impl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits failed logins per user address and per client IP address, each in fixed windows that start at the first
 * failure. A login is refused (429) while either counter is at its limit, before anything is read or hashed, so a
 * flood of guesses costs one map lookup each.
 *
 * <p>An attempt counts as a failure from the moment it is let through ({@link #tryAcquire}) until it is known to
 * have succeeded ({@link #succeeded}) or not to have been decided ({@link #abandoned}): otherwise a burst of
 * concurrent guesses would all pass the check while their hashes run.
 *
 * <p>The counters are in memory and per node. With N auth-nodes the event bus spreads logins over all of them, and
 * each keeps its own counters, so the effective limit is at most N times the configured one. Memory is bounded: each
 * map keeps at most {@code maxKeys} keys and drops the least recently touched one first; a key under attack is
 * touched on every attempt and stays. Synchronized: cheap, and safe whatever thread completes a login.
 */
public final class LoginLimiter {

  private final Counters users;
  private final Counters clients;

  public LoginLimiter(int userLimit, long userWindowMillis, int clientLimit, long clientWindowMillis, int maxKeys) {
    this.users = new Counters(userLimit, userWindowMillis, maxKeys);
    this.clients = new Counters(clientLimit, clientWindowMillis, maxKeys);
  }

  /**
   * Whether a login of {@code user} from {@code client} may go ahead; if so it is counted as a failure of both until
   * {@link #succeeded} or {@link #abandoned} says otherwise.
   */
  public synchronized boolean tryAcquire(String user, String client, long nowMillis) {
    if (users.atLimit(user, nowMillis) || clients.atLimit(client, nowMillis)) {
      return false;
    }
    users.add(user, nowMillis);
    clients.add(client, nowMillis);
    return true;
  }

  /** A login succeeded: the user's failures are forgotten and the client's attempt is given back. */
  public synchronized void succeeded(String user, String client, long nowMillis) {
    users.remove(user);
    clients.giveBack(client, nowMillis);
  }

  /** A login could not be decided (the store was down): the attempt counts against neither. */
  public synchronized void abandoned(String user, String client, long nowMillis) {
    users.giveBack(user, nowMillis);
    clients.giveBack(client, nowMillis);
  }

  /** User addresses currently tracked. */
  public synchronized int trackedUsers() {
    return users.size();
  }

  /** Client addresses currently tracked. */
  public synchronized int trackedClients() {
    return clients.size();
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
  private static final class Counters extends LinkedHashMap<String, Window> {

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
      Window window = current(key, now);
      return window != null && window.count >= limit;
    }

    void add(String key, long now) {
      Window window = current(key, now);
      if (window == null) {
        window = new Window(now);
        put(key, window);
      }
      window.count++;
    }

    void giveBack(String key, long now) {
      Window window = current(key, now);
      if (window != null && --window.count <= 0) {
        remove(key);
      }
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
