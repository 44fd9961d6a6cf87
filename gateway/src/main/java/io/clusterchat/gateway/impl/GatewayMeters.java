package io.clusterchat.gateway.impl;

import io.clusterchat.bus.StoreService;
import io.clusterchat.gateway.Transport;
import io.clusterchat.metrics.NodeMetrics;
import io.clusterchat.protocol.Command;
import io.clusterchat.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own meters, made once per node (see {@link NodeMetrics#meters}). Counters by command and by
 * error code are made up front (both sets are small enums), so counting on the event loop costs no lookup.
 */
final class GatewayMeters {

  static final String CONNECTIONS = NodeMetrics.PREFIX + "gateway.connections";
  static final String ACCEPTED = NodeMetrics.PREFIX + "gateway.accepted";
  static final String WS_REFUSED = NodeMetrics.PREFIX + "gateway.ws.refused";
  static final String FRAMES_IN = NodeMetrics.PREFIX + "gateway.frames.in";
  static final String FRAMES_OUT = NodeMetrics.PREFIX + "gateway.frames.out";
  static final String REQUESTS = NodeMetrics.PREFIX + "gateway.requests";
  static final String ERRORS = NodeMetrics.PREFIX + "gateway.errors";
  static final String DELIVERIES = NodeMetrics.PREFIX + "gateway.deliveries";
  static final String SLOW_READERS = NodeMetrics.PREFIX + "gateway.slow.readers";
  static final String SENDS = NodeMetrics.PREFIX + "gateway.sends";
  static final String BUS_REQUESTS = NodeMetrics.PREFIX + "bus.request";
  static final String SESSION_CACHE = NodeMetrics.PREFIX + "gateway.session.cache";
  static final String GROUPS = NodeMetrics.PREFIX + "gateway.groups";
  static final String GROUP_INTEREST = NodeMetrics.PREFIX + "gateway.group.interest";
  /** The op of a pushed frame that counts as a delivery: a stored message pushed to its recipient. */
  static final String DELIVERY_OP = "msg";
  /** The op of a pushed group message, which counts as a delivery too. */
  static final String GROUP_DELIVERY_OP = "gmsg";
  /** The {@code command} tag of a request that could not be decoded (bad line, too long, rate-limited). */
  static final String INVALID = "invalid";

  private final MeterRegistry registry;
  private final AtomicInteger connections = new AtomicInteger();
  final Counter framesIn;
  final Counter framesOut;
  final Counter deliveries;
  final Counter slowReaders;
  final Counter sends;
  private final Counter sessionCacheHits;
  private final Counter sessionCacheMisses;
  private final Map<Command, Counter> requests = new EnumMap<>(Command.class);
  private final Counter invalidRequests;
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  private final Map<Transport, Counter> accepted = new EnumMap<>(Transport.class);
  /** WebSocket handshakes refused before the upgrade: from a web origin not allowed, on a path other than /ws. */
  final Counter wsRefusedOrigin;
  final Counter wsRefusedPath;
  /** By address and outcome; addresses are the services' constants, so this stays small. */
  private final Map<String, Timer> busRequests = new ConcurrentHashMap<>();

  private GatewayMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(CONNECTIONS, connections, AtomicInteger::get)
        .description("Client connections open on this gateway").register(registry);
    framesIn = Counter.builder(FRAMES_IN).description("Frames (lines) read from clients").register(registry);
    framesOut = Counter.builder(FRAMES_OUT).description("Frames (lines) written to clients").register(registry);
    deliveries = Counter.builder(DELIVERIES).description("MSG and GMSG pushes to connected clients").register(registry);
    slowReaders = Counter.builder(SLOW_READERS).description("Connections closed with BYE slow")
        .register(registry);
    sends = Counter.builder(SENDS).description("Messages stored for SEND (OK SEND given)").register(registry);
    for (Transport transport : Transport.values()) {
      accepted.put(transport, Counter.builder(ACCEPTED).description("Client connections accepted, by transport")
          .tag("transport", transport.label()).register(registry));
    }
    wsRefusedOrigin = wsRefused("origin");
    wsRefusedPath = wsRefused("path");
    sessionCacheHits = sessionCache("hit");
    sessionCacheMisses = sessionCache("miss");
    for (Command command : Command.values()) {
      requests.put(command, request(command.name()));
    }
    invalidRequests = request(INVALID);
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, Counter.builder(ERRORS).description("ERR replies to clients, by code")
          .tag("code", String.valueOf(code.code())).register(registry));
    }
  }

  /** The meters of the gateway node {@code vertx} belongs to. */
  static GatewayMeters of(Vertx vertx) {
    return NodeMetrics.of(vertx).meters(GatewayMeters.class, GatewayMeters::new);
  }

  /** Whether a pushed frame of this op counts as a delivery: a stored message, 1:1 or group, pushed to a member. */
  static boolean isDelivery(String op) {
    return DELIVERY_OP.equals(op) || GROUP_DELIVERY_OP.equals(op);
  }

  /** Gauges of the groups this gateway holds member sessions of, and of those other gateways announced. */
  void groups(LocalGroups local, GroupInterest interest) {
    Gauge.builder(GROUPS, local, LocalGroups::size)
        .description("Groups with member sessions on this gateway").register(registry);
    Gauge.builder(GROUP_INTEREST, interest, GroupInterest::remoteGroups)
        .description("Groups that other gateways announced they hold member sessions of").register(registry);
  }

  void connectionOpened(Transport transport) {
    connections.incrementAndGet();
    accepted.get(transport).increment();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  /** @param command null for a request that could not be decoded */
  void request(Command command) {
    (command == null ? invalidRequests : requests.get(command)).increment();
  }

  void error(ErrorCode code) {
    errors.get(code).increment();
  }

  /** Records one event-bus request; a stored append also counts as a send. */
  void busRequest(String address, long nanos, boolean succeeded) {
    String outcome = succeeded ? "success" : "failure";
    busRequests.computeIfAbsent(address + ' ' + outcome, key -> Timer.builder(BUS_REQUESTS)
        .description("Event-bus requests from this gateway to back ends, by address and outcome")
        .tag("address", address).tag("outcome", outcome).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (succeeded && StoreService.MESSAGE_APPEND.equals(address)) {
      sends.increment();
    }
  }

  /** A push found its recipient's gateways in the session cache. */
  void sessionCacheHit() {
    sessionCacheHits.increment();
  }

  /** A push had to look its recipient's sessions up. */
  void sessionCacheMiss() {
    sessionCacheMisses.increment();
  }

  private Counter sessionCache(String outcome) {
    return Counter.builder(SESSION_CACHE).description("Pushes by whether the session cache knew the recipient's "
        + "gateways (hit) or a session.lookup was needed (miss)").tag("outcome", outcome).register(registry);
  }

  private Counter wsRefused(String reason) {
    return Counter.builder(WS_REFUSED).description("WebSocket handshakes refused before the upgrade, by reason: "
        + "a web origin not in ws-origins (403), a path other than /ws (404)").tag("reason", reason)
        .register(registry);
  }

  private Counter request(String command) {
    return Counter.builder(REQUESTS).description("Client requests, by command").tag("command", command)
        .register(registry);
  }
}
