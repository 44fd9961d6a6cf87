package io.clusterchat.client.impl;

import io.clusterchat.client.ChatException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Asks the coordinator which gateway of a region to use: {@code GET /api/dispatch?region=r} (PROTOCOL.md, "Finding
 * a gateway"). A 404 (no such region) or 503 (none live) fails with {@link ChatException#NOT_CONNECTED}, like a
 * gateway that cannot be reached, so the reconnect loop simply tries again later.
 */
final class Dispatcher {

  /**
   * A gateway to connect to: its node (null when not known), host and port of the client's transport, and on
   * WebSocket the endpoint's URL.
   */
  record Gateway(String node, String host, int port, String url) {
  }

  private static final int HTTP_PORT = 80;
  private static final int HTTPS_PORT = 443;
  private static final int OK = 200;

  private final HttpClient http;
  private final String host;
  private final int port;
  private final String uri;
  private final long timeoutMillis;
  private final Endpoints endpoints;

  Dispatcher(Vertx vertx, String coordinatorUrl, String region, long timeoutMillis, Endpoints endpoints) {
    this.endpoints = endpoints;
    boolean tls = coordinatorUrl.startsWith("https://");
    String rest = coordinatorUrl.replaceFirst("^https?://", "").replaceFirst("/$", "");
    int colon = rest.lastIndexOf(':');
    boolean hasPort = colon > 0 && rest.indexOf(']', colon) < 0;
    this.host = (hasPort ? rest.substring(0, colon) : rest).replace("[", "").replace("]", "");
    this.port = hasPort ? Integer.parseInt(rest.substring(colon + 1)) : tls ? HTTPS_PORT : HTTP_PORT;
    this.uri = "/api/dispatch?region=" + URLEncoder.encode(region, StandardCharsets.UTF_8);
    this.timeoutMillis = timeoutMillis;
    this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(tls)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)));
  }

  /** The gateway to connect to now. */
  Future<Gateway> gateway() {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(uri)
        .setIdleTimeout(timeoutMillis);
    return http.request(request)
        .compose(req -> req.send().compose(response -> response.body().map(body -> answer(response.statusCode(),
            body))))
        .recover(e -> Future.failedFuture(e instanceof ChatException ? e
            : new ChatException(ChatException.NOT_CONNECTED, "coordinator " + host + ":" + port
                + " did not answer: " + e.getMessage())));
  }

  private Gateway answer(int status, Buffer body) {
    JsonObject json;
    try {
      json = body.toJsonObject();
    } catch (RuntimeException e) {
      json = new JsonObject();
    }
    if (status != OK) {
      throw new ChatException(ChatException.NOT_CONNECTED, "dispatch: " + status + " "
          + json.getString("error", ""));
    }
    String gatewayHost = json.getString("host");
    Integer gatewayPort = json.getInteger("port");
    if (gatewayHost == null || gatewayPort == null) {
      throw new ChatException(ChatException.PROTOCOL, "dispatch answered without host and port: " + json.encode());
    }
    return endpoints.of(json.getString("node"), gatewayHost, gatewayPort, json.getInteger("tlsPort"),
        json.getString("wsUrl"));
  }

  Future<Void> close() {
    return http.close();
  }
}
