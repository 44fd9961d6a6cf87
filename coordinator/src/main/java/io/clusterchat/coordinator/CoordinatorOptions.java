package io.clusterchat.coordinator;

import io.vertx.core.json.JsonObject;

/**
 * The coordinator's own settings; setters validate and throw {@link IllegalArgumentException}. The admin token has
 * no default: {@link #validate()} fails without one, so an admin API is never open by accident.
 */
public class CoordinatorOptions {

  public static final String DEFAULT_HTTP_HOST = "0.0.0.0";
  public static final int DEFAULT_HTTP_PORT = 8080;
  /** A gateway silent this long leaves the registry (and dispatch). */
  public static final long DEFAULT_REPORT_EXPIRY_MILLIS = 5_000;
  /** Event-bus requests of the admin API (node status, kick): a node that does not answer in time is skipped. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 2_000;
  /** Clients a draining gateway moves at once. */
  public static final int DEFAULT_DRAIN_BATCH_SIZE = 100;
  /** The pause between a draining gateway's batches. */
  public static final long DEFAULT_DRAIN_BATCH_INTERVAL_MILLIS = 200;
  /** How long the coordinator waits for a drain to report it is done (it only logs the outcome). */
  public static final long DEFAULT_DRAIN_TIMEOUT_MILLIS = 600_000;
  /** The shortest admin token accepted: a guessable token is no protection. */
  public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

  private static final int MAX_PORT = 65535;
  private static final long MIN_MILLIS = 10;
  /** Admin tokens are printable ASCII: no spaces, no DEL. */
  private static final int ASCII_DEL = 0x7f;
  private static final int MAX_DRAIN_BATCH_SIZE = 100_000;

  private String httpHost = DEFAULT_HTTP_HOST;
  private int httpPort = DEFAULT_HTTP_PORT;
  private String adminToken;
  private long reportExpiryMillis = DEFAULT_REPORT_EXPIRY_MILLIS;
  private long requestTimeoutMillis = DEFAULT_REQUEST_TIMEOUT_MILLIS;
  private int drainBatchSize = DEFAULT_DRAIN_BATCH_SIZE;
  private long drainBatchIntervalMillis = DEFAULT_DRAIN_BATCH_INTERVAL_MILLIS;
  private long drainTimeoutMillis = DEFAULT_DRAIN_TIMEOUT_MILLIS;

  public CoordinatorOptions() {
  }

  public CoordinatorOptions(CoordinatorOptions other) {
    this(other.toJson());
  }

  /** Reads the keys {@link #toJson()} writes; absent keys keep their defaults. */
  public CoordinatorOptions(JsonObject json) {
    setHttpHost(json.getString("httpHost", DEFAULT_HTTP_HOST));
    setHttpPort(json.getInteger("httpPort", DEFAULT_HTTP_PORT));
    if (json.getString("adminToken") != null) {
      setAdminToken(json.getString("adminToken"));
    }
    setReportExpiryMillis(json.getLong("reportExpiryMillis", DEFAULT_REPORT_EXPIRY_MILLIS));
    setRequestTimeoutMillis(json.getLong("requestTimeoutMillis", DEFAULT_REQUEST_TIMEOUT_MILLIS));
    setDrainBatchSize(json.getInteger("drainBatchSize", DEFAULT_DRAIN_BATCH_SIZE));
    setDrainBatchIntervalMillis(json.getLong("drainBatchIntervalMillis", DEFAULT_DRAIN_BATCH_INTERVAL_MILLIS));
    setDrainTimeoutMillis(json.getLong("drainTimeoutMillis", DEFAULT_DRAIN_TIMEOUT_MILLIS));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("httpHost", httpHost)
        .put("httpPort", httpPort)
        .put("adminToken", adminToken)
        .put("reportExpiryMillis", reportExpiryMillis)
        .put("requestTimeoutMillis", requestTimeoutMillis)
        .put("drainBatchSize", drainBatchSize)
        .put("drainBatchIntervalMillis", drainBatchIntervalMillis)
        .put("drainTimeoutMillis", drainTimeoutMillis);
  }

