package io.clusterchat.gateway;

import io.clusterchat.protocol.ClientTransports;
import io.clusterchat.protocol.Limits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Everything a gateway node is configured with. Defaults are PROTOCOL.md's; setters validate and throw
 * {@link IllegalArgumentException} with a message fit for an operator.
 */
public class GatewayOptions {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 9001;
  public static final int DEFAULT_ECHO_PORT = Limits.DEFAULT_ECHO_PORT;
  public static final int DEFAULT_MAX_LINE = Limits.DEFAULT_MAX_LINE;
  public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(Limits.DEFAULT_IDLE_TIMEOUT_SECONDS);
  public static final int DEFAULT_RATE_LIMIT = Limits.DEFAULT_RATE_LIMIT;
  public static final int DEFAULT_RATE_BURST = Limits.DEFAULT_RATE_BURST;
  public static final int DEFAULT_ABUSE_LIMIT = 200;
  public static final long DEFAULT_ABUSE_WINDOW_MILLIS = 10_000;
  public static final int DEFAULT_MAX_OUTBOUND = Limits.DEFAULT_MAX_OUTBOUND;
  public static final long DEFAULT_SHUTDOWN_GRACE_MILLIS = 5_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;
  public static final int DEFAULT_INSTANCES = Runtime.getRuntime().availableProcessors();
  /** Where clients are told to connect when the bind host is the wildcard and no public host is set. */
  public static final String DEFAULT_PUBLIC_HOST = "127.0.0.1";
  public static final long DEFAULT_REPORT_INTERVAL_MILLIS = 1_000;
  /** Recipients whose gateways a node remembers for pushes: about 100 bytes each. */
  public static final int DEFAULT_SESSION_CACHE_SIZE = 100_000;
  /** A transport port that is off (TLS, WebSocket): the default; 0 picks a free port (tests). */
  public static final int OFF = -1;
  /** How often the TLS certificate and key files are checked for a change (then reloaded without a restart). */
  public static final long DEFAULT_TLS_RELOAD_CHECK_MILLIS = 5_000;
  /** A WebSocket origin list that lets every web page's script connect (the default, see {@link #setWsOrigins}). */
  public static final String ANY_ORIGIN = "*";
  public static final List<String> DEFAULT_WS_ORIGINS = List.of(ANY_ORIGIN);

  private static final String ANY_HOST = "0.0.0.0";

  private static final int MAX_PORT = 65535;
  private static final int MAX_INSTANCES = 1024;
  /** Room for the largest frame the gateway sends (a JSON MSG with 4000 bytes of escaped text) several times. */
  private static final int MIN_MAX_OUTBOUND = 64 * 1024;
  private static final int MAX_MAX_OUTBOUND = 1 << 30;
  /** Bounds of the per-connection frame counters (rate, burst, abuse). */
  private static final int MAX_FRAMES = 1_000_000;
  /** Timers below this would be swept more often than the sweep runs. */
  private static final long MIN_TIMER_MILLIS = 100;
  private static final long MIN_TIMEOUT_MILLIS = 10;
  /** Long enough for every reply and push but a message's text. */
  private static final int MIN_MAX_LINE = 64;
  private static final int MAX_MAX_LINE = 1 << 20;
  /** The coordinator drops a gateway silent for 5 s: reports must come well within that. */
  private static final long MAX_REPORT_INTERVAL_MILLIS = 2_000;
  private static final int MAX_SESSION_CACHE_SIZE = 100_000_000;
  private static final long MAX_TLS_RELOAD_CHECK_MILLIS = 3_600_000;
  private static final int HTTP_PORT = 80;
  private static final int HTTPS_PORT = 443;

