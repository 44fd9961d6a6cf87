package io.clusterchat.coordinator;

import io.vertx.core.json.JsonObject;

/** The coordinator's own settings; setters validate and throw {@link IllegalArgumentException}. */
public class CoordinatorOptions {

  public static final String DEFAULT_HTTP_HOST = "0.0.0.0";
  public static final int DEFAULT_HTTP_PORT = 8080;

  private static final int MAX_PORT = 65535;

  private String httpHost = DEFAULT_HTTP_HOST;
  private int httpPort = DEFAULT_HTTP_PORT;

  public CoordinatorOptions() {
  }

  public CoordinatorOptions(CoordinatorOptions other) {
    this.httpHost = other.httpHost;
    this.httpPort = other.httpPort;
  }

  public CoordinatorOptions(JsonObject json) {
    setHttpHost(json.getString("httpHost", DEFAULT_HTTP_HOST));
    setHttpPort(json.getInteger("httpPort", DEFAULT_HTTP_PORT));
  }

  public JsonObject toJson() {
    return new JsonObject().put("httpHost", httpHost).put("httpPort", httpPort);
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
}
