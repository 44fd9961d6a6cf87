package io.clusterchat.gateway.impl;

import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.bus.CoordinatorService;
import io.clusterchat.bus.Transports;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Publishes the node's load report on {@link CoordinatorService#GATEWAY_REPORT} every report interval (published,
 * not sent, so every coordinator hears it): the coordinator's registry and dispatch are rebuilt from these alone.
 */
public class GatewayReportVerticle extends VerticleBase {

  /** The report's {@code state} while clients are taken. */
  public static final String ACCEPTING = CoordinatorService.ACCEPTING;
  /** The report's {@code state} once a drain began: no new clients, the connected ones are being moved. */
  public static final String DRAINING = CoordinatorService.DRAINING;

  private final GatewayOptions options;
  private final ConnectionRegistry registry;
  private final IntSupplier port;
  private final Supplier<Transports> transports;
  private final long startedAt;
  private long timer = -1;

  /**
   * @param port the client port actually bound (read at every report: it is known only once the servers listen)
   * @param transports its TLS and WebSocket ports and URL (read at every report too)
   * @param startedAt when the gateway started, ms since the epoch
   */
  public GatewayReportVerticle(GatewayOptions options, ConnectionRegistry registry, IntSupplier port,
                               Supplier<Transports> transports, long startedAt) {
    this.options = options;
    this.registry = registry;
    this.port = port;
    this.transports = transports;
    this.startedAt = startedAt;
  }

  @Override
  public Future<?> start() {
    // The first report at once: a new gateway should receive clients as soon as it can take them.
    report();
    timer = vertx.setPeriodic(options.getReportIntervalMillis(), id -> report());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** The report as published. */
  CoordinatorService.GatewayReport load() {
    return new CoordinatorService.GatewayReport(options.getNodeId(), options.getRegion(), options.getPublicHost(),
        port.getAsInt(), registry.size(), registry.isDraining() ? DRAINING : ACCEPTING, registry.counters().sends(),
        registry.counters().deliveries(), startedAt, transports.get());
  }

  private void report() {
    vertx.eventBus().publish(CoordinatorService.GATEWAY_REPORT, load().toJson());
  }
}
