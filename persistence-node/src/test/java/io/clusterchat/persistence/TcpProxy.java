package io.clusterchat.persistence;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay to a database on 127.0.0.1 that a test can take down (closing every relayed connection, as a
 * crashed database would) and bring back on the same port.
 */
final class TcpProxy {

  private static final String LOCALHOST = "127.0.0.1";

  private final Vertx vertx;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private int port;

  TcpProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  int port() {
    return port;
  }

  /** Listens (on the port it had before, if any) and relays every connection to the target. */
  Future<TcpProxy> start() {
    server = vertx.createNetServer().connectHandler(this::relay);
    return server.listen(port, LOCALHOST).map(listening -> {
      port = listening.actualPort();
      return this;
    });
  }

  /** Stops listening and cuts every relayed connection. */
  Future<Void> stop() {
    List<Future<Void>> closed = new ArrayList<>();
    closed.add(server.close());
    sockets.forEach(socket -> closed.add(socket.close()));
    sockets.clear();
    return Future.join(closed).mapEmpty();
  }

  private void relay(NetSocket inbound) {
    inbound.pause();
    client.connect(targetPort, LOCALHOST).onComplete(connected -> {
      if (connected.failed()) {
        inbound.close();
        return;
      }
      NetSocket outbound = connected.result();
      sockets.add(inbound);
      sockets.add(outbound);
      inbound.closeHandler(v -> outbound.close());
      outbound.closeHandler(v -> inbound.close());
      inbound.handler(outbound::write);
      outbound.handler(inbound::write);
      inbound.resume();
    });
  }
}
