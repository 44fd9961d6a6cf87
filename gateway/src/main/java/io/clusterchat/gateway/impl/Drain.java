package io.clusterchat.gateway.impl;

import io.clusterchat.bus.Transports;
import io.clusterchat.gateway.Transport;
import io.clusterchat.protocol.ByeReason;
import io.clusterchat.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Moves every client of a draining gateway elsewhere: in batches, each connection is pushed
 * {@code RECONNECT <host> <port>} of a target (round robin over the targets), then {@code BYE drain}, and closed.
 * The port is the target's port of the connection's own transport (TCP, TLS or WebSocket, whose RECONNECT adds the
 * URL); a target that lacks that transport is passed over for the connection while another target has it. When none
 * has it, the client gets {@code BYE drain} alone and finds its next gateway through dispatch: a port of another
 * transport would be no use to it (a browser cannot open a TCP port).
 * Batches keep a region's other gateways from taking every reconnect, RESUME and SYNC in the same instant.
 *
 * <p>Runs on the context that calls {@link #run()}; completes with the number of connections moved once the node
 * has none left (connections accepted in the instant draining began are moved too).
 */
public final class Drain {

  /** Where a moved client is sent: the target's host, TCP port and other transports. */
  public record Target(String host, int port, Transports transports) {

    public Target {
      transports = transports == null ? Transports.NONE : transports;
    }

    public Target(String host, int port) {
      this(host, port, Transports.NONE);
    }

    boolean offers(Transport transport) {
      return switch (transport) {
        case TCP -> true;
        case TLS -> transports.hasTls();
        case WEBSOCKET -> transports.hasWebSocket();
      };
    }

    /** The RECONNECT for a client on {@code transport}, or null when this target does not offer that transport. */
    ServerFrame reconnect(Transport transport) {
      return switch (transport) {
        case TCP -> ServerFrame.reconnect(host, port);
        case TLS -> transports.hasTls() ? ServerFrame.reconnect(host, transports.tlsPort()) : null;
        case WEBSOCKET -> transports.hasWebSocket()
            ? ServerFrame.reconnect(host, transports.wsPort(), transports.wsUrl()) : null;
      };
    }
  }

  private final Vertx vertx;
  private final ConnectionRegistry registry;
  private final List<Target> targets;
  private final int batchSize;
  private final long batchIntervalMillis;
  private final Set<String> told = new HashSet<>();
  private final Promise<Integer> done = Promise.promise();

  public Drain(Vertx vertx, ConnectionRegistry registry, List<Target> targets, int batchSize,
               long batchIntervalMillis) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("a drain needs at least one target");
    }
    if (batchSize < 1 || batchIntervalMillis < 1) {
      throw new IllegalArgumentException("batch size and interval must be positive");
    }
    this.vertx = vertx;
    this.registry = registry;
    this.targets = List.copyOf(targets);
    this.batchSize = batchSize;
    this.batchIntervalMillis = batchIntervalMillis;
  }

  /** Starts the first batch now; the registry must already refuse new connections. */
  public Future<Integer> run() {
    batch();
    return done.future();
  }

  /**
   * The {@code n}th target round robin, or the next after it that offers {@code transport} if it does not (the
   * {@code n}th when none does).
   */
  private Target target(int n, Transport transport) {
    for (int i = 0; i < targets.size(); i++) {
      Target target = targets.get((n + i) % targets.size());
      if (target.offers(transport)) {
        return target;
      }
    }
    return targets.get(n % targets.size());
  }

  private void batch() {
    int sent = 0;
    for (ClientConnection connection : registry.all()) {
      if (sent == batchSize) {
        break;
      }
      if (told.add(connection.id())) {
        ServerFrame reconnect = target(told.size() - 1, connection.transport()).reconnect(connection.transport());
        connection.context().runOnContext(v -> connection.closeWith(ByeReason.DRAIN, reconnect));
        sent++;
      }
    }
    if (sent == 0 && registry.size() == 0) {
      done.complete(told.size());
    } else {
      vertx.setTimer(batchIntervalMillis, id -> batch());
    }
  }
}