  private String nodeId;
  private String region;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private int echoPort = DEFAULT_ECHO_PORT;
  private int instances = DEFAULT_INSTANCES;
  private int maxLine = DEFAULT_MAX_LINE;
  private long idleTimeoutMillis = DEFAULT_IDLE_TIMEOUT_MILLIS;
  private int rateLimit = DEFAULT_RATE_LIMIT;
  private int rateBurst = DEFAULT_RATE_BURST;
  private int abuseLimit = DEFAULT_ABUSE_LIMIT;
  private long abuseWindowMillis = DEFAULT_ABUSE_WINDOW_MILLIS;
  private int maxOutbound = DEFAULT_MAX_OUTBOUND;
  private long shutdownGraceMillis = DEFAULT_SHUTDOWN_GRACE_MILLIS;
  private long requestTimeoutMillis = DEFAULT_REQUEST_TIMEOUT_MILLIS;
  /** Null: derived from the bind host (see {@link #getPublicHost()}). */
  private String publicHost;
  private long reportIntervalMillis = DEFAULT_REPORT_INTERVAL_MILLIS;
  private int sessionCacheSize = DEFAULT_SESSION_CACHE_SIZE;
  private int tlsPort = OFF;
  private int wsPort = OFF;
  private boolean wsTls;
  private String tlsCert;
  private String tlsKey;
  private long tlsReloadCheckMillis = DEFAULT_TLS_RELOAD_CHECK_MILLIS;
  private List<String> wsOrigins = DEFAULT_WS_ORIGINS;
  /** The origins of {@link #wsOrigins} as compared ({@link #normalOrigin}); null for any origin. */
  private Set<String> allowedOrigins;

  public GatewayOptions() {
  }

  public GatewayOptions(GatewayOptions other) {
    this(other.toJson());
  }

