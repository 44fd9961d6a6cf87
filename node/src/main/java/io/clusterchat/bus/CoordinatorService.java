package io.clusterchat.bus;

import static io.clusterchat.bus.BusFields.flag;
import static io.clusterchat.bus.BusFields.integer;
import static io.clusterchat.bus.BusFields.number;
import static io.clusterchat.bus.BusFields.string;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinators' event-bus contract: the gateway registry is soft state, rebuilt from the gateways' reports on
 * every coordinator; cluster-wide jobs (drains) run on the leading coordinator, which the others ask on its own
 * address.
 */
public final class CoordinatorService {

  /**
   * Every gateway publishes its {@link GatewayReport} here every second (published, so every coordinator hears
   * it). A gateway that stops reporting for 5 s, or leaves the cluster, leaves the registry.
   */
  public static final String GATEWAY_REPORT = "coordinator.gateway.report";

  /**
   * Every coordinator hears here (published) that a drain was ordered or failed: {@link DrainMark}. Dispatch on
   * every coordinator stops sending clients to a gateway told to drain before its own report says so.
   */
  public static final String DRAIN_MARK = "coordinator.gateway.drain-mark";

  /** Followed by the node id: {@code coordinator.node.coordinator-2}, one consumer per coordinator node. */
  public static final String ADDRESS_PREFIX = "coordinator.node.";

  /** Header {@code action} of a message to a coordinator's own address. */
  public static final String ACTION = "action";

  /**
   * Drain a gateway (requested of the leading coordinator): {@link DrainGateway} to {@link DrainStarted}; 404 for no
   * live gateway of that id, 409 when the drain is refused, 503 when the node asked does not lead (any more).
   */
  public static final String DRAIN = "drain";

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
  private static final String DRAINING_FIELD = "draining";
  private static final String TARGETS = "targets";

  private CoordinatorService() {
  }

  public static String address(String nodeId) {
    return ADDRESS_PREFIX + nodeId;
  }

  /**
   * A gateway's load: where clients reach it ({@code host}, {@code port}), its connections, {@link #ACCEPTING} or
   * {@link #DRAINING}, totals since start of sends answered OK and pushes (the coordinator derives rates), and its
   * other transports ({@link Transports#NONE} for TCP only; reports of gateways without them omit the fields).
   */
  public record GatewayReport(String node, String region, String host, int port, int connections, String state,
                              long sends, long deliveries, long startedAt, Transports transports) {

    public GatewayReport {
      transports = transports == null ? Transports.NONE : transports;
    }

    public JsonObject toJson() {
      return transports.putInto(new JsonObject().put(NODE, node).put(REGION, region).put(HOST, host).put(PORT, port)
          .put(CONNECTIONS, connections).put(STATE, state).put(SENDS, sends).put(DELIVERIES, deliveries)
          .put(STARTED_AT, startedAt));
    }

    public static GatewayReport fromJson(JsonObject json) {
      return new GatewayReport(string(json, NODE), string(json, REGION), string(json, HOST), integer(json, PORT),
          integer(json, CONNECTIONS), string(json, STATE), number(json, SENDS), number(json, DELIVERIES),
          number(json, STARTED_AT), Transports.fromJson(json));
    }
  }

  /** A drain of {@code node} was ordered ({@code draining} true) or failed before the gateway took it (false). */
  public record DrainMark(String node, boolean draining) {
    public JsonObject toJson() {
      return new JsonObject().put(NODE, node).put(DRAINING_FIELD, draining);
    }

    public static DrainMark fromJson(JsonObject json) {
      return new DrainMark(string(json, NODE), flag(json, DRAINING_FIELD));
    }
  }

  /** Which gateway to drain. */
  public record DrainGateway(String node) {
    public JsonObject toJson() {
      return new JsonObject().put(NODE, node);
    }

    public static DrainGateway fromJson(JsonObject json) {
      return new DrainGateway(string(json, NODE));
    }
  }

  /** The drain started: the gateway moves its clients to these gateways (node ids). */
  public record DrainStarted(String node, List<String> targets) {
    public JsonObject toJson() {
      return new JsonObject().put(NODE, node).put(TARGETS, new JsonArray(new ArrayList<>(targets)));
    }

    public static DrainStarted fromJson(JsonObject json) {
      JsonArray targets = json.getValue(TARGETS) instanceof JsonArray array ? array : null;
      if (targets == null || !targets.stream().allMatch(String.class::isInstance)) {
        throw new BusContractException("field " + TARGETS + " must be an array of strings");
      }
      List<String> nodes = new ArrayList<>();
      targets.forEach(target -> nodes.add((String) target));
      return new DrainStarted(string(json, NODE), nodes);
    }
  }
}
