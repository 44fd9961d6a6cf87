package io.clusterchat.gateway;

import io.clusterchat.bus.Transports;
import io.clusterchat.cluster.ClusterMember;
import io.clusterchat.cluster.ClusterNode;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.gateway.impl.GatewayBusVerticle;
import io.clusterchat.gateway.impl.GatewayClusterVerticle;
import io.clusterchat.gateway.impl.GatewayVerticle;
import io.clusterchat.gateway.impl.EchoServiceVerticle;
import io.clusterchat.gateway.impl.GatewayReportVerticle;
import io.clusterchat.gateway.impl.ConnectionRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway node: the protocol server ({@link GatewayVerticle}, one instance per core), the node's own event-bus
 * address ({@link GatewayBusVerticle}), its load reports to the coordinator ({@link GatewayReportVerticle}) and the
 * seed echo service ({@link EchoServiceVerticle}) when its port is set.
 */
public final class Gateway {

  /** Keys of the free ports shared by a gateway's server instances when port 0 is asked for. */
  private static final AtomicInteger SHARED_FREE_PORTS = new AtomicInteger();

  private final GatewayOptions options;
  private final ConnectionRegistry registry;
  private final List<GatewayVerticle> servers = new CopyOnWriteArrayList<>();
  private final Promise<Integer> drained = Promise.promise();
  private final long startedAt = System.currentTimeMillis();
  private EchoServiceVerticle echo;

  private Gateway(Vertx vertx, GatewayOptions options) {
    this.options = options;
    this.registry = ConnectionRegistry.create(vertx, options);
  }

  /**
   * Deploys a gateway on a cluster node: its verticles, and the watch that lets its clients go when it is cut off
   * from the cluster and keeps the session registry true to its connections ({@link GatewayClusterVerticle}).
   */
  public static Future<Gateway> deploy(ClusterNode node, GatewayOptions options) {
    return deploy(node.vertx(), options).compose(gateway -> {
      String self = gateway.options.getNodeId();
      gateway.registry.otherGateways(() -> node.view().members().stream()
          .filter(member -> member.role() == NodeRole.GATEWAY && !self.equals(member.nodeId()))
          .map(ClusterMember::nodeId).toList());
      return node.vertx().deployVerticle(new GatewayClusterVerticle(node.view(), gateway.registry))
          .map(id -> gateway);
    });
  }

  /**
   * Deploys the gateway's verticles on {@code vertx}; completes once every port is bound. Without a cluster node
   * nothing watches the cluster for it: for a gateway on a Vert.x of its own (tests of the protocol alone).
   */
  public static Future<Gateway> deploy(Vertx vertx, GatewayOptions options) {
    Gateway gateway = new Gateway(vertx, new GatewayOptions(options).validate());
    GatewayVerticle.ListenPorts ports = new GatewayVerticle.ListenPorts(listenPort(gateway.options.getPort()),
        listenPort(gateway.options.getTlsPort()), listenPort(gateway.options.getWsPort()));
    Future<String> bus = vertx.deployVerticle(new GatewayBusVerticle(gateway.options.getNodeId(), gateway.registry,
        gateway.drained::tryComplete));
    Future<String> servers = bus.compose(busId -> vertx.deployVerticle(() -> {
      GatewayVerticle server = new GatewayVerticle(gateway.options, gateway.registry, ports);
      gateway.servers.add(server);
      return server;
    }, new DeploymentOptions().setInstances(gateway.options.getInstances())));
    // Reports only once the port is bound: a report is an invitation to send clients here.
    Future<String> reports = servers.compose(id -> vertx.deployVerticle(
        new GatewayReportVerticle(gateway.options, gateway.registry, gateway::port, gateway::transports,
            gateway.startedAt)));
    Future<String> echoService = reports.compose(id -> {
      if (gateway.options.getEchoPort() == 0) {
        return Future.succeededFuture();
      }
      gateway.echo = new EchoServiceVerticle(gateway.options.getHost(), gateway.options.getEchoPort());
      return vertx.deployVerticle(gateway.echo);
    });
    return echoService.map(id -> gateway);
  }

  /** A configured port as the servers listen on it: 0 becomes a free port the instances share. */
  private static int listenPort(int port) {
    return port == 0 ? -SHARED_FREE_PORTS.incrementAndGet() : port;
  }

  public GatewayOptions options() {
    return options;
  }

  /** The client port actually bound. */
  public int port() {
    return servers.get(0).actualPort();
  }

  /** The TLS port actually bound, or {@link GatewayOptions#OFF}. */
  public int tlsPort() {
    return servers.get(0).actualTlsPort();
  }

  /** The WebSocket port actually bound, or {@link GatewayOptions#OFF}. */
  public int wsPort() {
    return servers.get(0).actualWsPort();
  }

  /** The WebSocket endpoint's URL clients are given ({@code ws://host:port/ws} or {@code wss://...}), or null. */
  public String wsUrl() {
    int ws = wsPort();
    return ws == GatewayOptions.OFF ? null : options.getWebSocketUrl(ws);
  }

  /** The transports besides TCP, as load reports and drain targets name them. */
  public Transports transports() {
    int tls = tlsPort();
    int ws = wsPort();
    return new Transports(tls == GatewayOptions.OFF ? 0 : tls, ws == GatewayOptions.OFF ? 0 : ws, wsUrl());
  }

  /** The echo service's port actually bound, or 0 when it is off. */
  public int echoPort() {
    return echo == null ? 0 : echo.actualPort();
  }

  /** Live client connections on this node. */
  public int connections() {
    return registry.size();
  }

  /** True while the gateway sees no data member of the cluster: it has let its clients go and accepts none. */
  public boolean isIsolated() {
    return registry.isIsolated();
  }

  /** Reasserts of its sessions to the registry completed since the gateway started. */
  public long sessionsReasserted() {
    return registry.sessionsReasserted();
  }

  /** True once a drain began: new connections are refused. */
  public boolean isDraining() {
    return registry.isDraining();
  }

  /**
   * Completes with the number of clients moved once a drain has moved them all. The launcher then ends the
   * process (leaving the cluster cleanly); in-JVM tests just observe it.
   */
  public Future<Integer> drained() {
    return drained.future();
  }

  /** SENDs answered OK on this node since it started. */
  public long sends() {
    return registry.counters().sends();
  }

  /** MSG pushes to connections of this node since it started. */
  public long deliveries() {
    return registry.counters().deliveries();
  }
}
