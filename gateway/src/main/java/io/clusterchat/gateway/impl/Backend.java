package io.clusterchat.gateway.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Requests to back-end nodes over the event bus, always with the gateway's request timeout: a node that is down
 * or slow fails the request (then {@code ERR 503} via {@link Failures}), never hangs it. Every request is timed
 * by address ({@code clusterchat_bus_request_seconds}), which also counts the gateway's stored SENDs.
 */
final class Backend {

  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final GatewayMeters meters;

  Backend(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMillis);
    this.meters = GatewayMeters.of(vertx);
  }

  Future<JsonObject> request(String address, JsonObject body) {
    long start = System.nanoTime();
    return vertx.eventBus().<JsonObject>request(address, body, delivery)
        .onComplete(done -> meters.busRequest(address, System.nanoTime() - start, done.succeeded()))
        .map(Message::body);
  }

  void send(String address, JsonObject body, DeliveryOptions options) {
    vertx.eventBus().send(address, body, options);
  }
}
