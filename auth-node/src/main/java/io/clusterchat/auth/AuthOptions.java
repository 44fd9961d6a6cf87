package io.clusterchat.auth;

import io.clusterchat.auth.impl.PasswordHasher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Everything an auth-node is configured with. Setters validate and throw {@link IllegalArgumentException} with a
 * message fit for an operator; {@link #validate()} checks the one setting without a default, the token keys.
 *
 * <p>{@link #toJson()} includes the token secrets (the copy constructor relies on it): never log it.
 */
public class AuthOptions {

  /** The shortest token secret accepted: 32 characters is 256 bits of ASCII, HMAC-SHA256's key size. */
  public static final int MIN_TOKEN_SECRET_LENGTH = TokenKey.MIN_SECRET_LENGTH;
  /** More keys than this is a rotation gone wrong, not a rotation: each is tried only by its id, but still. */
  public static final int MAX_TOKEN_KEYS = 16;
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
  /** OWASP's Argon2id recommendation: 19 MiB, 2 passes. */
  public static final int DEFAULT_HASH_MEMORY_KIB = PasswordHasher.OWASP_MEMORY_KIB;
  public static final int DEFAULT_HASH_ITERATIONS = PasswordHasher.OWASP_ITERATIONS;
  /** Argon2 needs 8 KiB per lane, and new hashes use one lane. */
  private static final int MIN_HASH_MEMORY_KIB = PasswordHasher.MIN_MEMORY_KIB_PER_LANE
      * PasswordHasher.OWASP_PARALLELISM;
  /**
   * 256 MiB, a quarter of the 1 GiB {@link PasswordHasher} accepts from a stored hash: every hashing thread holds
   * this much while it hashes, so with a few threads a 1 GiB setting would let a few concurrent logins exhaust a
   * node's memory.
   */
  private static final int MAX_HASH_MEMORY_KIB = 1 << 18;
  private static final int MAX_HASH_ITERATIONS = PasswordHasher.MAX_ITERATIONS;
  private static final int MAX_FAILURE_LIMIT = 1_000_000;
  private static final long MIN_WINDOW_MILLIS = 1_000;
  private static final long MAX_WINDOW_MILLIS = TimeUnit.DAYS.toMillis(1);
  private static final long MIN_STORE_TIMEOUT_MILLIS = 10;

  private List<TokenKey> tokenKeys;
  private long tokenTtlMillis = DEFAULT_TOKEN_TTL_MILLIS;
  private int hashThreads = DEFAULT_HASH_THREADS;
  private int hashMemoryKib = DEFAULT_HASH_MEMORY_KIB;
  private int hashIterations = DEFAULT_HASH_ITERATIONS;
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
    readTokenKeys(json);
    setTokenTtlMillis(json.getLong("tokenTtlMillis", DEFAULT_TOKEN_TTL_MILLIS));
    setHashThreads(json.getInteger("hashThreads", DEFAULT_HASH_THREADS));
    setHashMemoryKib(json.getInteger("hashMemoryKib", DEFAULT_HASH_MEMORY_KIB));
    setHashIterations(json.getInteger("hashIterations", DEFAULT_HASH_ITERATIONS));
    setUserFailureLimit(json.getInteger("userFailureLimit", DEFAULT_USER_FAILURE_LIMIT));
    setUserFailureWindowMillis(json.getLong("userFailureWindowMillis", DEFAULT_USER_FAILURE_WINDOW_MILLIS));
    setClientFailureLimit(json.getInteger("clientFailureLimit", DEFAULT_CLIENT_FAILURE_LIMIT));
    setClientFailureWindowMillis(json.getLong("clientFailureWindowMillis", DEFAULT_CLIENT_FAILURE_WINDOW_MILLIS));
    setRegisterLimit(json.getInteger("registerLimit", DEFAULT_REGISTER_LIMIT));
    setStoreTimeoutMillis(json.getLong("storeTimeoutMillis", DEFAULT_STORE_TIMEOUT_MILLIS));
  }

  /** {@code tokenKeys} as {@link #toJson()} writes them, or the single {@code tokenSecret} of older configs. */
  private void readTokenKeys(JsonObject json) {
    JsonArray keys = json.getJsonArray("tokenKeys");
    Object secret = json.getValue("tokenSecret");
    if (keys != null && secret != null) {
      throw new IllegalArgumentException("give token keys or a token secret, not both");
    }
    if (secret != null) {
      setTokenSecret(json.getString("tokenSecret"));
    } else if (keys != null) {
      List<TokenKey> list = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        if (!(keys.getValue(i) instanceof JsonObject key)) {
          throw new IllegalArgumentException("token keys must be objects {\"id\", \"secret\"}");
        }
        list.add(new TokenKey(key.getString("id"), key.getString("secret")));
      }
      setTokenKeys(list);
    }
  }

  /** All settings, the token secrets included: keep the result out of logs. */
  public JsonObject toJson() {
    JsonArray keys = tokenKeys == null ? null : new JsonArray(tokenKeys.stream()
        .map(key -> new JsonObject().put("id", key.id()).put("secret", key.secret()))
        .toList());
    return new JsonObject()
        .put("tokenKeys", keys)
        .put("tokenTtlMillis", tokenTtlMillis)
        .put("hashThreads", hashThreads)
        .put("hashMemoryKib", hashMemoryKib)
        .put("hashIterations", hashIterations)
        .put("userFailureLimit", userFailureLimit)
        .put("userFailureWindowMillis", userFailureWindowMillis)
        .put("clientFailureLimit", clientFailureLimit)
        .put("clientFailureWindowMillis", clientFailureWindowMillis)
        .put("registerLimit", registerLimit)
        .put("storeTimeoutMillis", storeTimeoutMillis);
  }

  /** Fails with a clear message when a setting without a default is missing. */
  public AuthOptions validate() {
    if (tokenKeys == null) {
      throw new IllegalArgumentException("an auth-node needs a token secret (or token keys): at least "
          + MIN_TOKEN_SECRET_LENGTH + " characters, the same on every auth-node of the cluster");
    }
    return this;
  }

  /** The keys tokens are signed and checked with, the signing key first; null until set. */
  public List<TokenKey> getTokenKeys() {
    return tokenKeys;
  }

  /**
   * The keys of tokens: the first signs new tokens, every one checks the tokens naming it. Every auth-node of a
   * cluster needs the same list, or a token issued by one node fails RESUME at another. To rotate, put a new key
   * first (on every auth-node) and drop the old one once the tokens it signed have expired (the token ttl).
   */
  public AuthOptions setTokenKeys(List<TokenKey> tokenKeys) {
    if (tokenKeys == null || tokenKeys.isEmpty()) {
      throw new IllegalArgumentException("token keys must name at least one key");
    }
    if (tokenKeys.size() > MAX_TOKEN_KEYS) {
      throw new IllegalArgumentException("token keys must be at most " + MAX_TOKEN_KEYS + ", were "
          + tokenKeys.size());
    }
    Set<String> ids = new HashSet<>();
    for (TokenKey key : tokenKeys) {
      if (!ids.add(key.id())) {
        throw new IllegalArgumentException("token key id '" + key.id() + "' is given twice");
      }
    }
    this.tokenKeys = List.copyOf(tokenKeys);
    return this;
  }

  /**
   * One key for tokens, with id {@value TokenKey#DEFAULT_ID}: {@code setTokenKeys(List.of(TokenKey.ofSecret(s)))}.
   * To rotate away from it later, list it as {@code default=<secret>} after the new key.
   */
  public AuthOptions setTokenSecret(String tokenSecret) {
    return setTokenKeys(List.of(TokenKey.ofSecret(tokenSecret)));
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

  /** Worker threads for password hashing; each holds {@link #setHashMemoryKib hash memory} while it hashes. */
  public AuthOptions setHashThreads(int hashThreads) {
    this.hashThreads = (int) checkRange("hash threads", hashThreads, 1, MAX_HASH_THREADS);
    return this;
  }

  public int getHashMemoryKib() {
    return hashMemoryKib;
  }

  /**
   * Memory of each new Argon2id hash, in KiB (OWASP's 19 MiB by default). Stored hashes keep their own parameters,
   * so this can be raised later; lower it only where logins are not what is protected (load tests).
   */
  public AuthOptions setHashMemoryKib(int hashMemoryKib) {
    this.hashMemoryKib = (int) checkRange("hash memory (KiB)", hashMemoryKib, MIN_HASH_MEMORY_KIB,
        MAX_HASH_MEMORY_KIB);
    return this;
  }

  public int getHashIterations() {
    return hashIterations;
  }

  /** Passes of each new Argon2id hash (OWASP's 2 by default); see {@link #setHashMemoryKib}. */
  public AuthOptions setHashIterations(int hashIterations) {
    this.hashIterations = (int) checkRange("hash iterations", hashIterations, 1, MAX_HASH_ITERATIONS);
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
