package io.clusterchat.bus;

import static io.clusterchat.bus.BusFields.integer;
import static io.clusterchat.bus.BusFields.number;
import static io.clusterchat.bus.BusFields.string;

import io.vertx.core.json.JsonObject;

/** The coordinator's event-bus contract: the gateway registry is soft state, rebuilt from these reports. */
public final class CoordinatorService {

  /**
   * Every gateway publishes its {@link GatewayReport} here every second (published, so every coordinator hears
   * it). A gateway that stops reporting for 5 s, or leaves the cluster, leaves the registry.
   */
  public static final String GATEWAY_REPORT = "coordinator.gateway.report";

  /** A report's {@code state} while clients are taken. */
  public static final String ACCEPTING = "accepting";
  /** A report's {@code state} once a drain began: no new clients, the connected ones are being moved. */
  public static final String DRAINING = "draining";

  private static final String NODE = "node";
  private static final String REGION = "region";
  private static final String HOST = "host";
  private static final String PORT = "port";
  private static final String CONNECTIONS = "connections";
  private static final String STATE = "state";
  private static final String SENDS = "sends";
  private static final String DELIVERIES = "deliveries";
  private static final String STARTED_AT = "startedAt";

  private CoordinatorService() {
  }

  /**
   * A gateway's load: where clients reach it ({@code host}, {@code port}), its connections, {@link #ACCEPTING} or
   * {@link #DRAINING}, and totals since start of sends answered OK and pushes (the coordinator derives rates).
   */
  public record GatewayReport(String node, String region, String host, int port, int connections, String state,
                              long sends, long deliveries, long startedAt) {
    public JsonObject toJson() {
      return new JsonObject().put(NODE, node).put(REGION, region).put(HOST, host).put(PORT, port)
          .put(CONNECTIONS, connections).put(STATE, state).put(SENDS, sends).put(DELIVERIES, deliveries)
          .put(STARTED_AT, startedAt);
    }

    public static GatewayReport fromJson(JsonObject json) {
      return new GatewayReport(string(json, NODE), string(json, REGION), string(json, HOST), integer(json, PORT),
          integer(json, CONNECTIONS), string(json, STATE), number(json, SENDS), number(json, DELIVERIES),
          number(json, STARTED_AT));
    }
  }
}
