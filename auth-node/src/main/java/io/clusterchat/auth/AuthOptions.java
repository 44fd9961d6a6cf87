package io.clusterchat.auth;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Everything an auth-node is configured with. Setters validate and throw {@link IllegalArgumentException} with a
 * message fit for an operator; {@link #validate()} checks the one setting without a default, the token secret.
 *
 * <p>{@link #toJson()} includes the token secret (the copy constructor relies on it): never log it.
 */
public class AuthOptions {

  /** The shortest token secret accepted: 32 characters is 256 bits of ASCII, HMAC-SHA256's key size. */
  public static final int MIN_TOKEN_SECRET_LENGTH = 32;
  public static final long DEFAULT_TOKEN_TTL_MILLIS = TimeUnit.DAYS.toMillis(7);
  public static final int DEFAULT_HASH_THREADS = Runtime.getRuntime().availableProcessors();
  public static final int DEFAULT_USER_FAILURE_LIMIT = 5;
  public static final long DEFAULT_USER_FAILURE_WINDOW_MILLIS = TimeUnit.MINUTES.toMillis(5);
  public static final int DEFAULT_CLIENT_FAILURE_LIMIT = 20;
  public static final long DEFAULT_CLIENT_FAILURE_WINDOW_MILLIS = TimeUnit.MINUTES.toMillis(5);
  /** Registrations one client address may make per {@link #REGISTER_WINDOW_MILLIS}. */
  public static final int DEFAULT_REGISTER_LIMIT = 5;
  public static final long REGISTER_WINDOW_MILLIS = TimeUnit.MINUTES.toMillis(1);
  /** Below the gateway's default 5 s request timeout, so the client gets this node's own 503. */
  public static final long DEFAULT_STORE_TIMEOUT_MILLIS = 3_000;

  private static final long MIN_TOKEN_TTL_MILLIS = 1_000;
  private static final long MAX_TOKEN_TTL_MILLIS = TimeUnit.DAYS.toMillis(366);
  private static final int MAX_HASH_THREADS = 256;
  private static final int MAX_FAILURE_LIMIT = 1_000_000;
  private static final long MIN_WINDOW_MILLIS = 1_000;
  private static final long MAX_WINDOW_MILLIS = TimeUnit.DAYS.toMillis(1);
  private static final long MIN_STORE_TIMEOUT_MILLIS = 10;

  private String tokenSecret;
  private long tokenTtlMillis = DEFAULT_TOKEN_TTL_MILLIS;
  private int hashThreads = DEFAULT_HASH_THREADS;
  private int userFailureLimit = DEFAULT_USER_FAILURE_LIMIT;
  private long userFailureWindowMillis = DEFAULT_USER_FAILURE_WINDOW_MILLIS;
  private int clientFailureLimit = DEFAULT_CLIENT_FAILURE_LIMIT;
  private long clientFailureWindowMillis = DEFAULT_CLIENT_FAILURE_WINDOW_MILLIS;
  private int registerLimit = DEFAULT_REGISTER_LIMIT;
  private long storeTimeoutMillis = DEFAULT_STORE_TIMEOUT_MILLIS;

  public AuthOptions() {
  }

  public AuthOptions(AuthOptions other) {
    this(other.toJson());
  }

  /** Reads the keys {@link #toJson()} writes; absent keys keep their defaults. */
  public AuthOptions(JsonObject json) {
    if (json.getValue("tokenSecret") != null) {
      setTokenSecret(json.getString("tokenSecret"));
    }
    setTokenTtlMillis(json.getLong("tokenTtlMillis", DEFAULT_TOKEN_TTL_MILLIS));
    setHashThreads(json.getInteger("hashThreads", DEFAULT_HASH_THREADS));
    setUserFailureLimit(json.getInteger("userFailureLimit", DEFAULT_USER_FAILURE_LIMIT));
    setUserFailureWindowMillis(json.getLong("userFailureWindowMillis", DEFAULT_USER_FAILURE_WINDOW_MILLIS));
    setClientFailureLimit(json.getInteger("clientFailureLimit", DEFAULT_CLIENT_FAILURE_LIMIT));
    setClientFailureWindowMillis(json.getLong("clientFailureWindowMillis", DEFAULT_CLIENT_FAILURE_WINDOW_MILLIS));
    setRegisterLimit(json.getInteger("registerLimit", DEFAULT_REGISTER_LIMIT));
    setStoreTimeoutMillis(json.getLong("storeTimeoutMillis", DEFAULT_STORE_TIMEOUT_MILLIS));
  }

  /** All settings, the token secret included: keep the result out of logs. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("tokenSecret", tokenSecret)
        .put("tokenTtlMillis", tokenTtlMillis)
        .put("hashThreads", hashThreads)
        .put("userFailureLimit", userFailureLimit)
        .put("userFailureWindowMillis", userFailureWindowMillis)
        .put("clientFailureLimit", clientFailureLimit)
        .put("clientFailureWindowMillis", clientFailureWindowMillis)
        .put("registerLimit", registerLimit)
        .put("storeTimeoutMillis", storeTimeoutMillis);
  }

  /** Fails with a clear message when a setting without a default is missing. */
  public AuthOptions validate() {
    if (tokenSecret == null) {
      throw new IllegalArgumentException("an auth-node needs a token secret: at least " + MIN_TOKEN_SECRET_LENGTH
          + " characters, the same on every auth-node of the cluster");
    }
    return this;
  }

  public String getTokenSecret() {
    return tokenSecret;
  }

  /**
   * The HMAC key tokens are signed with. Every auth-node of a cluster needs the same one, or a token issued by one
   * node fails RESUME at another. Changing it logs every client out.
   */
  public AuthOptions setTokenSecret(String tokenSecret) {
    if (tokenSecret == null || tokenSecret.length() < MIN_TOKEN_SECRET_LENGTH) {
      // The secret itself is never echoed: this message may end up in a log.
      int length = tokenSecret == null ? 0 : tokenSecret.length();
      throw new IllegalArgumentException("token secret must be at least " + MIN_TOKEN_SECRET_LENGTH
          + " characters, was " + length);
    }
    if (tokenSecret.isBlank()) {
      throw new IllegalArgumentException("token secret must not be blank");
    }
    this.tokenSecret = tokenSecret;
    return this;
  }

  public long getTokenTtlMillis() {
    return tokenTtlMillis;
  }

  /** How long a token from LOGIN or RESUME stays good for RESUME. */
  public AuthOptions setTokenTtlMillis(long tokenTtlMillis) {
    this.tokenTtlMillis = checkRange("token ttl (ms)", tokenTtlMillis, MIN_TOKEN_TTL_MILLIS, MAX_TOKEN_TTL_MILLIS);
    return this;
  }

  public int getHashThreads() {
    return hashThreads;
  }

  /** Worker threads for password hashing; each Argon2id hash holds 19 MiB while it runs. */
  public AuthOptions setHashThreads(int hashThreads) {
    this.hashThreads = (int) checkRange("hash threads", hashThreads, 1, MAX_HASH_THREADS);
    return this;
  }

  public int getUserFailureLimit() {
    return userFailureLimit;
  }

  /**
   * Failed logins of one user from one client address within its window before that address is refused for that
   * user (429); past as many failures from all addresses, the user's logins are slowed, never refused.
   */
  public AuthOptions setUserFailureLimit(int userFailureLimit) {
    this.userFailureLimit = (int) checkRange("user failure limit", userFailureLimit, 1, MAX_FAILURE_LIMIT);
    return this;
  }

  public long getUserFailureWindowMillis() {
    return userFailureWindowMillis;
  }

  public AuthOptions setUserFailureWindowMillis(long userFailureWindowMillis) {
    this.userFailureWindowMillis = checkRange("user failure window (ms)", userFailureWindowMillis,
        MIN_WINDOW_MILLIS, MAX_WINDOW_MILLIS);
    return this;
  }

  public int getClientFailureLimit() {
    return clientFailureLimit;
  }

  /**
   * Failed logins one client IP address may have within its window, whatever the users tried, before its logins are
   * refused (429). Higher than the user limit: many users may share one address behind a NAT.
   */
  public AuthOptions setClientFailureLimit(int clientFailureLimit) {
    this.clientFailureLimit = (int) checkRange("client failure limit", clientFailureLimit, 1, MAX_FAILURE_LIMIT);
    return this;
  }

  public long getClientFailureWindowMillis() {
    return clientFailureWindowMillis;
  }

  public AuthOptions setClientFailureWindowMillis(long clientFailureWindowMillis) {
    this.clientFailureWindowMillis = checkRange("client failure window (ms)", clientFailureWindowMillis,
        MIN_WINDOW_MILLIS, MAX_WINDOW_MILLIS);
    return this;
  }

  public int getRegisterLimit() {
    return registerLimit;
  }

  /** Registrations one client address may make per minute; more get 429 before anything is hashed. */
  public AuthOptions setRegisterLimit(int registerLimit) {
    this.registerLimit = (int) checkRange("register limit", registerLimit, 1, MAX_FAILURE_LIMIT);
    return this;
  }

  public long getStoreTimeoutMillis() {
    return storeTimeoutMillis;
  }

  /** How long a request to the persistence-node may take before the caller gets 503. */
  public AuthOptions setStoreTimeoutMillis(long storeTimeoutMillis) {
    this.storeTimeoutMillis = checkRange("store timeout (ms)", storeTimeoutMillis, MIN_STORE_TIMEOUT_MILLIS,
        Long.MAX_VALUE);
    return this;
  }

  private static long checkRange(String what, long value, long min, long max) {
    if (value < min || value > max) {
      String range = max == Long.MAX_VALUE ? "at least " + min : "in " + min + ".." + max;
      throw new IllegalArgumentException(what + " must be " + range + ", was " + value);
    }
    return value;
  }
}
