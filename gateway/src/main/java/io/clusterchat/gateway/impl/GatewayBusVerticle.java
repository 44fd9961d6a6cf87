package io.clusterchat.gateway.impl;

import io.clusterchat.bus.BusContractException;
import io.clusterchat.bus.BusMessages;
import io.clusterchat.bus.GatewayService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway node's one event-bus consumer, {@code gateway.<node-id>}: pushes for its users and the
 * coordinator's control actions arrive here (never one consumer per user, which would write the cluster-wide
 * subscription map on every login). Actions, by header {@code action}: {@code deliver},
 * {@code sessions-changed}, {@code group-deliver}, {@code group-interest},
 * {@code group-interest-snapshot}, {@code sent}, {@code drain}, {@code notice}, {@code kick} (see
 * {@link GatewayService}).
 */
public class GatewayBusVerticle extends VerticleBase {

  /** A drain request's batch size when it names none. */
  public static final int DEFAULT_DRAIN_BATCH_SIZE = 100;
  /** A drain request's pause between batches when it names none. */
  public static final long DEFAULT_DRAIN_BATCH_INTERVAL_MILLIS = 200;

  private static final Logger LOG = LoggerFactory.getLogger(GatewayBusVerticle.class);
  private static final int BAD_REQUEST = BusContractException.FAILURE_CODE;
  private static final int CONFLICT = 409;
  private static final int MAX_PORT = 65535;

  private final String nodeId;
  private final ConnectionRegistry registry;
  private final Handler<Integer> onDrained;
  private MessageConsumer<Object> consumer;

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
    registry.groupInterest().start(context);
    consumer = vertx.eventBus().consumer(GatewayService.address(nodeId), this::handle);
    return consumer.completion();
  }

  private void handle(Message<Object> message) {
    String action = message.headers().get(GatewayService.ACTION);
    try {
      JsonObject body = BusMessages.body(message);
      if (GatewayService.DELIVER.equals(action)) {
        GatewayService.Deliver deliver = GatewayService.Deliver.fromJson(body);
        registry.deliver(deliver.user(), deliver.message());
      } else if (GatewayService.GROUP_DELIVER.equals(action)) {
        GatewayService.GroupDeliver deliver = GatewayService.GroupDeliver.fromJson(body);
        registry.deliverGroupEntry(deliver).onComplete(done -> message.reply(new JsonObject()));
      } else if (GatewayService.SENT.equals(action)) {
        registry.pushSent(GatewayService.SentPush.fromJson(body));
      } else if (GatewayService.GROUP_INTEREST.equals(action)) {
        registry.groupInterest().changedAt(GatewayService.GroupInterest.fromJson(body));
        message.reply(new JsonObject());
      } else if (GatewayService.GROUP_INTEREST_SNAPSHOT.equals(action)) {
        String asker = GatewayService.GroupInterestAsk.fromJson(body).node();
        message.reply(registry.groupInterest().snapshotFor(asker).toJson());
      } else if (GatewayService.SESSIONS_CHANGED.equals(action)) {
        registry.sessionsChanged(GatewayService.SessionsChanged.fromJson(body).user());
        message.reply(new JsonObject());
      } else if (GatewayService.DRAIN.equals(action)) {
        drain(message, GatewayService.Drain.fromJson(body));
      } else if (GatewayService.NOTICE.equals(action)) {
        LOG.info("gateway {}: notice to {} connections", nodeId,
            registry.notice(GatewayService.Notice.fromJson(body).text()));
      } else if (GatewayService.KICK.equals(action)) {
        String user = GatewayService.Kick.fromJson(body).user();
        int kicked = registry.kick(user);
        LOG.info("gateway {}: kicked {} ({} connections)", nodeId, user, kicked);
        message.reply(new GatewayService.Kicked(kicked).toJson());
      } else {
        LOG.warn("gateway {}: unknown action '{}'", nodeId, action);
      }
    } catch (BusContractException e) {
      LOG.warn("gateway {}: malformed {}: {}", nodeId, action, e.getMessage());
      message.fail(BusContractException.FAILURE_CODE, e.getMessage());
    }
  }

  private void drain(Message<Object> message, GatewayService.Drain request) {
    Drain drain;
    try {
      drain = new Drain(vertx, registry, targets(request.targets()),
          request.batchSize() == null ? DEFAULT_DRAIN_BATCH_SIZE : request.batchSize(),
          request.batchIntervalMillis() == null ? DEFAULT_DRAIN_BATCH_INTERVAL_MILLIS : request.batchIntervalMillis());
    } catch (IllegalArgumentException e) {
      message.fail(BAD_REQUEST, "bad drain request: " + e.getMessage());
      return;
    }
    if (!registry.startDraining()) {
      message.fail(CONFLICT, "gateway " + nodeId + " is already draining");
      return;
    }
    LOG.info("gateway {} draining: moving {} connections to {}", nodeId, registry.size(), request.targets());
    drain.run().onSuccess(moved -> {
      LOG.info("gateway {} drained: {} connections moved", nodeId, moved);
      message.reply(new GatewayService.Drained(moved).toJson());
      onDrained.handle(moved);
    });
  }

  private static List<Drain.Target> targets(List<GatewayService.Target> requested) {
    if (requested.isEmpty()) {
      throw new IllegalArgumentException("no targets");
    }
    List<Drain.Target> targets = new ArrayList<>();
    for (GatewayService.Target target : requested) {
      String host = target.host();
      int port = target.port();
      if (host.isBlank() || host.contains(" ") || port < 1 || port > MAX_PORT) {
        throw new IllegalArgumentException("target " + target);
      }
      targets.add(new Drain.Target(host, port, target.transports()));
    }
    return targets;
  }
}
