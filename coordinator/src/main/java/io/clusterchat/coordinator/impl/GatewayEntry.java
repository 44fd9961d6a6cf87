package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.CoordinatorService;
import io.vertx.core.json.JsonObject;

/**
 * What the coordinator knows of one gateway: its latest load report, when it came, the rates derived from the
 * report before it, and the clients dispatched to it since (so a burst of dispatches spreads before the next report
 * shows the new connections).
 */
public record GatewayEntry(String node, String region, String host, int port, int connections, String state,
                           long sends, long deliveries, long startedAt, long receivedAtMillis, double sendsPerSecond,
                           double deliveriesPerSecond, int dispatched) {

  public static final String ACCEPTING = CoordinatorService.ACCEPTING;
  public static final String DRAINING = CoordinatorService.DRAINING;

  public boolean accepting() {
    return ACCEPTING.equals(state);
  }

  /** Connections for least-loaded choice: reported plus dispatched since. */
  public int load() {
    return connections + dispatched;
  }

  GatewayEntry withState(String newState) {
    return new GatewayEntry(node, region, host, port, connections, newState, sends, deliveries, startedAt,
        receivedAtMillis, sendsPerSecond, deliveriesPerSecond, dispatched);
  }

  GatewayEntry withDispatched(int count) {
    return new GatewayEntry(node, region, host, port, connections, state, sends, deliveries, startedAt,
        receivedAtMillis, sendsPerSecond, deliveriesPerSecond, count);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("region", region)
        .put("host", host)
        .put("port", port)
        .put("connections", connections)
        .put("state", state)
        .put("sendsPerSecond", sendsPerSecond)
        .put("deliveriesPerSecond", deliveriesPerSecond)
        .put("startedAt", startedAt);
  }
}