  /** Reads the keys {@link #toJson()} writes; absent keys keep their defaults. */
  public GatewayOptions(JsonObject json) {
    if (json.containsKey("nodeId")) {
      setNodeId(json.getString("nodeId"));
    }
    if (json.containsKey("region")) {
      setRegion(json.getString("region"));
    }
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setEchoPort(json.getInteger("echoPort", DEFAULT_ECHO_PORT));
    setInstances(json.getInteger("instances", DEFAULT_INSTANCES));
    setMaxLine(json.getInteger("maxLine", DEFAULT_MAX_LINE));
    setIdleTimeoutMillis(json.getLong("idleTimeoutMillis", DEFAULT_IDLE_TIMEOUT_MILLIS));
    setRateLimit(json.getInteger("rateLimit", DEFAULT_RATE_LIMIT));
    setRateBurst(json.getInteger("rateBurst", DEFAULT_RATE_BURST));
    setAbuseLimit(json.getInteger("abuseLimit", DEFAULT_ABUSE_LIMIT));
    setAbuseWindowMillis(json.getLong("abuseWindowMillis", DEFAULT_ABUSE_WINDOW_MILLIS));
    setMaxOutbound(json.getInteger("maxOutbound", DEFAULT_MAX_OUTBOUND));
    setShutdownGraceMillis(json.getLong("shutdownGraceMillis", DEFAULT_SHUTDOWN_GRACE_MILLIS));
    setRequestTimeoutMillis(json.getLong("requestTimeoutMillis", DEFAULT_REQUEST_TIMEOUT_MILLIS));
    if (json.getString("publicHost") != null) {
      setPublicHost(json.getString("publicHost"));
    }
    setReportIntervalMillis(json.getLong("reportIntervalMillis", DEFAULT_REPORT_INTERVAL_MILLIS));
    setSessionCacheSize(json.getInteger("sessionCacheSize", DEFAULT_SESSION_CACHE_SIZE));
    setTlsPort(json.getInteger("tlsPort", OFF));
    setWsPort(json.getInteger("wsPort", OFF));
    setWsTls(json.getBoolean("wsTls", false));
    if (json.getString("tlsCert") != null) {
      setTlsCert(json.getString("tlsCert"));
    }
    if (json.getString("tlsKey") != null) {
      setTlsKey(json.getString("tlsKey"));
    }
    setTlsReloadCheckMillis(json.getLong("tlsReloadCheckMillis", DEFAULT_TLS_RELOAD_CHECK_MILLIS));
    JsonArray origins = json.getJsonArray("wsOrigins");
    if (origins != null) {
      List<String> list = new ArrayList<>();
      origins.forEach(origin -> list.add(String.valueOf(origin)));
      setWsOrigins(list);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("region", region)
        .put("host", host)
        .put("port", port)
        .put("echoPort", echoPort)
        .put("instances", instances)
        .put("maxLine", maxLine)
        .put("idleTimeoutMillis", idleTimeoutMillis)
        .put("rateLimit", rateLimit)
        .put("rateBurst", rateBurst)
        .put("abuseLimit", abuseLimit)
        .put("abuseWindowMillis", abuseWindowMillis)
        .put("maxOutbound", maxOutbound)
        .put("shutdownGraceMillis", shutdownGraceMillis)
        .put("requestTimeoutMillis", requestTimeoutMillis)
        .put("publicHost", publicHost)
        .put("reportIntervalMillis", reportIntervalMillis)
        .put("sessionCacheSize", sessionCacheSize)
        .put("tlsPort", tlsPort)
        .put("wsPort", wsPort)
        .put("wsTls", wsTls)
        .put("tlsCert", tlsCert)
        .put("tlsKey", tlsKey)
        .put("tlsReloadCheckMillis", tlsReloadCheckMillis)
        .put("wsOrigins", new JsonArray(new ArrayList<>(wsOrigins)));
  }

  /** Fails with a clear message when a setting without a default is missing. */
  public GatewayOptions validate() {
    if (nodeId == null) {
      throw new IllegalArgumentException("a gateway needs a node id");
    }
    if (region == null) {
      throw new IllegalArgumentException("a gateway needs a region");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate (tls-cert) and its key (tls-key)");
    }
    if (tlsPort != OFF && tlsCert == null) {
      throw new IllegalArgumentException("the TLS port needs a certificate and key (tls-cert, tls-key)");
    }
    if (wsTls && wsPort == OFF) {
      throw new IllegalArgumentException("WebSocket over TLS (ws-tls) needs a WebSocket port (ws-port)");
    }
    if (wsTls && tlsCert == null) {
      throw new IllegalArgumentException("WebSocket over TLS (ws-tls) needs a certificate and key (tls-cert, "
          + "tls-key)");
    }
    if (tlsCert != null && (!Files.isReadable(Path.of(tlsCert)) || !Files.isReadable(Path.of(tlsKey)))) {
      throw new IllegalArgumentException("cannot read the TLS certificate " + tlsCert + " or its key " + tlsKey);
    }
    return this;
  }

  /** True when the gateway has a certificate: its TLS port and wss use it. */
  public boolean hasTls() {
    return tlsCert != null;
  }

  public String getNodeId() {
    return nodeId;
  }

  /** The node id sent in HELLO and used as the gateway's event-bus address. */
  public GatewayOptions setNodeId(String nodeId) {
    if (nodeId == null || nodeId.isBlank() || nodeId.contains(" ")) {
      throw new IllegalArgumentException("gateway node id must be one word, was '" + nodeId + "'");
    }
    this.nodeId = nodeId;
    return this;
  }

  public String getRegion() {
    return region;
  }

  /** The region this gateway serves: a bare user name in a request means a user of this region. */
  public GatewayOptions setRegion(String region) {
    if (!Limits.isRegion(region)) {
      throw new IllegalArgumentException("region must match " + Limits.REGION + ", was '" + region + "'");
    }
    this.region = region;
    return this;
  }

  public String getHost() {
    return host;
  }

  /** The address client connections are accepted on; 0.0.0.0 for all. */
  public GatewayOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("gateway host must not be empty");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  /** The client port; 0 picks a free one (tests). */
  public GatewayOptions setPort(int port) {
    this.port = checkRange("gateway port", port, 0, MAX_PORT);
    return this;
  }

  public int getEchoPort() {
    return echoPort;
  }

  /** The seed-compatible echo service's port, TCP and UDP; 0 turns the echo service off. */
  public GatewayOptions setEchoPort(int echoPort) {
    this.echoPort = checkRange("echo port", echoPort, 0, MAX_PORT);
    return this;
  }

  public int getInstances() {
    return instances;
  }

  /** Server verticle instances sharing the port: one per core is the norm. */
  public GatewayOptions setInstances(int instances) {
    this.instances = checkRange("instances", instances, 1, MAX_INSTANCES);
    return this;
  }

  public int getMaxLine() {
    return maxLine;
  }

  /** The longest frame in bytes, LF not counted; longer lines get {@code ERR 413}. */
  public GatewayOptions setMaxLine(int maxLine) {
    this.maxLine = checkRange("max line", maxLine, MIN_MAX_LINE, MAX_MAX_LINE);
    return this;
  }

  public long getIdleTimeoutMillis() {
    return idleTimeoutMillis;
  }

  /** A connection silent this long gets {@code ERR 408} and {@code BYE idle}. */
  public GatewayOptions setIdleTimeoutMillis(long idleTimeoutMillis) {
    if (idleTimeoutMillis < MIN_TIMER_MILLIS) {
      throw new IllegalArgumentException("idle timeout must be at least 100 ms, was " + idleTimeoutMillis);
    }
    this.idleTimeoutMillis = idleTimeoutMillis;
    return this;
  }

  public int getRateLimit() {
    return rateLimit;
  }

  /** Frames per second a connection may send, sustained. */
  public GatewayOptions setRateLimit(int rateLimit) {
    this.rateLimit = checkRange("rate limit", rateLimit, 1, MAX_FRAMES);
    return this;
  }

  public int getRateBurst() {
    return rateBurst;
  }

  /** Frames a connection may send at once above the sustained rate. */
  public GatewayOptions setRateBurst(int rateBurst) {
    this.rateBurst = checkRange("rate burst", rateBurst, 1, MAX_FRAMES);
    return this;
  }

  public int getAbuseLimit() {
    return abuseLimit;
  }

  /** Rate-limited frames within one abuse window after which the connection gets {@code BYE abuse}. */
  public GatewayOptions setAbuseLimit(int abuseLimit) {
    this.abuseLimit = checkRange("abuse limit", abuseLimit, 1, MAX_FRAMES);
    return this;
  }

  public long getAbuseWindowMillis() {
    return abuseWindowMillis;
  }

  public GatewayOptions setAbuseWindowMillis(long abuseWindowMillis) {
    if (abuseWindowMillis < MIN_TIMER_MILLIS) {
      throw new IllegalArgumentException("abuse window must be at least 100 ms, was " + abuseWindowMillis);
    }
    this.abuseWindowMillis = abuseWindowMillis;
    return this;
  }

  public int getMaxOutbound() {
    return maxOutbound;
  }

  /**
   * Bytes that may wait to be written to one connection; past them it gets {@code BYE slow} and is closed (it
   * catches up with SYNC when it comes back).
   */
  public GatewayOptions setMaxOutbound(int maxOutbound) {
    this.maxOutbound = checkRange("max outbound", maxOutbound, MIN_MAX_OUTBOUND, MAX_MAX_OUTBOUND);
    return this;
  }

  public long getShutdownGraceMillis() {
    return shutdownGraceMillis;
  }

  /** How long a stopping gateway waits for clients to go after {@code BYE shutdown} before closing them. */
  public GatewayOptions setShutdownGraceMillis(long shutdownGraceMillis) {
    if (shutdownGraceMillis < 0) {
      throw new IllegalArgumentException("shutdown grace must not be negative, was " + shutdownGraceMillis);
    }
    this.shutdownGraceMillis = shutdownGraceMillis;
    return this;
  }

  public long getRequestTimeoutMillis() {
    return requestTimeoutMillis;
  }

  /** How long a request to a backend node may take before the client gets {@code ERR 503}. */
  public GatewayOptions setRequestTimeoutMillis(long requestTimeoutMillis) {
    if (requestTimeoutMillis < MIN_TIMEOUT_MILLIS) {
      throw new IllegalArgumentException("request timeout must be at least 10 ms, was " + requestTimeoutMillis);
    }
    this.requestTimeoutMillis = requestTimeoutMillis;
    return this;
  }

  /**
   * The host clients are sent to (in load reports, hence by dispatch and RECONNECT): the one set, else the bind
   * host unless that is the wildcard 0.0.0.0, else {@value #DEFAULT_PUBLIC_HOST}.
   */
  public String getPublicHost() {
    if (publicHost != null) {
      return publicHost;
    }
    return ANY_HOST.equals(host) ? DEFAULT_PUBLIC_HOST : host;
  }

  /** The address clients reach this gateway at, when it differs from the bind host (a wildcard, NAT). */
  public GatewayOptions setPublicHost(String publicHost) {
    if (publicHost == null || publicHost.isBlank() || publicHost.contains(" ") || ANY_HOST.equals(publicHost)) {
      throw new IllegalArgumentException("public host must be one address clients can reach, was '"
          + publicHost + "'");
    }
    this.publicHost = publicHost;
    return this;
  }

  public long getReportIntervalMillis() {
    return reportIntervalMillis;
  }

  /** How often the gateway publishes its load report to the coordinator; well under its 5 s expiry. */
  public GatewayOptions setReportIntervalMillis(long reportIntervalMillis) {
    if (reportIntervalMillis < MIN_TIMEOUT_MILLIS || reportIntervalMillis > MAX_REPORT_INTERVAL_MILLIS) {
      throw new IllegalArgumentException("report interval must be in 10.." + MAX_REPORT_INTERVAL_MILLIS
          + " ms, was " + reportIntervalMillis);
    }
    this.reportIntervalMillis = reportIntervalMillis;
    return this;
  }

  public int getSessionCacheSize() {
    return sessionCacheSize;
  }

  /**
   * How many recipients' gateways the node keeps for pushes, so a push needs no {@code session.lookup}; 0 looks
   * every push up.
   */
  public GatewayOptions setSessionCacheSize(int sessionCacheSize) {
    this.sessionCacheSize = checkRange("session cache size", sessionCacheSize, 0, MAX_SESSION_CACHE_SIZE);
    return this;
  }

  public int getTlsPort() {
    return tlsPort;
  }

  /** The TLS port (TLS 1.2 and 1.3, the same lines inside); {@link #OFF} (the default) for none, 0 for a free one. */
  public GatewayOptions setTlsPort(int tlsPort) {
    this.tlsPort = checkRange("TLS port", tlsPort, OFF, MAX_PORT);
    return this;
  }

  public int getWsPort() {
    return wsPort;
  }

  /**
   * The WebSocket port (endpoint {@code /ws}; {@code ws://}, or {@code wss://} with {@link #setWsTls}); {@link #OFF}
   * (the default) for none, 0 for a free one.
   */
  public GatewayOptions setWsPort(int wsPort) {
    this.wsPort = checkRange("WebSocket port", wsPort, OFF, MAX_PORT);
    return this;
  }

  public boolean isWsTls() {
    return wsTls;
  }

  /** Whether the WebSocket port speaks TLS ({@code wss://}), with the TLS certificate and key. */
  public GatewayOptions setWsTls(boolean wsTls) {
    this.wsTls = wsTls;
    return this;
  }

  public String getTlsCert() {
    return tlsCert;
  }

  /**
   * The PEM file of the certificate (chain) the TLS port and wss show; reloaded without a restart when it changes.
   */
  public GatewayOptions setTlsCert(String tlsCert) {
    this.tlsCert = checkPath("TLS certificate", tlsCert);
    return this;
  }

  public String getTlsKey() {
    return tlsKey;
  }

  /** The PEM file of the certificate's private key (PKCS#8, PKCS#1 or SEC 1); reloaded with the certificate. */
  public GatewayOptions setTlsKey(String tlsKey) {
    this.tlsKey = checkPath("TLS key", tlsKey);
    return this;
  }

  public long getTlsReloadCheckMillis() {
    return tlsReloadCheckMillis;
  }

  /** How often the certificate and key files are checked for a change; a changed pair is loaded at once. */
  public GatewayOptions setTlsReloadCheckMillis(long tlsReloadCheckMillis) {
    if (tlsReloadCheckMillis < MIN_TIMER_MILLIS || tlsReloadCheckMillis > MAX_TLS_RELOAD_CHECK_MILLIS) {
      throw new IllegalArgumentException("TLS reload check interval must be in " + MIN_TIMER_MILLIS + ".."
          + MAX_TLS_RELOAD_CHECK_MILLIS + " ms, was " + tlsReloadCheckMillis);
    }
    this.tlsReloadCheckMillis = tlsReloadCheckMillis;
    return this;
  }

  public List<String> getWsOrigins() {
    return wsOrigins;
  }

  /**
   * The web origins whose pages may open the WebSocket endpoint: {@value #ANY_ORIGIN} alone (the default) for any,
   * or {@code scheme://host[:port]} entries (http or https, no path), compared as browsers send the {@code Origin}
   * header: scheme and host case-insensitive, a default port (80, 443) the same as none. A handshake without an
   * {@code Origin} header (a client that is not a browser) is always accepted. The protocol logs in inside the
   * connection and uses no cookies, so a foreign page gains nothing a direct client would not have; the list lets an
   * operator choose which web apps use the gateways.
   */
  public GatewayOptions setWsOrigins(List<String> wsOrigins) {
    if (wsOrigins == null || wsOrigins.isEmpty()) {
      throw new IllegalArgumentException("WebSocket origins must be * or one or more scheme://host[:port], was "
          + "none");
    }
    if (wsOrigins.contains(ANY_ORIGIN)) {
      if (wsOrigins.size() > 1) {
        throw new IllegalArgumentException("WebSocket origins: * stands alone, was " + wsOrigins);
      }
      this.wsOrigins = DEFAULT_WS_ORIGINS;
      this.allowedOrigins = null;
      return this;
    }
    Set<String> normal = new LinkedHashSet<>();
    for (String origin : wsOrigins) {
      String one = normalOrigin(origin);
      if (one == null) {
        throw new IllegalArgumentException("WebSocket origin must be http://host[:port] or https://host[:port] "
            + "without a path, was '" + origin + "'");
      }
      normal.add(one);
    }
    this.wsOrigins = List.copyOf(wsOrigins);
    this.allowedOrigins = Set.copyOf(normal);
    return this;
  }

  /**
   * Whether a WebSocket handshake with this {@code Origin} header may go on: always without one (null); otherwise
   * when any origin is allowed or the origin is one of {@link #getWsOrigins()}.
   */
  public boolean allowsWsOrigin(String origin) {
    if (origin == null || allowedOrigins == null) {
      return true;
    }
    String normal = normalOrigin(origin);
    return normal != null && allowedOrigins.contains(normal);
  }

  /**
   * An origin as compared: {@code scheme://host[:port]} with scheme and host in lower case and a default port left
   * out; null when {@code origin} is not an http or https origin (a path, a user, a query, {@code null}).
   */
  private static String normalOrigin(String origin) {
    if (origin == null || origin.isBlank()) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(origin.strip());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean http = "http".equals(scheme);
    if (!http && !"https".equals(scheme) || uri.getHost() == null || uri.getRawUserInfo() != null
        || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return null;
    }
    int port = uri.getPort();
    if (port == 0 || port > MAX_PORT) {
      return null;
    }
    boolean defaultPort = port < 0 || port == (http ? HTTP_PORT : HTTPS_PORT);
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  /**
   * The URL of the WebSocket endpoint clients are sent to (dispatch, RECONNECT):
   * {@code ws://<public host>:<port>/ws}, or {@code wss://} over TLS.
   *
   * @param port the WebSocket port actually bound
   */
  public String getWebSocketUrl(int port) {
    return ClientTransports.webSocketUrl(getPublicHost(), port, wsTls);
  }

  private static String checkPath(String what, String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(what + " must be a file's path, was '" + path + "'");
    }
    return path;
  }

  private static int checkRange(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " must be in " + min + ".." + max + ", was " + value);
    }
    return value;
  }
}
