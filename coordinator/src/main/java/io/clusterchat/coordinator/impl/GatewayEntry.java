package io.clusterchat.coordinator.impl;

import io.clusterchat.bus.CoordinatorService;
import io.clusterchat.bus.Transports;
import io.vertx.core.json.JsonObject;

/**
 * What the coordinator knows of one gateway: its latest load report, when it came, the rates derived from the
 * report before it, and the clients dispatched to it since (so a burst of dispatches spreads before the next report
 * shows the new connections).
 */
public record GatewayEntry(String node, String region, String host, int port, int connections, String state,
                           long sends, long deliveries, long startedAt, long receivedAtMillis, double sendsPerSecond,
                           double deliveriesPerSecond, int dispatched, Transports transports) {

  public GatewayEntry {
    transports = transports == null ? Transports.NONE : transports;
  }

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
        receivedAtMillis, sendsPerSecond, deliveriesPerSecond, dispatched, transports);
  }

  GatewayEntry withDispatched(int count) {
    return new GatewayEntry(node, region, host, port, connections, state, sends, deliveries, startedAt,
        receivedAtMillis, sendsPerSecond, deliveriesPerSecond, count, transports);
  }

  /** Where clients reach this gateway, on every transport it offers: dispatch's answer and a drain's target. */
  public JsonObject endpoints() {
    JsonObject json = new JsonObject().put("host", host).put("port", port);
    if (transports.hasTls()) {
      json.put("tlsPort", transports.tlsPort());
    }
    if (transports.hasWebSocket()) {
      json.put("wsUrl", transports.wsUrl());
    }
    return json;
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
        .put("startedAt", startedAt)
        .mergeIn(endpoints());
  }
}
