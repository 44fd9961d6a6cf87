package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.bus.SessionService;
import io.clusterchat.bus.StoreService;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a stored message to every live session of its recipient: the gateways holding them (from the
 * {@link SessionCache}, else one session-store lookup), then one event-bus message per gateway node holding a
 * session (at most once: a push lost with a node is caught up by SYNC).
 *
 * <p>Pushes to one recipient leave in the order their messages were stored, as PROTOCOL.md promises for messages
 * from one sender: the lookups run side by side (their replies may come back in any order), but each push waits
 * for the one stored before it to be sent (or given up).
 */
final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  private final Backend backend;
  private final SessionCache cache;
  private final GatewayMeters meters;
  private final DeliveryOptions deliver =
      new DeliveryOptions().addHeader(GatewayService.ACTION, GatewayService.DELIVER);
  private final DeliveryOptions sent = new DeliveryOptions().addHeader(GatewayService.ACTION, GatewayService.SENT);
  /** Per recipient, the latest push not yet sent; an entry leaves once its push has gone. */
  private final Map<String, Future<Void>> pending = new ConcurrentHashMap<>();

  private final String nodeId;
  private final ConnectionRegistry registry;

  Delivery(Backend backend, SessionCache cache, GatewayMeters meters, String nodeId, ConnectionRegistry registry) {
    this.backend = backend;
    this.cache = cache;
    this.meters = meters;
    this.nodeId = nodeId;
    this.registry = registry;
  }

  /** @param message a stored message, as it sits in its recipient's inbox */
  void deliver(StoreService.InboxItem message) {
    String user = message.to();
    JsonObject push = new GatewayService.Deliver(user, message).toJson();
    Future<List<String>> lookup = gatewaysOf(user);
    Future<Void> sent = pending.compute(user, (key, before) ->
        (before == null ? lookup : before.transform(done -> lookup)).transform(found -> {
          if (found.succeeded()) {
            found.result().forEach(gateway -> backend.send(GatewayService.address(gateway), push, deliver));
          } else {
            LOG.warn("no push of {} to {} (the recipient will SYNC it): {}", message.msg(), user,
                found.cause().toString());
          }
          return Future.<Void>succeededFuture();
        }));
    sent.onComplete(done -> pending.remove(user, sent));
  }

  /**
   * Pushes {@code SENT} to every session of {@code user} but {@code skip}, the one that sent the message (at most
   * once, as pushes go; the gateway holding {@code skip} is among those told when the user has more sessions there).
   */
  void sent(String user, String skip, String msg, String to, long ts, String text) {
    GatewayService.SentPush push = new GatewayService.SentPush(user, skip, msg, to, ts, text);
    gatewaysOf(user).onSuccess(gateways -> {
      for (String gateway : gateways) {
        if (gateway.equals(nodeId)) {
          registry.pushSent(push);
        } else {
          backend.send(GatewayService.address(gateway), push.toJson(), sent);
        }
      }
    });
  }

  /** The gateway nodes holding {@code user}'s sessions, each once: cached, or looked up (and then cached). */
  Future<List<String>> gatewaysOf(String user) {
    List<String> cached = cache.get(user);
    if (cached != null) {
      meters.sessionCacheHit();
      return Future.succeededFuture(cached);
    }
    meters.sessionCacheMiss();
    SessionCache.Stamp stamp = cache.stamp(user);
    return backend.request(SessionService.LOOKUP, new SessionService.Lookup(user).toJson())
        .map(reply -> {
          Set<String> gateways = new LinkedHashSet<>();
          SessionService.Sessions.fromJson(reply).sessions().forEach(session -> gateways.add(session.gateway()));
          List<String> list = List.copyOf(gateways);
          cache.put(user, list, stamp);
          return list;
        });
  }
}
