package io.clusterchat.gateway.impl;

import io.clusterchat.gateway.GatewayOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts client connections on the gateway port and hands each to the connection registry. Deployed once per
 * core; the instances share the port and the registry. On stop it stops accepting and sends
 * {@code BYE shutdown} to its clients, giving them the shutdown grace to leave before they are closed.
 */
public class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final long MAX_IDLE_SWEEP_MILLIS = 1_000;
  /** An idle connection is closed at most a quarter of the timeout late. */
  private static final long SWEEPS_PER_IDLE_TIMEOUT = 4;
  /** Room for a reconnect storm: every client of a drained gateway arriving at once. */
  private static final int ACCEPT_BACKLOG = 4096;

  private final GatewayOptions options;
  private final ConnectionRegistry registry;
  private final int listenPort;
  private NetServer server;

  public GatewayVerticle(GatewayOptions options, ConnectionRegistry registry) {
    this(options, registry, options.getPort());
  }

  /**
   * @param listenPort the port to listen on; negative to share a free port with the other servers given the same
   *     negative number (Vert.x does not share port 0: each instance would bind a port of its own)
   */
  public GatewayVerticle(GatewayOptions options, ConnectionRegistry registry, int listenPort) {
    this.options = options;
    this.registry = registry;
    this.listenPort = listenPort;
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(new NetServerOptions()
        .setHost(options.getHost())
        .setPort(listenPort)
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setAcceptBacklog(ACCEPT_BACKLOG));
    server.connectHandler(registry::accept);
    Context own = context;
    long sweep = Math.max(1, Math.min(MAX_IDLE_SWEEP_MILLIS, options.getIdleTimeoutMillis() / SWEEPS_PER_IDLE_TIMEOUT));
    vertx.setPeriodic(sweep, id -> registry.closeIdle(own, System.nanoTime()));
    return server.listen().onSuccess(s ->
        LOG.info("gateway {} (region {}) accepting clients on {}:{}", options.getNodeId(), options.getRegion(),
            options.getHost(), s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(options.getShutdownGraceMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
