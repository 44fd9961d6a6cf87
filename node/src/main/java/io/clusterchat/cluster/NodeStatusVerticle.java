package io.clusterchat.cluster;

import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Answers on the node's own status address with who it is and how long it has run, so a test, an operator or
 * the coordinator can see every node of the cluster answer.
 *
 * <p>Request: any body. Reply: {@code {"node":s,"role":s,"region":s|null,"uptime":ms,"startedAt":ms,
 * "members":n}}.
 */
public class NodeStatusVerticle extends VerticleBase {

  /** Followed by the node id: {@code node.status.gw-bj-1}. */
  public static final String ADDRESS_PREFIX = "node.status.";

  private final ClusterNode node;
  private MessageConsumer<Object> consumer;

  public NodeStatusVerticle(ClusterNode node) {
    this.node = node;
  }

  public static String address(String nodeId) {
    return ADDRESS_PREFIX + nodeId;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(address(node.options().getNodeId()), message -> message.reply(status()));
    return consumer.completion();
  }

  private JsonObject status() {
    ClusterOptions options = node.options();
    long now = System.currentTimeMillis();
    return new JsonObject()
        .put("node", options.getNodeId())
        .put("role", options.getRole().wireName())
        .put("region", options.getRegion())
        .put("uptime", now - node.startedAt())
        .put("startedAt", node.startedAt())
        .put("members", node.view().members().size());
  }
}
