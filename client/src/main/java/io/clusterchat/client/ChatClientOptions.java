package io.clusterchat.client;

import io.clusterchat.protocol.Limits;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * Everything a {@link ChatClient} is configured with. Setters validate and throw {@link IllegalArgumentException};
 * the defaults follow PROTOCOL.md (a PING every 30 s keeps a connection well inside the gateway's 120 s idle
 * timeout).
 */
public class ChatClientOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9001;
  public static final long DEFAULT_HEARTBEAT_INTERVAL_MILLIS = 30_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 10_000;
  public static final boolean DEFAULT_RECONNECT = true;
  public static final long DEFAULT_RECONNECT_INITIAL_DELAY_MILLIS = 500;
  public static final long DEFAULT_RECONNECT_MAX_DELAY_MILLIS = 30_000;
  /**
   * The longest line accepted from the server. Larger than the gateway's request limit on purpose: a MSG carries
   * up to {@link Limits#MAX_TEXT_BYTES} bytes of text, which JSON escaping can make six times longer.
   */
  public static final int DEFAULT_MAX_LINE = 1 << 16;
  /** Requests waiting for a reply or for a connection; past it a request fails at once. */
  public static final int DEFAULT_MAX_PENDING = 1024;
  /** The server's certificate must name the host connected to (or dispatch named). */
  public static final boolean DEFAULT_HOSTNAME_VERIFICATION = true;

  private static final int MAX_PORT = 65535;
  private static final Pattern COORDINATOR =
      Pattern.compile("(https?://)?([^/:\\s]+|\\[[0-9a-fA-F:.]+])(:\\d{1,5})?/?");
  private static final int MIN_MAX_LINE = 256;
  private static final int MAX_MAX_LINE = 16 << 20;
  private static final long MIN_HEARTBEAT_MILLIS = 10;
  private static final long MIN_TIMEOUT_MILLIS = 10;
  private static final long MIN_DELAY_MILLIS = 1;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private long heartbeatIntervalMillis = DEFAULT_HEARTBEAT_INTERVAL_MILLIS;
  private long requestTimeoutMillis = DEFAULT_REQUEST_TIMEOUT_MILLIS;
  private boolean reconnect = DEFAULT_RECONNECT;
  private long reconnectInitialDelayMillis = DEFAULT_RECONNECT_INITIAL_DELAY_MILLIS;
  private long reconnectMaxDelayMillis = DEFAULT_RECONNECT_MAX_DELAY_MILLIS;
  private int maxLine = DEFAULT_MAX_LINE;
  private int maxPending = DEFAULT_MAX_PENDING;
  private String region;
  private String coordinatorUrl;
  private boolean tls;
  private boolean webSocket;
  private String trustFile;
  private boolean hostnameVerification = DEFAULT_HOSTNAME_VERIFICATION;

  public ChatClientOptions() {
  }

  public ChatClientOptions(ChatClientOptions other) {
    this(other.toJson());
  }

  /** Reads the keys {@link #toJson()} writes; absent keys keep their defaults. */
  public ChatClientOptions(JsonObject json) {
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setHeartbeatIntervalMillis(json.getLong("heartbeatIntervalMillis", DEFAULT_HEARTBEAT_INTERVAL_MILLIS));
    setRequestTimeoutMillis(json.getLong("requestTimeoutMillis", DEFAULT_REQUEST_TIMEOUT_MILLIS));
    setReconnect(json.getBoolean("reconnect", DEFAULT_RECONNECT));
    setReconnectInitialDelayMillis(json.getLong("reconnectInitialDelayMillis",
        DEFAULT_RECONNECT_INITIAL_DELAY_MILLIS));
    setReconnectMaxDelayMillis(json.getLong("reconnectMaxDelayMillis", DEFAULT_RECONNECT_MAX_DELAY_MILLIS));
    setMaxLine(json.getInteger("maxLine", DEFAULT_MAX_LINE));
    setMaxPending(json.getInteger("maxPending", DEFAULT_MAX_PENDING));
    setRegion(json.getString("region"));
    setCoordinatorUrl(json.getString("coordinatorUrl"));
    setTls(json.getBoolean("tls", false));
    setWebSocket(json.getBoolean("webSocket", false));
    setTrustFile(json.getString("trustFile"));
    setHostnameVerification(json.getBoolean("hostnameVerification", DEFAULT_HOSTNAME_VERIFICATION));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("host", host)
        .put("port", port)
        .put("heartbeatIntervalMillis", heartbeatIntervalMillis)
        .put("requestTimeoutMillis", requestTimeoutMillis)
        .put("reconnect", reconnect)
        .put("reconnectInitialDelayMillis", reconnectInitialDelayMillis)
        .put("reconnectMaxDelayMillis", reconnectMaxDelayMillis)
        .put("maxLine", maxLine)
        .put("maxPending", maxPending)
        .put("region", region)
        .put("coordinatorUrl", coordinatorUrl)
        .put("tls", tls)
        .put("webSocket", webSocket)
        .put("trustFile", trustFile)
        .put("hostnameVerification", hostnameVerification);
  }

  public boolean isTls() {
    return tls;
  }

  /**
   * Whether to speak TLS (PROTOCOL.md, "Transports"): to the gateway's TLS port, or with {@link #setWebSocket}
   * over {@code wss://}. With dispatch the gateway's TLS port (or wss URL) is used; else {@link #getPort()} must be
   * the TLS (or wss) port.
   */
  public ChatClientOptions setTls(boolean tls) {
    this.tls = tls;
    return this;
  }

  public boolean isWebSocket() {
    return webSocket;
  }

  /**
   * Whether to connect over WebSocket, to {@code ws://host:port/ws} ({@code wss://} with {@link #setTls}); with
   * dispatch, to the URL it names.
   */
  public ChatClientOptions setWebSocket(boolean webSocket) {
    this.webSocket = webSocket;
    return this;
  }

  public String getTrustFile() {
    return trustFile;
  }

  /**
   * A PEM file of the certificates (a CA's) to trust for TLS, e.g. a local cluster's
   * {@code data/client-tls/ca.pem}; null trusts the JVM's default CAs.
   */
  public ChatClientOptions setTrustFile(String trustFile) {
    if (trustFile != null && trustFile.isBlank()) {
      throw new IllegalArgumentException("trust file must be a file's path, was '" + trustFile + "'");
    }
    this.trustFile = trustFile;
    return this;
  }

  public boolean isHostnameVerification() {
    return hostnameVerification;
  }

  /** Whether the server's certificate must be for the host connected to (on by default; off only for tests). */
  public ChatClientOptions setHostnameVerification(boolean hostnameVerification) {
    this.hostnameVerification = hostnameVerification;
    return this;
  }

  /**
   * True when the client finds its gateway through the coordinator's dispatch (region and coordinator both set)
   * instead of the fixed host and port.
   */
  public boolean usesDispatch() {
    return region != null && coordinatorUrl != null;
  }

  public String getRegion() {
    return region;
  }

  /**
   * The region whose gateway to use, asked of the coordinator's {@code GET /api/dispatch} at every connect and
   * every reconnect after a lost connection (a RECONNECT push names its gateway itself); null to use host and port.
   */
  public ChatClientOptions setRegion(String region) {
    if (region != null && !Limits.isRegion(region)) {
      throw new IllegalArgumentException("region must match " + Limits.REGION + ", was '" + region + "'");
    }
    this.region = region;
    return this;
  }

  public String getCoordinatorUrl() {
    return coordinatorUrl;
  }

  /** The coordinator's HTTP address: {@code host:port} or {@code http://host:port}; null for none. */
  public ChatClientOptions setCoordinatorUrl(String coordinatorUrl) {
    if (coordinatorUrl != null && !COORDINATOR.matcher(coordinatorUrl).matches()) {
      throw new IllegalArgumentException("coordinator must be host:port or http://host:port, was '"
          + coordinatorUrl + "'");
    }
    this.coordinatorUrl = coordinatorUrl;
    return this;
  }

  public String getHost() {
    return host;
  }

  /** The gateway's host name or IP address. */
  public ChatClientOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  /** The gateway's client port. */
  public ChatClientOptions setPort(int port) {
    if (port < 1 || port > MAX_PORT) {
      throw new IllegalArgumentException("port must be in 1.." + MAX_PORT + ", was " + port);
    }
    this.port = port;
    return this;
  }

  public long getHeartbeatIntervalMillis() {
    return heartbeatIntervalMillis;
  }

  /** How often a PING is sent while connected; it keeps the gateway's idle timer off and detects dead links. */
  public ChatClientOptions setHeartbeatIntervalMillis(long heartbeatIntervalMillis) {
    this.heartbeatIntervalMillis = atLeast("heartbeat interval", heartbeatIntervalMillis, MIN_HEARTBEAT_MILLIS);
    return this;
  }

  public long getRequestTimeoutMillis() {
    return requestTimeoutMillis;
  }

  /** How long a request may wait for its reply, time spent waiting for a reconnect included. */
  public ChatClientOptions setRequestTimeoutMillis(long requestTimeoutMillis) {
    this.requestTimeoutMillis = atLeast("request timeout", requestTimeoutMillis, MIN_TIMEOUT_MILLIS);
    return this;
  }

  public boolean isReconnect() {
    return reconnect;
  }

  /** Whether a connection lost unexpectedly is reopened (then the session resumed and the inbox synced). */
  public ChatClientOptions setReconnect(boolean reconnect) {
    this.reconnect = reconnect;
    return this;
  }

  public long getReconnectInitialDelayMillis() {
    return reconnectInitialDelayMillis;
  }

  /** The first reconnect delay; it doubles after each failed attempt, up to the maximum, with jitter. */
  public ChatClientOptions setReconnectInitialDelayMillis(long reconnectInitialDelayMillis) {
    this.reconnectInitialDelayMillis = atLeast("reconnect initial delay", reconnectInitialDelayMillis,
        MIN_DELAY_MILLIS);
    if (reconnectMaxDelayMillis < reconnectInitialDelayMillis) {
      reconnectMaxDelayMillis = reconnectInitialDelayMillis;
    }
    return this;
  }

  public long getReconnectMaxDelayMillis() {
    return reconnectMaxDelayMillis;
  }

  /** The longest reconnect delay; must not be below the initial delay. */
  public ChatClientOptions setReconnectMaxDelayMillis(long reconnectMaxDelayMillis) {
    if (reconnectMaxDelayMillis < reconnectInitialDelayMillis) {
      throw new IllegalArgumentException("reconnect max delay must be at least the initial delay ("
          + reconnectInitialDelayMillis + " ms), was " + reconnectMaxDelayMillis);
    }
    this.reconnectMaxDelayMillis = reconnectMaxDelayMillis;
    return this;
  }

  public int getMaxLine() {
    return maxLine;
  }

  /** The longest line, in bytes, accepted from the server; a longer one is a protocol fault and drops the link. */
  public ChatClientOptions setMaxLine(int maxLine) {
    if (maxLine < MIN_MAX_LINE || maxLine > MAX_MAX_LINE) {
      throw new IllegalArgumentException("max line must be in " + MIN_MAX_LINE + ".." + MAX_MAX_LINE
          + ", was " + maxLine);
    }
    this.maxLine = maxLine;
    return this;
  }

  public int getMaxPending() {
    return maxPending;
  }

  /** Requests that may wait at once (for a reply or a reconnect); bounds the client's memory. */
  public ChatClientOptions setMaxPending(int maxPending) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("max pending must be at least 1, was " + maxPending);
    }
    this.maxPending = maxPending;
    return this;
  }

  private static long atLeast(String what, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(what + " must be at least " + min + " ms, was " + value);
    }
    return value;
  }
}
