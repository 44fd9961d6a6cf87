package io.clusterchat.bus;

/**
 * The coordinator's event-bus contract: the gateway registry is soft state, rebuilt from these reports.
 */
public final class CoordinatorService {

  /**
   * Every gateway publishes its load here every second (published, so a standby coordinator hears it too). Body
   * {@code {"node":s,"region":s,"host":s,"port":n,"connections":n,"state":"accepting"|"draining","sends":n,
   * "deliveries":n,"startedAt":ms}}: {@code host}/{@code port} are where clients reach it; {@code sends} and
   * {@code deliveries} are totals since start (the coordinator derives rates). A gateway that stops reporting for
   * 5 s, or leaves the cluster, leaves the registry.
   */
  public static final String GATEWAY_REPORT = "coordinator.gateway.report";

  private CoordinatorService() {
  }
}
