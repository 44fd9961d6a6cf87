package io.clusterchat.gateway.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.gateway.GatewayOptions;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The registry keeps each event loop's connections apart, so that loop's idle sweep visits only them (a sweep
 * over every connection of the node from every loop would cost connections x loops each time).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class ConnectionRegistryTest {

  private static final int LOOPS = 2;
  private static final int CLIENTS = 12;
  /** A port key of its own: the two server instances share one free port. */
  private static final int SHARED_PORT_KEY = -9_999;

  @Test
  void eachEventLoopHoldsExactlyItsOwnConnections(Vertx vertx, VertxTestContext ctx) {
    GatewayOptions options = new GatewayOptions().setNodeId("gw-registry-1").setRegion("test").setHost("127.0.0.1")
        .setPort(0).setEchoPort(0).setInstances(LOOPS);
    ConnectionRegistry registry = ConnectionRegistry.create(vertx, options);
    List<GatewayVerticle> servers = new ArrayList<>();
    NetClient client = vertx.createNetClient();
    vertx.deployVerticle(() -> {
      GatewayVerticle server = new GatewayVerticle(options, registry, SHARED_PORT_KEY);
      servers.add(server);
      return server;
    }, new DeploymentOptions().setInstances(LOOPS))
        .compose(id -> connectAll(vertx, client, servers.get(0).actualPort(), registry))
        .compose(sockets -> {
          ctx.verify(() -> {
            Set<Context> loops = registry.all().stream().map(ClientConnection::context).collect(Collectors.toSet());
            assertThat(loops).hasSize(LOOPS);
            int held = 0;
            for (Context loop : loops) {
              long own = registry.all().stream().filter(c -> c.context() == loop).count();
              assertThat(registry.sizeOf(loop)).isEqualTo(own).isPositive();
              held += registry.sizeOf(loop);
            }
            assertThat(held).isEqualTo(CLIENTS);
          });
          Set<Context> loops = registry.all().stream().map(ClientConnection::context).collect(Collectors.toSet());
          return Future.all(sockets.stream().map(NetSocket::close).collect(Collectors.toList()))
              .compose(v -> until(vertx, () -> registry.size() == 0))
              .map(v -> loops);
        })
        .onComplete(ctx.succeeding(loops -> ctx.verify(() -> {
          for (Context loop : loops) {
            assertThat(registry.sizeOf(loop)).isZero();
          }
          ctx.completeNow();
        })));
  }

  private static Future<List<NetSocket>> connectAll(Vertx vertx, NetClient client, int port,
                                                    ConnectionRegistry registry) {
    List<Future<NetSocket>> sockets = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      sockets.add(client.connect(port, "127.0.0.1"));
    }
    return Future.all(sockets)
        .compose(all -> until(vertx, () -> registry.size() == CLIENTS))
        .map(v -> sockets.stream().map(Future::result).collect(Collectors.toList()));
  }

  private static Future<Void> until(Vertx vertx, BooleanSupplier condition) {
    if (condition.getAsBoolean()) {
      return Future.succeededFuture();
    }
    return vertx.timer(10).compose(v -> until(vertx, condition));
  }
}
