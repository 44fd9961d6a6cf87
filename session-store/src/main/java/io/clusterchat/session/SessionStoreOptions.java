package io.clusterchat.session;

import io.vertx.core.json.JsonObject;

/**
 * How a session-store node runs its registry. Setters validate and throw {@link IllegalArgumentException} with a
 * message fit for an operator.
 */
public class SessionStoreOptions {

  /** A backstop for gateway-loss events that no session-store saw; the events themselves act within seconds. */
  public static final long DEFAULT_SWEEP_INTERVAL_MILLIS = 30_000;
  /** Devices of one user at once; a bound keeps one map value small even when unbinds are lost. */
  public static final int DEFAULT_MAX_SESSIONS_PER_USER = 100;

  private static final long MIN_SWEEP_INTERVAL_MILLIS = 100;
  private static final long MAX_SWEEP_INTERVAL_MILLIS = 86_400_000;
  private static final int MAX_MAX_SESSIONS_PER_USER = 10_000;

  private long sweepIntervalMillis = DEFAULT_SWEEP_INTERVAL_MILLIS;
  private int maxSessionsPerUser = DEFAULT_MAX_SESSIONS_PER_USER;

  public SessionStoreOptions() {
  }

  public SessionStoreOptions(SessionStoreOptions other) {
    this(other.toJson());
  }

  /** Reads the keys {@link #toJson()} writes; absent keys keep their defaults. */
  public SessionStoreOptions(JsonObject json) {
    setSweepIntervalMillis(json.getLong("sweepIntervalMillis", DEFAULT_SWEEP_INTERVAL_MILLIS));
    setMaxSessionsPerUser(json.getInteger("maxSessionsPerUser", DEFAULT_MAX_SESSIONS_PER_USER));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("sweepIntervalMillis", sweepIntervalMillis)
        .put("maxSessionsPerUser", maxSessionsPerUser);
  }

  public long getSweepIntervalMillis() {
    return sweepIntervalMillis;
  }

  /**
   * How often the whole registry is swept for sessions of gateways that are no longer cluster members (a gateway
   * that died while no session-store was running). Also swept once at start.
   */
  public SessionStoreOptions setSweepIntervalMillis(long sweepIntervalMillis) {
    if (sweepIntervalMillis < MIN_SWEEP_INTERVAL_MILLIS || sweepIntervalMillis > MAX_SWEEP_INTERVAL_MILLIS) {
      throw new IllegalArgumentException("session sweep interval must be in " + MIN_SWEEP_INTERVAL_MILLIS + ".."
          + MAX_SWEEP_INTERVAL_MILLIS + " ms, was " + sweepIntervalMillis);
    }
    this.sweepIntervalMillis = sweepIntervalMillis;
    return this;
  }

  public int getMaxSessionsPerUser() {
    return maxSessionsPerUser;
  }

  /** Live sessions one user may hold; a bind beyond it fails with 429 and changes nothing. */
  public SessionStoreOptions setMaxSessionsPerUser(int maxSessionsPerUser) {
    if (maxSessionsPerUser < 1 || maxSessionsPerUser > MAX_MAX_SESSIONS_PER_USER) {
      throw new IllegalArgumentException("max sessions per user must be in 1.." + MAX_MAX_SESSIONS_PER_USER
          + ", was " + maxSessionsPerUser);
    }
    this.maxSessionsPerUser = maxSessionsPerUser;
    return this;
  }
}
