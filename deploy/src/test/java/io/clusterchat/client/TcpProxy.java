package io.clusterchat.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a gateway, standing in for the network: {@link #cut()} drops every relayed connection
 * and refuses new ones until {@link #heal()}, as a lost link would.
 */
final class TcpProxy {

  private final NetServer server;
  private final NetClient client;
  private final String host;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(Vertx vertx, String host, int targetPort) {
    this.host = host;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(this::relay);
  }

  static Future<TcpProxy> start(Vertx vertx, String host, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, host, targetPort);
    return proxy.server.listen(0, host).map(s -> proxy);
  }

  int port() {
    return server.actualPort();
  }

  void cut() {
    cut = true;
    sockets.forEach(NetSocket::close);
  }

  void heal() {
    cut = false;
  }

  private void relay(NetSocket downstream) {
    if (cut) {
      downstream.close();
      return;
    }
    downstream.pause();
    client.connect(targetPort, host).onSuccess(upstream -> {
      sockets.add(downstream);
      sockets.add(upstream);
      downstream.pipeTo(upstream);
      upstream.pipeTo(downstream);
      downstream.closeHandler(v -> upstream.close());
      upstream.closeHandler(v -> downstream.close());
      downstream.resume();
    }).onFailure(e -> downstream.close());
  }

  Future<Void> close() {
    cut();
    return server.close().compose(v -> client.close());
  }
}
