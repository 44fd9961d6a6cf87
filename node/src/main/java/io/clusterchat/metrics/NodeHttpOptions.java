package io.clusterchat.metrics;

import io.vertx.core.json.JsonObject;

/** Where a node serves {@code /metrics} and {@code /health}. Setters validate. */
public class NodeHttpOptions {

  /** Every interface: a Prometheus server or a load balancer on another host scrapes it. */
  public static final String DEFAULT_HOST = "0.0.0.0";
  /** 0: any free port (tests); the launcher treats an unset port as "no metrics server". */
  public static final int DEFAULT_PORT = 0;

  private static final int MAX_PORT = 65535;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;

  public NodeHttpOptions() {
  }

  public NodeHttpOptions(NodeHttpOptions other) {
    this.host = other.host;
    this.port = other.port;
  }

  public NodeHttpOptions(JsonObject json) {
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
  }

  public String getHost() {
    return host;
  }

  public NodeHttpOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("metrics host must be an address, was '" + host + "'");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public NodeHttpOptions setPort(int port) {
    if (port < 0 || port > MAX_PORT) {
      throw new IllegalArgumentException("metrics port must be in 0.." + MAX_PORT + ", was " + port);
    }
    this.port = port;
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port);
  }
}