  /** Fails with a clear message when a setting without a default is missing. */
  public CoordinatorOptions validate() {
    if (adminToken == null) {
      throw new IllegalArgumentException("the coordinator needs an admin token (--admin-token or "
          + "CLUSTERCHAT_ADMIN_TOKEN): the admin API is never open");
    }
    return this;
  }

  public String getHttpHost() {
    return httpHost;
  }

  public CoordinatorOptions setHttpHost(String httpHost) {
    if (httpHost == null || httpHost.isBlank()) {
      throw new IllegalArgumentException("http host must not be empty");
    }
    this.httpHost = httpHost;
    return this;
  }

  public int getHttpPort() {
    return httpPort;
  }

  /** The HTTP API's port; 0 picks a free one (tests). */
  public CoordinatorOptions setHttpPort(int httpPort) {
    if (httpPort < 0 || httpPort > MAX_PORT) {
      throw new IllegalArgumentException("http port must be in 0.." + MAX_PORT + ", was " + httpPort);
    }
    this.httpPort = httpPort;
    return this;
  }

  public String getAdminToken() {
    return adminToken;
  }

  /** The bearer token of the admin API ({@code Authorization: Bearer <token>}). */
  public CoordinatorOptions setAdminToken(String adminToken) {
    if (adminToken == null || adminToken.length() < MIN_ADMIN_TOKEN_LENGTH
        || !adminToken.chars().allMatch(c -> c > ' ' && c < ASCII_DEL)) {
      throw new IllegalArgumentException("admin token must be at least " + MIN_ADMIN_TOKEN_LENGTH
          + " printable ASCII characters without spaces");
    }
    this.adminToken = adminToken;
    return this;
  }

  public long getReportExpiryMillis() {
    return reportExpiryMillis;
  }

  /** A gateway whose last load report is older than this leaves the registry and dispatch. */
  public CoordinatorOptions setReportExpiryMillis(long reportExpiryMillis) {
    this.reportExpiryMillis = atLeast("report expiry", reportExpiryMillis, MIN_MILLIS);
    return this;
  }

  public long getRequestTimeoutMillis() {
    return requestTimeoutMillis;
  }

  /** The timeout of every event-bus request the coordinator makes, but a drain's. */
  public CoordinatorOptions setRequestTimeoutMillis(long requestTimeoutMillis) {
    this.requestTimeoutMillis = atLeast("request timeout", requestTimeoutMillis, MIN_MILLIS);
    return this;
  }

  public int getDrainBatchSize() {
    return drainBatchSize;
  }

  public CoordinatorOptions setDrainBatchSize(int drainBatchSize) {
    if (drainBatchSize < 1 || drainBatchSize > MAX_DRAIN_BATCH_SIZE) {
      throw new IllegalArgumentException("drain batch size must be in 1..100000, was " + drainBatchSize);
    }
    this.drainBatchSize = drainBatchSize;
    return this;
  }

  public long getDrainBatchIntervalMillis() {
    return drainBatchIntervalMillis;
  }

  public CoordinatorOptions setDrainBatchIntervalMillis(long drainBatchIntervalMillis) {
    this.drainBatchIntervalMillis = atLeast("drain batch interval", drainBatchIntervalMillis, 1);
    return this;
  }

  public long getDrainTimeoutMillis() {
    return drainTimeoutMillis;
  }

  public CoordinatorOptions setDrainTimeoutMillis(long drainTimeoutMillis) {
    this.drainTimeoutMillis = atLeast("drain timeout", drainTimeoutMillis, MIN_MILLIS);
    return this;
  }

  private static long atLeast(String what, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(what + " must be at least " + min + " ms, was " + value);
    }
    return value;
  }
}
