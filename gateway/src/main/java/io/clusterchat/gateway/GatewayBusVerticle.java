package io.clusterchat.gateway;

import io.clusterchat.bus.GatewayService;
import io.clusterchat.gateway.impl.ConnectionRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway node's one event-bus consumer, {@code gateway.<node-id>}: pushes for its users arrive here (never
 * one consumer per user, which would write the cluster-wide subscription map on every login).
 */
public class GatewayBusVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayBusVerticle.class);

  private final String nodeId;
  private final ConnectionRegistry registry;
  private MessageConsumer<JsonObject> consumer;

  public GatewayBusVerticle(String nodeId, ConnectionRegistry registry) {
    this.nodeId = nodeId;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(GatewayService.address(nodeId), this::handle);
    return consumer.completion();
  }

  private void handle(Message<JsonObject> message) {
    String action = message.headers().get(GatewayService.ACTION);
    if (GatewayService.DELIVER.equals(action)) {
      JsonObject body = message.body();
      registry.deliver(body.getString("user"), body.getJsonObject("message"));
    } else {
      LOG.warn("gateway {}: unknown action '{}'", nodeId, action);
    }
  }
}
