package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.SessionService;
import io.clusterchat.bus.StoreService;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a stored message to every live session of its recipient: one session-store lookup, then one event-bus
 * message per gateway node holding a session (at most once: a push lost with a node is caught up by SYNC).
 *
 * <p>Pushes to one recipient leave in the order their messages were stored, as PROTOCOL.md promises for messages
 * from one sender: the lookups run side by side (their replies may come back in any order), but each push waits
 * for the one stored before it to be sent (or given up).
 */
final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  private final Backend backend;
  private final DeliveryOptions deliver =
      new DeliveryOptions().addHeader(GatewayService.ACTION, GatewayService.DELIVER);
  /** Per recipient, the latest push not yet sent; an entry leaves once its push has gone. */
  private final Map<String, Future<Void>> pending = new ConcurrentHashMap<>();

  Delivery(Backend backend) {
    this.backend = backend;
  }

  /** @param message a stored message, as it sits in its recipient's inbox */
  void deliver(StoreService.InboxItem message) {
    String user = message.to();
    JsonObject push = new GatewayService.Deliver(user, message).toJson();
    Future<SessionService.Sessions> lookup = backend.request(SessionService.LOOKUP,
        new SessionService.Lookup(user).toJson()).map(SessionService.Sessions::fromJson);
    Future<Void> sent = pending.compute(user, (key, before) ->
        (before == null ? lookup : before.transform(done -> lookup)).transform(found -> {
          if (found.succeeded()) {
            Set<String> gateways = new LinkedHashSet<>();
            found.result().sessions().forEach(session -> gateways.add(session.gateway()));
            gateways.forEach(gateway -> backend.send(GatewayService.address(gateway), push, deliver));
          } else {
            LOG.warn("no push of {} to {} (the recipient will SYNC it): {}", message.msg(), user,
                found.cause().toString());
          }
          return Future.<Void>succeededFuture();
        }));
    sent.onComplete(done -> pending.remove(user, sent));
  }
}
