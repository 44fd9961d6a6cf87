package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.SessionService;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a stored message to every live session of its recipient: one session-store lookup, then one event-bus
 * message per gateway node holding a session (at most once: a push lost with a node is caught up by SYNC).
 */
final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  private final Backend backend;
  private final DeliveryOptions deliver = new DeliveryOptions().addHeader(GatewayService.ACTION, GatewayService.DELIVER);

  Delivery(Backend backend) {
    this.backend = backend;
  }

  /** @param message the store's reply to an append: seq, msg, from, to, ts, text */
  void deliver(JsonObject message) {
    String user = message.getString("to");
    JsonObject push = new JsonObject().put("user", user).put("message", new JsonObject()
        .put("seq", message.getLong("seq")).put("msg", message.getString("msg"))
        .put("from", message.getString("from")).put("to", user)
        .put("ts", message.getLong("ts")).put("text", message.getString("text")));
    backend.request(SessionService.LOOKUP, new JsonObject().put("user", user))
        .onSuccess(reply -> {
          Set<String> gateways = new LinkedHashSet<>();
          reply.getJsonArray("sessions").forEach(s -> gateways.add(((JsonObject) s).getString("gateway")));
          gateways.forEach(gateway -> backend.send(GatewayService.address(gateway), push, deliver));
        })
        .onFailure(e -> LOG.warn("no push of {} to {} (the recipient will SYNC it): {}",
            message.getString("msg"), user, e.toString()));
  }
}
