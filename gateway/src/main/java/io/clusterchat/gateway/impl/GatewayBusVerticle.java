package io.clusterchat.gateway.impl;

import io.clusterchat.bus.GatewayService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway node's one event-bus consumer, {@code gateway.<node-id>}: pushes for its users and the
 * coordinator's control actions arrive here (never one consumer per user, which would write the cluster-wide
 * subscription map on every login). Actions, by header {@code action}: {@code deliver}, {@code drain},
 * {@code notice}, {@code kick} (see {@link GatewayService}).
 */
public class GatewayBusVerticle extends VerticleBase {

  /** A drain request's batch size when it names none. */
  public static final int DEFAULT_DRAIN_BATCH_SIZE = 100;
  /** A drain request's pause between batches when it names none. */
  public static final long DEFAULT_DRAIN_BATCH_INTERVAL_MILLIS = 200;

  private static final Logger LOG = LoggerFactory.getLogger(GatewayBusVerticle.class);
  private static final int BAD_REQUEST = 400;
  private static final int CONFLICT = 409;
  private static final int MAX_PORT = 65535;

  private final String nodeId;
  private final ConnectionRegistry registry;
  private final Handler<Integer> onDrained;
  private MessageConsumer<JsonObject> consumer;

  public GatewayBusVerticle(String nodeId, ConnectionRegistry registry) {
    this(nodeId, registry, moved -> { });
  }

  /** @param onDrained told how many clients were moved, once a drain has moved them all */
  public GatewayBusVerticle(String nodeId, ConnectionRegistry registry, Handler<Integer> onDrained) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.onDrained = onDrained;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(GatewayService.address(nodeId), this::handle);
    return consumer.completion();
  }

  private void handle(Message<JsonObject> message) {
    String action = message.headers().get(GatewayService.ACTION);
    JsonObject body = message.body() == null ? new JsonObject() : message.body();
    if (GatewayService.DELIVER.equals(action)) {
      registry.deliver(body.getString("user"), body.getJsonObject("message"));
    } else if (GatewayService.DRAIN.equals(action)) {
      drain(message, body);
    } else if (GatewayService.NOTICE.equals(action)) {
      String text = body.getString("text");
      if (text != null) {
        LOG.info("gateway {}: notice to {} connections", nodeId, registry.notice(text));
      }
    } else if (GatewayService.KICK.equals(action)) {
      String user = body.getString("user");
      if (user == null) {
        message.fail(BAD_REQUEST, "kick needs a user");
        return;
      }
      int kicked = registry.kick(user);
      LOG.info("gateway {}: kicked {} ({} connections)", nodeId, user, kicked);
      message.reply(new JsonObject().put("kicked", kicked));
    } else {
      LOG.warn("gateway {}: unknown action '{}'", nodeId, action);
    }
  }

  private void drain(Message<JsonObject> message, JsonObject body) {
    Drain drain;
    try {
      drain = new Drain(vertx, registry, targets(body.getJsonArray("targets")),
          body.getInteger("batchSize", DEFAULT_DRAIN_BATCH_SIZE),
          body.getLong("batchIntervalMillis", DEFAULT_DRAIN_BATCH_INTERVAL_MILLIS));
    } catch (IllegalArgumentException | ClassCastException e) {
      message.fail(BAD_REQUEST, "bad drain request: " + e.getMessage());
      return;
    }
    if (!registry.startDraining()) {
      message.fail(CONFLICT, "gateway " + nodeId + " is already draining");
      return;
    }
    LOG.info("gateway {} draining: moving {} connections to {}", nodeId, registry.size(), body.getJsonArray("targets"));
    drain.run().onSuccess(moved -> {
      LOG.info("gateway {} drained: {} connections moved", nodeId, moved);
      message.reply(new JsonObject().put("moved", moved));
      onDrained.handle(moved);
    });
  }

  private static List<Drain.Target> targets(JsonArray array) {
    if (array == null || array.isEmpty()) {
      throw new IllegalArgumentException("no targets");
    }
    List<Drain.Target> targets = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject target = array.getJsonObject(i);
      String host = target.getString("host");
      Integer port = target.getInteger("port");
      if (host == null || host.isBlank() || host.contains(" ") || port == null || port < 1 || port > MAX_PORT) {
        throw new IllegalArgumentException("target " + target.encode());
      }
      targets.add(new Drain.Target(host, port));
    }
    return targets;
  }
}
