package io.clusterchat.gateway.impl;

import io.clusterchat.gateway.GatewayOptions;
import io.vertx.core.Context;
import io.vertx.core.net.NetSocket;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live connections of one gateway node, across its server verticle instances. Connection ids are
 * {@code <node-id>/<n>}, unique in the cluster for the life of the node.
 */
public final class ConnectionRegistry {

  private final GatewayOptions options;
  private final Commands commands;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();

  public ConnectionRegistry(GatewayOptions options, Commands commands) {
    this.options = options;
    this.commands = commands;
  }

  /** Wraps a newly accepted socket; call on its event loop. */
  public ClientConnection accept(NetSocket socket) {
    String id = options.getNodeId() + "/" + sequence.incrementAndGet();
    ClientConnection connection = new ClientConnection(id, socket, options, commands, this);
    connections.put(id, connection);
    connection.start();
    return connection;
  }

  void remove(ClientConnection connection) {
    connections.remove(connection.id());
  }

  /** Closes the idle connections of one event loop; call on that loop's context. */
  public void closeIdle(Context context, long nowNanos) {
    for (ClientConnection connection : connections.values()) {
      if (connection.context() == context) {
        connection.checkIdle(nowNanos);
      }
    }
  }

  public ClientConnection get(String id) {
    return connections.get(id);
  }

  public int size() {
    return connections.size();
  }

  public Collection<ClientConnection> all() {
    return connections.values();
  }
}
