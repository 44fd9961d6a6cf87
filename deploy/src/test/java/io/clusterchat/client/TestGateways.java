package io.clusterchat.client;

import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway on its own Vert.x instance (no back ends), so that a test can stop it the way a node stops and
 * start it again on the same port.
 */
final class TestGateways {

  static final String HOST = "127.0.0.1";
  static final String REGION = "bj";
  static final String NODE_ID = "gw-test-1";
  private static final long TIMEOUT_SECONDS = 20;

  private TestGateways() {
  }

  static GatewayOptions options(int port) {
    return new GatewayOptions().setNodeId(NODE_ID).setRegion(REGION).setHost(HOST).setPort(port).setEchoPort(0)
        .setInstances(1).setShutdownGraceMillis(100).setRequestTimeoutMillis(1_000);
  }

  /** A running gateway and the Vert.x instance it runs on. */
  record Running(Vertx vertx, Gateway gateway) {

    int port() {
      return gateway.port();
    }

    void stop() throws Exception {
      await(vertx.close());
    }
  }

  static Running start(GatewayOptions options) throws Exception {
    Vertx vertx = Vertx.vertx();
    return new Running(vertx, await(Gateway.deploy(vertx, options)));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
