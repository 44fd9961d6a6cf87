package io.clusterchat.gateway;

import io.clusterchat.gateway.impl.ConnectionRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway node: the protocol server ({@link GatewayVerticle}, one instance per core), the node's own event-bus
 * address ({@link GatewayBusVerticle}) and the seed echo service ({@link EchoServiceVerticle}) when its port is set.
 */
public final class Gateway {

  /** Keys of the free ports shared by a gateway's server instances when port 0 is asked for. */
  private static final AtomicInteger SHARED_FREE_PORTS = new AtomicInteger();

  private final GatewayOptions options;
  private final ConnectionRegistry registry;
  private final List<GatewayVerticle> servers = new CopyOnWriteArrayList<>();
  private EchoServiceVerticle echo;

  private Gateway(Vertx vertx, GatewayOptions options) {
    this.options = options;
    this.registry = ConnectionRegistry.create(vertx, options);
  }

  /** Deploys the gateway's verticles on {@code vertx}; completes once every port is bound. */
  public static Future<Gateway> deploy(Vertx vertx, GatewayOptions options) {
    Gateway gateway = new Gateway(vertx, new GatewayOptions(options).validate());
    int port = gateway.options.getPort();
    int listenPort = port == 0 ? -SHARED_FREE_PORTS.incrementAndGet() : port;
    Future<String> bus = vertx.deployVerticle(new GatewayBusVerticle(gateway.options.getNodeId(), gateway.registry));
    Future<String> servers = bus.compose(busId -> vertx.deployVerticle(() -> {
      GatewayVerticle server = new GatewayVerticle(gateway.options, gateway.registry, listenPort);
      gateway.servers.add(server);
      return server;
    }, new DeploymentOptions().setInstances(gateway.options.getInstances())));
    Future<String> echoService = servers.compose(id -> {
      if (gateway.options.getEchoPort() == 0) {
        return Future.succeededFuture();
      }
      gateway.echo = new EchoServiceVerticle(gateway.options.getHost(), gateway.options.getEchoPort());
      return vertx.deployVerticle(gateway.echo);
    });
    return echoService.map(id -> gateway);
  }

  public GatewayOptions options() {
    return options;
  }

  /** The client port actually bound. */
  public int port() {
    return servers.get(0).actualPort();
  }

  /** The echo service's port actually bound, or 0 when it is off. */
  public int echoPort() {
    return echo == null ? 0 : echo.actualPort();
  }

  /** Live client connections on this node. */
  public int connections() {
    return registry.size();
  }
}
